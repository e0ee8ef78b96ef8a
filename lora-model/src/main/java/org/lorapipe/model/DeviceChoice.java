package org.lorapipe.model;

import ai.djl.Device;
import java.util.Locale;

/**
 * The compute device as configured ({@code lora.model.device}): {@code auto} (a GPU when the engine
 * reports one, else the CPU), {@code cpu}, or one GPU as {@code cuda}, {@code cuda:N}, {@code gpu} or
 * {@code gpu:N} (DJL's own spelling; {@code cuda} alone means GPU 0). Parsing knows nothing of the
 * machine; {@link #resolve(int)} checks the choice against the number of GPUs the engine sees, so a
 * wrong setting stops the service at start instead of failing its first job.
 *
 * @param gpu null for {@code auto}, -1 for {@code cpu}, else the GPU index
 */
public record DeviceChoice(Integer gpu) {

    public static final DeviceChoice AUTO = new DeviceChoice(null);
    public static final DeviceChoice CPU = new DeviceChoice(-1);

    static final String FORMS = "auto, cpu, cuda, cuda:N or gpu:N (N = 0, 1, ...)";

    /** Parses a setting; an unknown value names the accepted forms. */
    public static DeviceChoice parse(String spec) {
        String s = spec == null ? "" : spec.trim().toLowerCase(Locale.ROOT);
        if (s.equals("auto")) {
            return AUTO;
        }
        if (s.equals("cpu")) {
            return CPU;
        }
        if (s.equals("cuda") || s.equals("gpu")) {
            return new DeviceChoice(0);
        }
        int colon = s.indexOf(':');
        String kind = colon < 0 ? "" : s.substring(0, colon);
        if (kind.equals("cuda") || kind.equals("gpu")) {
            String index = s.substring(colon + 1);
            if (!index.isEmpty() && index.chars().allMatch(Character::isDigit) && index.length() <= 4) {
                return new DeviceChoice(Integer.parseInt(index));
            }
        }
        throw new IllegalArgumentException(
                DjlRuntime.DEVICE_PROPERTY + "='" + spec + "' is not a device; use one of: " + FORMS);
    }

    /**
     * The device this choice means on a machine whose engine sees {@code gpuCount} GPUs.
     *
     * @throws IllegalStateException when a GPU is asked for that the engine does not see, naming the
     *     devices that are there
     */
    public Device resolve(int gpuCount) {
        if (gpu == null) {
            return gpuCount > 0 ? Device.gpu(0) : Device.cpu();
        }
        if (gpu < 0) {
            return Device.cpu();
        }
        if (gpu >= gpuCount) {
            String available = gpuCount == 0
                    ? "the PyTorch engine sees no GPU, only cpu (a GPU needs the cuda image, an NVIDIA driver"
                            + " and the NVIDIA container runtime; see README, \"GPU\")"
                    : "the PyTorch engine sees " + gpuCount + " GPU(s): cpu"
                            + (gpuCount == 1 ? ", cuda:0" : ", cuda:0 ... cuda:" + (gpuCount - 1));
            throw new IllegalStateException(DjlRuntime.DEVICE_PROPERTY + "=cuda:" + gpu + " is not available: "
                    + available + "; set " + DjlRuntime.DEVICE_PROPERTY + " to auto, cpu or a GPU that exists");
        }
        return Device.gpu(gpu);
    }

    @Override
    public String toString() {
        return gpu == null ? "auto" : gpu < 0 ? "cpu" : "cuda:" + gpu;
    }
}
