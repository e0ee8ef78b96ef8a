package org.lorapipe.tuning.memory;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The memory this process may use: its control group's limit when it runs in a container that has one
 * (cgroup v2 {@code memory.max}, v1 {@code memory.limit_in_bytes}), else the machine's physical memory.
 *
 * @param bytes the limit
 * @param source where it comes from, for messages ("the container's memory limit (cgroup ...)")
 */
public record MemoryLimit(long bytes, String source) {

    /** This process's limit. */
    public static MemoryLimit detect() {
        return detect(Path.of("/proc/self/cgroup"), Path.of("/sys/fs/cgroup"), physicalMemory());
    }

    /**
     * The limit from a {@code /proc/self/cgroup} file and the cgroup file system mounted at {@code root};
     * a limit at or above {@code physical} (the kernels' "unlimited") is none.
     */
    static MemoryLimit detect(Path procCgroup, Path root, long physical) {
        for (String line : lines(procCgroup)) {
            String[] f = line.split(":", 3); // hierarchy-id:controllers:path
            if (f.length < 3) {
                continue;
            }
            String path = f[2].startsWith("/") ? f[2].substring(1) : f[2];
            List<Path> candidates;
            if (f[0].equals("0") && f[1].isEmpty()) { // cgroup v2, the unified hierarchy
                candidates = List.of(root.resolve(path).resolve("memory.max"), root.resolve("memory.max"));
            } else if (List.of(f[1].split(",")).contains("memory")) { // cgroup v1
                Path memory = root.resolve("memory");
                candidates = List.of(
                        memory.resolve(path).resolve("memory.limit_in_bytes"), memory.resolve("memory.limit_in_bytes"));
            } else {
                continue;
            }
            for (Path file : candidates) {
                long limit = read(file);
                if (limit > 0 && limit < physical) {
                    return new MemoryLimit(limit, "the container's memory limit (" + file + ")");
                }
            }
        }
        return new MemoryLimit(physical, "the machine's physical memory");
    }

    /** Physical memory as the JVM sees it. */
    static long physicalMemory() {
        var os = (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
        return os.getTotalMemorySize();
    }

    private static List<String> lines(Path p) {
        try {
            return Files.readAllLines(p);
        } catch (IOException | RuntimeException e) {
            return List.of();
        }
    }

    /** A limit file's value; 0 for "max", absent or unreadable. */
    private static long read(Path p) {
        try {
            String v = Files.readString(p).strip();
            return v.equals("max") ? 0 : Long.parseLong(v);
        } catch (IOException | RuntimeException e) {
            return 0;
        }
    }
}
