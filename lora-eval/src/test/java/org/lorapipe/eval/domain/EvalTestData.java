package org.lorapipe.eval.domain;

import java.nio.file.Files;
import java.nio.file.Path;
import org.lorapipe.model.ModelImport;
import org.lorapipe.testkit.TestData;

/** The test data (see {@link TestData}), and stories260K imported once per JVM. */
final class EvalTestData {

    private static Path stories;

    private EvalTestData() {}

    static Path dir() {
        return TestData.root();
    }

    static Path arcEasy() {
        return dir().resolve("eval/arc/ARC-Easy-Dev.jsonl");
    }

    /** stories260K in our (Hugging Face) layout, imported into a temporary directory. */
    static synchronized Path stories() {
        if (stories == null) {
            try {
                Path tmp = Files.createTempDirectory("eval-stories-");
                Path m = dir().resolve("models/stories260K");
                stories = ModelImport.fromLlama2c(
                                m.resolve("stories260K.bin"), m.resolve("tok512.bin"), tmp.resolve("stories260K"))
                        .dir();
                tmp.toFile().deleteOnExit();
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }
        return stories;
    }
}
