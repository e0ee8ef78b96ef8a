package org.lorapipe.dataset.domain;

import java.nio.file.Path;
import org.lorapipe.testkit.TestData;

/** The test data, through the test kit's resolver (see {@link TestData}). */
final class SharedData {
    private SharedData() {}

    static Path file(String relative) {
        return TestData.file(relative);
    }
}
