package org.lorapipe.tuning.train;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Resident memory of this process from {@code /proc/self/status}: VmRSS (now) and VmHWM (peak). Native
 * tensors live outside the JVM heap, so these are the figures that matter (under the native memory
 * policy, see native-memory.env). Zero where /proc is unavailable.
 *
 * <p>VmHWM is the process's high-water mark: a run that follows a bigger one in the same process would
 * report the bigger one's peak. {@link #resetPeak()} starts the mark again from the current RSS, so that
 * each run (a trainer job, a benchmark run) reports its own.
 */
public final class MemoryProbe {

    private MemoryProbe() {}

    public record Rss(long rssBytes, long peakRssBytes) {}

    public static Rss read() {
        return read(Path.of("/proc/self/status"));
    }

    /** Another process's figures; zero once it has exited. */
    public static Rss read(long pid) {
        return read(Path.of("/proc", Long.toString(pid), "status"));
    }

    /**
     * Resets VmHWM to the current RSS (Linux: "5" to {@code /proc/self/clear_refs}) after a full
     * collection, so that the next {@link #read()} reports the peak since now. Returns whether the
     * reset happened; elsewhere (not Linux, not permitted) peaks keep accumulating over the process.
     */
    public static boolean resetPeak() {
        System.gc();
        try {
            Files.writeString(Path.of("/proc/self/clear_refs"), "5");
            return true;
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }

    private static Rss read(Path status) {
        long rss = 0;
        long hwm = 0;
        try {
            for (String line : Files.readAllLines(status)) {
                if (line.startsWith("VmRSS:")) {
                    rss = kib(line);
                } else if (line.startsWith("VmHWM:")) {
                    hwm = kib(line);
                }
            }
        } catch (IOException | RuntimeException e) {
            return new Rss(0, 0);
        }
        return new Rss(rss, hwm);
    }

    private static long kib(String line) {
        String[] parts = line.trim().split("\\s+");
        return Long.parseLong(parts[1]) * 1024;
    }
}
