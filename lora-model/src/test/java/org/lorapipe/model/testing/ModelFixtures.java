package org.lorapipe.model.testing;

import ai.djl.ndarray.NDArray;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.lorapipe.model.ModelImport;
import org.lorapipe.testkit.TestData;

/**
 * Test fixtures every module that tests model code shares, from lora-model's test jar: the largest
 * element-wise difference of two results, and stories260K imported into the Hugging Face layout once
 * per JVM. (The test kit sits below lora-model, whose own tests use it, so model-typed fixtures live
 * here.)
 */
public final class ModelFixtures {

    private static Path stories;

    private ModelFixtures() {}

    /** max |a_i - b_i| over equally long arrays. */
    public static float maxAbsDiff(float[] a, float[] b) {
        if (a.length != b.length) {
            throw new AssertionError("lengths differ: " + a.length + " vs " + b.length);
        }
        float max = 0;
        for (int i = 0; i < a.length; i++) {
            max = Math.max(max, Math.abs(a[i] - b[i]));
        }
        return max;
    }

    /** max |a - b| over two arrays of one shape. */
    public static float maxAbsDiff(NDArray a, NDArray b) {
        if (!a.getShape().equals(b.getShape())) {
            throw new AssertionError("shapes differ: " + a.getShape() + " vs " + b.getShape());
        }
        return maxAbsDiff(a.toFloatArray(), b.toFloatArray());
    }

    /**
     * stories260K (from the test data's llama2.c files) in the Hugging Face layout our stages read: config,
     * safetensors, tokenizer. Imported once per JVM into a temporary folder; callers must not change it.
     */
    public static synchronized Path importedStories() {
        if (stories == null) {
            try {
                Path tmp = Files.createTempDirectory("stories-import-");
                stories = ModelImport.fromLlama2c(
                                TestData.file("models/stories260K/stories260K.bin"),
                                TestData.file("models/stories260K/tok512.bin"),
                                tmp.resolve("stories260K"))
                        .dir();
            } catch (IOException e) {
                throw new UncheckedIOException("cannot import stories260K for the tests", e);
            }
        }
        return stories;
    }
}
