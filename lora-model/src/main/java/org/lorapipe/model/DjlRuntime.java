package org.lorapipe.model;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDManager;
import ai.djl.pytorch.jni.JniUtils;

/**
 * The few process-wide DJL settings this module relies on: offline mode (no telemetry or download CDN,
 * see docs/STACK.md), the PyTorch engine, the compute device, and per-thread inference mode.
 */
public final class DjlRuntime {

    /** Setting (system property or service config) selecting the compute device, see {@link DeviceChoice}. */
    public static final String DEVICE_PROPERTY = "lora.model.device";

    /** The device chosen at start-up by {@link #useDevice}, or null to read {@value #DEVICE_PROPERTY}. */
    private static volatile Device chosen;

    private DjlRuntime() {}

    /**
     * Makes DJL offline unless the caller decided otherwise, names the libtorch flavor (the CPU build,
     * unless {@code PYTORCH_FLAVOR} says otherwise, as the cuda images do: without it DJL probes the CUDA
     * runtime to choose, and warns where a runtime library exists without a matching driver), then
     * returns the PyTorch engine.
     */
    public static Engine engine() {
        if (System.getProperty("ai.djl.offline") == null && System.getenv("DJL_OFFLINE") == null) {
            System.setProperty("ai.djl.offline", "true");
        }
        if (System.getProperty("PYTORCH_FLAVOR") == null && System.getenv("PYTORCH_FLAVOR") == null) {
            System.setProperty("PYTORCH_FLAVOR", "cpu");
        }
        return Engine.getEngine("PyTorch");
    }

    /**
     * The device every model of this process runs on: the one chosen by {@link #useDevice}, else the
     * system property {@value #DEVICE_PROPERTY} ({@code auto} when absent: a GPU when the engine sees one).
     */
    public static Device defaultDevice() {
        Device d = chosen;
        if (d == null) {
            d = DeviceChoice.parse(System.getProperty(DEVICE_PROPERTY, "auto")).resolve(gpuCount());
            chosen = d;
        }
        return d;
    }

    /**
     * Resolves a {@link DeviceChoice} setting against the GPUs the engine sees and makes it the process's
     * device; services call it at start-up (after the thread count is set: it starts the engine), so an
     * unknown value or a missing GPU stops them with a message naming what is available.
     */
    public static Device useDevice(String spec) {
        Device d = DeviceChoice.parse(spec).resolve(gpuCount());
        chosen = d;
        return d;
    }

    /**
     * GPUs the PyTorch engine can use: 0 with the CPU build of libtorch, whatever the machine has. The
     * CPU build is known without asking CUDA: only the cuda images set {@code PYTORCH_FLAVOR=cu...}. (Asking
     * would make DJL probe the CUDA runtime, which warns on every call where a runtime library exists
     * without a matching driver.)
     */
    public static int gpuCount() {
        if (!cudaFlavor(System.getenv("PYTORCH_FLAVOR"), System.getProperty("PYTORCH_FLAVOR"))) {
            return 0;
        }
        return engine().getGpuCount();
    }

    /** Whether the libtorch flavor named by the environment or a system property is a CUDA build. */
    static boolean cudaFlavor(String env, String property) {
        String flavor = property != null ? property : env;
        return flavor != null && flavor.toLowerCase(java.util.Locale.ROOT).startsWith("cu");
    }

    public static NDManager newManager(Device device) {
        return engine().newBaseManager(device);
    }

    /**
     * Turns autograd recording off for the calling thread. PyTorch grad mode is per thread and is on for
     * threads other than the one that loaded the engine; every inference entry point calls this.
     */
    public static void inferenceMode() {
        engine();
        JniUtils.setGradMode(false);
    }

    /** Number of intra-op threads PyTorch uses. */
    public static int threads() {
        engine();
        return JniUtils.getNumThreads();
    }
}
