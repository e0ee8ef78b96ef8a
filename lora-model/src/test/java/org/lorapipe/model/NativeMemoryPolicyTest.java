package org.lorapipe.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class NativeMemoryPolicyTest {

    @Test
    void readsNameValueLinesAndSkipsComments() {
        NativeMemoryPolicy p = NativeMemoryPolicy.parse(
                List.of("# why", "", "MALLOC_MMAP_THRESHOLD_=33554432", "  MALLOC_ARENA_MAX=2  "), "test");
        assertThat(p.variables())
                .containsExactly(Map.entry("MALLOC_MMAP_THRESHOLD_", "33554432"), Map.entry("MALLOC_ARENA_MAX", "2"));
    }

    @Test
    void namesEveryMalformedLineAtOnce() {
        assertThatThrownBy(() -> NativeMemoryPolicy.parse(
                        List.of("MALLOC_ARENA_MAX = 2", "JAVA_TOOL_OPTIONS=-Xmx1g", "LD_PRELOAD=\"x.so\""), "f.env"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("f.env")
                .hasMessageContaining("line 1: expected NAME=value")
                .hasMessageContaining("line 2: JAVA_TOOL_OPTIONS is not one of")
                .hasMessageContaining("line 3: expected NAME=value");
    }

    @Test
    void replacesInheritedSettingsAndLeavesOutAMissingPreload() {
        NativeMemoryPolicy p = NativeMemoryPolicy.parse(
                List.of("MALLOC_MMAP_THRESHOLD_=33554432", "LD_PRELOAD=/nonexistent/libjemalloc.so.2"), "test");
        Map<String, String> env = new HashMap<>(Map.of("MALLOC_ARENA_MAX", "1", "PATH", "/usr/bin"));
        p.applyTo(env);
        assertThat(env)
                .containsEntry("MALLOC_MMAP_THRESHOLD_", "33554432")
                .containsEntry("PATH", "/usr/bin")
                .doesNotContainKey("MALLOC_ARENA_MAX")
                .doesNotContainKey("LD_PRELOAD");
    }

    @Test
    void theProjectsPolicyParses() {
        NativeMemoryPolicy p = NativeMemoryPolicy.load(projectRoot());
        assertThat(p.variables()).isNotEmpty();
        assertThat(NativeMemoryPolicy.VARIABLES).containsAll(p.variables().keySet());
    }

    static Path projectRoot() {
        return Path.of(System.getProperty("lora.project.root", ".."))
                .toAbsolutePath()
                .normalize();
    }
}
