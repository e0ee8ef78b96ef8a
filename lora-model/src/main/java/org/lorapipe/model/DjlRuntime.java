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

    /** System property selecting the compute device: "cpu" (default), "gpu" or "gpu:N". */
    public static final String DEVICE_PROPERTY = "lora.model.device";

    private DjlRuntime() {}

    /** Makes DJL offline unless the caller decided otherwise, then returns the PyTorch engine. */
    public static Engine engine() {
        if (System.getProperty("ai.djl.offline") == null && System.getenv("DJL_OFFLINE") == null) {
            System.setProperty("ai.djl.offline", "true");
        }
        return Engine.getEngine("PyTorch");
    }

    /** The device named by {@value #DEVICE_PROPERTY}, CPU by default. */
    public static Device defaultDevice() {
        String spec = System.getProperty(DEVICE_PROPERTY, "cpu");
        return Device.fromName(spec);
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
