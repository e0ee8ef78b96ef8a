package org.lorapipe.model;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** Run under the project's native memory policy (the build sets it for test JVMs), as every service is. */
class NativeHeapTest {

    @Test
    void freedTensorsStayResidentUntilTheHeapIsTrimmed() throws IOException {
        assertThat(System.getenv("MALLOC_MMAP_THRESHOLD_"))
                .as("the test JVM runs with native-memory.env")
                .isNotNull();
        DjlRuntime.inferenceMode();
        NativeHeap.trim();
        long before = rss();
        try (NDManager m = DjlRuntime.newManager(DjlRuntime.defaultDevice())) {
            for (int i = 0; i < 48; i++) {
                m.ones(new Shape(1024, 1024), DataType.FLOAT32); // 4 MiB each, below the mmap threshold
            }
        }
        long kept = rss();
        assertThat(kept - before).as("freed heap memory the policy keeps").isGreaterThan(100L << 20);

        assertThat(NativeHeap.trim()).isTrue();

        assertThat(rss()).as("after trim").isLessThan(kept - (100L << 20));
    }

    private static long rss() throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
            if (line.startsWith("VmRSS:")) {
                return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
            }
        }
        throw new IllegalStateException("no VmRSS");
    }
}
