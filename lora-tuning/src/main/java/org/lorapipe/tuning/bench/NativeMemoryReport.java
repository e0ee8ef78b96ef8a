package org.lorapipe.tuning.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.lorapipe.model.NativeMemoryPolicy;

/** Which native allocator and glibc malloc settings this process runs with, for benchmark headers. */
public final class NativeMemoryReport {

    private NativeMemoryReport() {}

    public static String describe() {
        List<String> parts = new ArrayList<>();
        parts.add(jemallocLoaded() ? "jemalloc" : "glibc malloc");
        for (String v : NativeMemoryPolicy.VARIABLES) {
            String value = System.getenv(v);
            if (value != null) {
                parts.add(v + "=" + value);
            }
        }
        if (parts.size() == 1) {
            parts.add("glibc defaults");
        }
        return String.join(", ", parts);
    }

    /** Whether libjemalloc is mapped into this process (LD_PRELOAD). */
    public static boolean jemallocLoaded() {
        try {
            return Files.readString(Path.of("/proc/self/maps")).contains("libjemalloc");
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }
}
