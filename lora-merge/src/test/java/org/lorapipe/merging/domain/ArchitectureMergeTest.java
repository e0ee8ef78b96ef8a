package org.lorapipe.merging.domain;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.Device;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.lorapipe.model.LinearLayer;
import org.lorapipe.model.LlamaConfig;
import org.lorapipe.model.LlamaModel;
import org.lorapipe.model.io.DType;
import org.lorapipe.model.io.HfModelExporter;
import org.lorapipe.model.testing.ArchitectureZoo;
import org.lorapipe.model.testing.ModelFixtures;

/**
 * Merging into every supported architecture: an adapter on every projection and the head (Phi-3's by
 * its fused names) merges to W + s B A tensor by tensor, the merged folder loads back as the same
 * architecture, and its logits equal the base's with the adapter applied.
 */
class ArchitectureMergeTest {

    private static final Merger.Options F32 = new Merger.Options(DType.F32, 1L << 30);

    @TempDir
    Path tmp;

    static List<ArchitectureZoo.Entry> zoo() {
        return ArchitectureZoo.all();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("zoo")
    void mergedEqualsBasePlusAdapterAndReloadsAsTheSameArchitecture(ArchitectureZoo.Entry e) throws IOException {
        LlamaConfig c = e.config();
        Path base = tmp.resolve("base");
        Fixtures.AdapterBuilder lora = new Fixtures.AdapterBuilder(4, 8, 21);
        try (LlamaModel model = ArchitectureZoo.model(c, 20)) {
            HfModelExporter.write(c, model.asTensorSource(), base, new HfModelExporter.Options(DType.F32, 1L << 30));
            for (Map.Entry<String, LinearLayer> m : model.linears().asMap().entrySet()) {
                lora.module(
                        m.getKey(), 4, m.getValue().inFeatures(), m.getValue().outFeatures());
            }
        }
        Files.copy(Fixtures.sharedData().resolve("models/stories260K/tok512.bin"), base.resolve("tokenizer.bin"));
        Path adapter = lora.write(tmp.resolve("adapter"));
        MergeResult merged = Merger.merge(base, adapter, tmp.resolve("merged"), F32);

        for (Fixtures.Lora l : lora.modules().values()) {
            String name = l.module() + ".weight";
            String stored = name.equals("lm_head.weight") && c.tieWordEmbeddings() ? "model.embed_tokens.weight" : name;
            float[] expected = Fixtures.expectedMerge(Fixtures.tensor(base, stored), l, 8.0 / 4);
            assertThat(ModelFixtures.maxAbsDiff(Fixtures.tensor(merged.dir(), name), expected))
                    .as(name)
                    .isLessThan(1e-5f);
        }
        int[][] heldOut = Fixtures.sequences(2, 9, c.vocabSize(), 5);
        assertThat(MergeVerification.maxAbsLogitDiff(base, adapter, merged.dir(), heldOut))
                .isLessThan(1e-4);
        try (LlamaModel back = LlamaModel.load(merged.dir(), Device.cpu());
                LlamaModel b = LlamaModel.load(base, Device.cpu())) {
            assertThat(back.config().arch()).isEqualTo(c.arch());
            assertThat(MergeVerification.maxAbsLogitDiff(b, back, heldOut))
                    .as("the adapter changes the model")
                    .isGreaterThan(1e-2);
        }
    }
}
