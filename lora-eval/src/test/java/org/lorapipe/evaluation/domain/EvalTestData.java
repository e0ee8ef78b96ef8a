package org.lorapipe.evaluation.domain;

import java.nio.file.Path;
import org.lorapipe.model.testing.ModelFixtures;
import org.lorapipe.testkit.TestData;

/** The test data (see {@link TestData}), and stories260K imported once per JVM. */
final class EvalTestData {

    private EvalTestData() {}

    static Path dir() {
        return TestData.root();
    }

    static Path arcEasy() {
        return dir().resolve("eval/arc/ARC-Easy-Dev.jsonl");
    }

    /** stories260K in our (Hugging Face) layout, imported once per JVM. */
    static Path stories() {
        return ModelFixtures.importedStories();
    }
}
