package org.lorapipe.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import org.junit.jupiter.api.Test;

/**
 * The first module that every data-reading module builds on checks that the test data can be had: with
 * no data and no network the build stops here, with the resolver's one message on how to get it,
 * instead of failing a hundred tests later one by one.
 */
class TestDataAvailableTest {

    @Test
    void everyDownloadableFileOfTheLockIsThere() {
        TestDataLock lock = TestDataLock.read(TestData.projectRoot().resolve(TestDataLock.FILE));
        var root = TestData.root();
        assertThat(lock.entries().values().stream()
                        .filter(TestDataLock.Entry::downloadable)
                        .map(e -> e.path())
                        .filter(p -> !Files.isRegularFile(root.resolve(p))))
                .as("pinned files missing from the test data at %s", root)
                .isEmpty();
    }
}
