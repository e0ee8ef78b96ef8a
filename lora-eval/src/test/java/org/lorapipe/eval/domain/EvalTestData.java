package org.lorapipe.eval.domain;

import java.nio.file.Files;
import java.nio.file.Path;
import org.lorapipe.model.ModelImport;

/** ../shared/data next to the project root, and stories260K imported once per JVM. */
final class EvalTestData {

    private static Path stories;

    private EvalTestData() {}

    static Path dir() {
        String root = System.getProperty("lora.project.root");
        for (Path p = Path.of(root != null ? root : System.getProperty("user.dir"))
                        .toAbsolutePath();
                p != null;
                p = p.getParent()) {
            Path d = p.resolve("../shared/data").normalize();
            if (Files.isDirectory(d)) {
                return d;
            }
        }
        throw new IllegalStateException("cannot find shared/data next to the project root");
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
