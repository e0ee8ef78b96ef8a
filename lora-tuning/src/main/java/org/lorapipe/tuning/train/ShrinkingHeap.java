package org.lorapipe.tuning.train;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import javax.management.JMException;
import javax.management.ObjectName;

/**
 * Java heap memory that the collector has already given up but the OS still counts as resident. The full
 * collection that starts a job ({@link MemoryProbe#resetPeak()}) shrinks a heap the job before grew,
 * but G1 hands the shrunk regions back to the OS afterwards, on its own thread: RSS read right after the
 * collection still holds them, and a run estimated from that RSS is predicted too high by as much. On the
 * trainer under load this was 58 and 112 MiB at job start, gone a second later; the C heap, trimmed
 * just before, held under 10 MiB of free memory resident at every job start.
 *
 * <p>Measured as what is resident in the heap's address range ({@code /proc/self/smaps}) beyond the
 * heap's committed size: the heap holds no more than it has committed, so the rest is on its way out.
 * Zero where either figure is unavailable (not Linux, not HotSpot).
 */
public final class ShrinkingHeap {

    private static final Pattern RANGE = Pattern.compile("\\[0x([0-9a-fA-F]+), ?0x([0-9a-fA-F]+)\\)");
    private static final Pattern MAPPING = Pattern.compile("^([0-9a-f]+)-([0-9a-f]+)\\s.*");

    /** The heap's address range, {@code GC.heap_info}'s text: asked once, as the first ask is slow. */
    private static final String HEAP_INFO = heapInfo();

    private ShrinkingHeap() {}

    /**
     * Bytes of this process's RSS that the Java heap has uncommitted but not yet returned. Read it right
     * after RSS: the regions leave RSS while it runs, so it can only come out lower than at that read.
     */
    public static long residentBytes() {
        try {
            long committed =
                    ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getCommitted();
            long resident;
            try (Stream<String> smaps = Files.lines(Path.of("/proc/self/smaps"))) { // MBs with libtorch mapped
                resident = resident(HEAP_INFO, smaps::iterator);
            }
            return Math.max(0, resident - committed);
        } catch (IOException | RuntimeException e) {
            return 0;
        }
    }

    private static String heapInfo() {
        try {
            return (String) ManagementFactory.getPlatformMBeanServer()
                    .invoke(
                            new ObjectName("com.sun.management:type=DiagnosticCommand"),
                            "gcHeapInfo",
                            new Object[] {null},
                            new String[] {String[].class.getName()});
        } catch (JMException | RuntimeException e) {
            return ""; // not HotSpot: no range, nothing counted
        }
    }

    /**
     * The resident bytes of the heap's address range.
     *
     * @param heapInfo the JVM's {@code GC.heap_info}, whose first {@code [0x..., 0x...)} is the heap's range
     * @param smaps the lines of {@code /proc/self/smaps}
     */
    static long resident(String heapInfo, Iterable<String> smaps) {
        Matcher range = RANGE.matcher(heapInfo);
        if (!range.find()) {
            return 0;
        }
        long start = Long.parseUnsignedLong(range.group(1), 16);
        long end = Long.parseUnsignedLong(range.group(2), 16);
        long bytes = 0;
        boolean inHeap = false;
        for (String line : smaps) {
            Matcher mapping = MAPPING.matcher(line);
            if (mapping.matches()) {
                inHeap = Long.parseUnsignedLong(mapping.group(1), 16) >= start
                        && Long.parseUnsignedLong(mapping.group(2), 16) <= end;
            } else if (inHeap && line.startsWith("Rss:")) {
                bytes += Long.parseLong(line.substring(4).trim().split("\\s+")[0]) * 1024;
            }
        }
        return bytes;
    }
}
