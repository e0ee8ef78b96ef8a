package org.lorapipe.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.lorapipe.cli.stack.StackKey;

/** The embedded stack's API key: random, owner-only, made once and then reused. */
class StackKeyTest {
    @TempDir
    Path dir;

    @Test
    void madeOnceOwnerOnlyAndReused() throws Exception {
        assertThat(StackKey.read(dir)).isEmpty();
        String key = StackKey.ensure(dir.resolve("stack"));
        assertThat(key).matches("[0-9a-f]{64}");
        Path file = StackKey.file(dir.resolve("stack"));
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file)))
                .isEqualTo("rw-------");
        assertThat(StackKey.ensure(dir.resolve("stack"))).isEqualTo(key);
        assertThat(StackKey.read(dir.resolve("stack"))).contains(key);
        assertThat(StackKey.ensure(dir.resolve("other"))).isNotEqualTo(key);
    }
}
