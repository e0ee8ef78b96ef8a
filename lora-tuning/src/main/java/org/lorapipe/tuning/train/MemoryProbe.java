package org.lorapipe.tuning.train;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Resident memory of this process from {@code /proc/self/status}: VmRSS (now) and VmHWM (peak). Native
 * tensors live outside the JVM heap, so these are the figures that matter (run with
 * {@code MALLOC_MMAP_THRESHOLD_} set, see docs/STACK.md). Zero where /proc is unavailable.
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
