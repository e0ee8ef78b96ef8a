package org.lorapipe.tuning.memory;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The memory limit is the container's cgroup limit (v2 or v1) when it has one, else physical memory. */
class MemoryLimitTest {

    private static final long PHYSICAL = 16L << 30;

    @TempDir
    Path root;

    private Path procCgroup(String content) throws Exception {
        return Files.writeString(root.resolve("cgroup"), content);
    }

    @Test
    void cgroupV2MemoryMaxOfTheProcessesGroup() throws Exception {
        Path group = Files.createDirectories(root.resolve("fs/kubepods/pod1"));
        Files.writeString(group.resolve("memory.max"), "4294967296\n");
        MemoryLimit limit = MemoryLimit.detect(procCgroup("0::/kubepods/pod1\n"), root.resolve("fs"), PHYSICAL);
        assertThat(limit.bytes()).isEqualTo(4L << 30);
        assertThat(limit.source()).contains("container's memory limit", "memory.max");
    }

    @Test
    void cgroupV1LimitInBytesAndItsUnlimitedValue() throws Exception {
        Path group = Files.createDirectories(root.resolve("fs/memory/docker/abc"));
        Files.writeString(group.resolve("memory.limit_in_bytes"), "2147483648\n");
        assertThat(MemoryLimit.detect(procCgroup("4:memory:/docker/abc\n1:cpu:/\n"), root.resolve("fs"), PHYSICAL)
                        .bytes())
                .isEqualTo(2L << 30);
        Files.writeString(group.resolve("memory.limit_in_bytes"), "9223372036854771712\n"); // no limit
        MemoryLimit none = MemoryLimit.detect(procCgroup("4:memory:/docker/abc\n"), root.resolve("fs"), PHYSICAL);
        assertThat(none.bytes()).isEqualTo(PHYSICAL);
        assertThat(none.source()).isEqualTo("the machine's physical memory");
    }

    @Test
    void maxOrNoCgroupAtAllIsPhysicalMemory() throws Exception {
        Files.createDirectories(root.resolve("fs"));
        Files.writeString(root.resolve("fs/memory.max"), "max\n");
        assertThat(MemoryLimit.detect(procCgroup("0::/\n"), root.resolve("fs"), PHYSICAL)
                        .bytes())
                .isEqualTo(PHYSICAL);
        assertThat(MemoryLimit.detect(root.resolve("absent"), root.resolve("fs"), PHYSICAL)
                        .bytes())
                .isEqualTo(PHYSICAL);
        assertThat(MemoryLimit.detect().bytes()).isPositive(); // this machine
    }
}
