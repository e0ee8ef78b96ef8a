package org.lorapipe.tuning.train;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class ShrinkingHeapTest {

    @Test
    void countsOnlyTheResidentPagesInsideTheHeapsRange() {
        String heapInfo = " garbage-first heap   total 75776K, used 19456K [0x00000000c0000000, 0x0000000100000000)\n"
                + "  region size 1024K, 1 young (1024K), 0 survivors (0K)\n"
                + " Metaspace       used 5000K, committed 5200K, reserved 1114112K [0x0000000100000000, 0x0)";
        List<String> smaps = List.of(
                "c0000000-c4800000 rw-p 00000000 00:00 0 ",
                "Size:              73728 kB",
                "Rss:               65536 kB",
                "c4800000-100000000 ---p 00000000 00:00 0 ",
                "Rss:                   0 kB",
                "100000000-100200000 rw-p 00000000 00:00 0 ",
                "Rss:                2048 kB",
                "7f0000000000-7f0004000000 rw-p 00000000 00:00 0 ",
                "Rss:               10240 kB");

        assertThat(ShrinkingHeap.resident(heapInfo, smaps)).isEqualTo(64L << 20);
        assertThat(ShrinkingHeap.resident("no range here", smaps)).isZero();
    }

    @Test
    void aHeapShrunkByAFullCollectionStaysResidentUntilGivenBack() throws InterruptedException {
        // grow the heap by 512 MiB of touched arrays, drop them: the full collection shrinks the heap
        List<long[]> grown = new ArrayList<>();
        for (int i = 0; i < 64 << 10; i++) {
            grown.add(new long[1 << 10]); // 8 KiB: ordinary objects, not humongous ones
        }
        assertThat(grown).hasSize(64 << 10);
        grown = null;
        System.gc();
        long shrinking = ShrinkingHeap.residentBytes();
        long rss = MemoryProbe.read().rssBytes();
        long committed = committedHeap();

        // measured 156-157 MiB here: G1 gives the regions back on its own thread, in steps
        assertThat(shrinking)
                .as("uncommitted but resident right after the collection")
                .isGreaterThan(32L << 20);
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (ShrinkingHeap.residentBytes() > 0 && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        assertThat(ShrinkingHeap.residentBytes())
                .as("given back to the OS later")
                .isLessThan(8L << 20);
        // the polling above reads smaps into new objects: the heap may commit young regions again meanwhile
        long regrown = Math.max(0, committedHeap() - committed);
        assertThat(MemoryProbe.read().rssBytes())
                .as("RSS fell by what was counted as leaving (%d MiB of heap committed again meanwhile)", regrown >> 20)
                .isLessThan(rss - shrinking + regrown + (32L << 20));
    }

    private static long committedHeap() {
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getCommitted();
    }
}
