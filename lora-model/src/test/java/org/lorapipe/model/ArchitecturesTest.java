package org.lorapipe.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.lorapipe.model.io.HfModelExporter;
import org.lorapipe.model.testing.ArchitectureZoo;
import org.lorapipe.model.testing.ModelFixtures;
import org.lorapipe.model.testing.NaiveDecoder;

/**
 * Every supported architecture, from a config.json with its real fields (scaled down), against a
 * second forward written in plain loops from transformers' modeling files ({@link NaiveDecoder} names
 * the classes and functions each part follows), through export and import, and with the KV cache.
 */
class ArchitecturesTest {

    private static final int[] SEQ = {1, 5, 9, 14, 3, 22, 7, 31, 2};

    @TempDir
    Path tmp;

    static List<ArchitectureZoo.Entry> zoo() {
        return ArchitectureZoo.all();
    }

    @Test
    void theZooCoversEverySupportedArchitecture() {
        assertThat(zoo().stream().map(e -> e.config().architecture())).containsAll(LlamaConfig.SUPPORTED_ARCHITECTURES);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("zoo")
    void theForwardEqualsTheLoopsWrittenFromTransformers(ArchitectureZoo.Entry e) {
        try (LlamaModel model = ArchitectureZoo.model(e.config(), 11);
                NDManager m = NDManager.newBaseManager(Device.cpu())) {
            float[] ours = model.forward(TinyModels.ids(m, SEQ), null, null).toFloatArray();
            float[] reference = new NaiveDecoder(model).logits(SEQ);
            float spread = 0;
            for (float v : reference) {
                spread = Math.max(spread, Math.abs(v));
            }
            assertThat(spread).as("logits large enough to tell formulas apart").isGreaterThan(0.5f);
            assertThat(ModelFixtures.maxAbsDiff(ours, reference)).isLessThan(2e-4f * Math.max(1f, spread));
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("zoo")
    void importExportAndImportAgainGiveTheSameConfigAndLogits(ArchitectureZoo.Entry e) throws Exception {
        try (LlamaModel model = ArchitectureZoo.model(e.config(), 12);
                NDManager m = NDManager.newBaseManager(Device.cpu())) {
            NDArray ids = TinyModels.ids(m, SEQ);
            Path first = importedCopy(e.config(), model, tmp.resolve(e.name() + "-1"));
            try (LlamaModel imported = LlamaModel.load(first, Device.cpu())) {
                assertThat(imported.config()).isEqualTo(e.config().withTorchDtype("float32")); // fp32 weights
                assertThat(imported.weights().keySet())
                        .containsExactlyElementsOf(model.weights().keySet());
                assertThat(ModelFixtures.maxAbsDiff(model.forward(ids, null, null), imported.forward(ids, null, null)))
                        .isZero();
                Path second = importedCopy(imported.config(), imported, tmp.resolve(e.name() + "-2"));
                try (LlamaModel again = LlamaModel.load(second, Device.cpu())) {
                    assertThat(again.config()).isEqualTo(imported.config());
                    assertThat(ModelFixtures.maxAbsDiff(
                                    imported.forward(ids, null, null), again.forward(ids, null, null)))
                            .isZero();
                }
            }
        }
    }

    /** Writes {@code model} as a Hugging Face folder (with a real tokenizer) and imports it as a user would. */
    private Path importedCopy(LlamaConfig c, LlamaModel model, Path where) throws Exception {
        Path hf = where.resolveSibling(where.getFileName() + "-hf");
        HfModelExporter.write(c, model.asTensorSource(), hf, HfModelExporter.Options.defaults());
        Files.copy(ModelFixtures.importedStories().resolve("tokenizer.json"), hf.resolve("tokenizer.json"));
        return ModelImport.fromHuggingFace(hf, where).dir();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("zoo")
    void generatingWithTheKvCacheEqualsRecomputingTheWholeSequence(ArchitectureZoo.Entry e) {
        // each step against the whole prefix run again: under longrope (the zoo's Phi-3) a position's logits
        // depend on the input's length, and the cache is rebuilt where the frequencies switch
        try (LlamaModel model = ArchitectureZoo.model(e.config(), 13);
                NDManager m = NDManager.newBaseManager(Device.cpu());
                KvCache cache = model.newCache()) {
            model.forward(TinyModels.ids(m, new int[] {SEQ[0], SEQ[1]}), null, cache);
            for (int t = 2; t < SEQ.length; t++) { // past every window of the zoo, and past longrope's switch
                NDArray step = model.forward(TinyModels.ids(m, new int[] {SEQ[t]}), null, cache); // [1, 1, V]
                NDArray full = model.forward(TinyModels.ids(m, Arrays.copyOf(SEQ, t + 1)), null, null); // [1, t+1, V]
                assertThat(ModelFixtures.maxAbsDiff(
                                step.get(new NDIndex("0, 0, :")), full.get(new NDIndex("0, " + t + ", :"))))
                        .as("position %d", t)
                        .isLessThan(1e-4f);
            }
            assertThat(cache.length()).isEqualTo(SEQ.length);
        }
    }

    @Test
    void gemma2sSoftCapsBoundTheLogitsAndItsWindowAlternates() {
        LlamaConfig c = ArchitectureZoo.gemma2();
        assertThat(c.windowed(0)).isTrue();
        assertThat(c.windowed(1)).isFalse();
        assertThat(c.windowed(2)).isTrue();
        assertThat(c.hasGlobalLayers()).isTrue();
        try (LlamaModel model = ArchitectureZoo.model(c, 14);
                NDManager m = NDManager.newBaseManager(Device.cpu())) {
            float[] logits = model.forward(TinyModels.ids(m, SEQ), null, null).toFloatArray();
            float max = 0;
            for (float v : logits) {
                max = Math.max(max, Math.abs(v));
            }
            assertThat(max).isLessThan((float) c.finalLogitSoftcapping()).isGreaterThan(1.5f);
        }
    }

    @Test
    void phi3KeepsItsFusedProjectionsUnderTheirHuggingFaceNames() {
        LlamaConfig c = ArchitectureZoo.phi3();
        assertThat(LlamaModel.expectedTensors(c))
                .containsKeys("model.layers.0.self_attn.qkv_proj.weight", "model.layers.0.mlp.gate_up_proj.weight")
                .doesNotContainKeys("model.layers.0.self_attn.q_proj.weight", "model.layers.0.mlp.up_proj.weight");
        assertThat(LlamaModel.expectedTensors(c).get("model.layers.0.self_attn.qkv_proj.weight"))
                .containsExactly(32 + 2 * 32, 32);
        try (LlamaModel model = ArchitectureZoo.model(c, 15)) {
            assertThat(model.linears().namesEndingWith(List.of("qkv_proj", "gate_up_proj", "o_proj", "down_proj")))
                    .hasSize(8);
            assertThat(model.linears().names()).hasSize(2 * 4 + 1);
        }
    }

    @Test
    void anUnsupportedArchitectureIsRefusedWithTheListOfSupportedOnes() {
        ObjectNode n = ArchitectureZoo.phi3().toJson();
        n.putArray("architectures").add("FalconForCausalLM");
        assertThatThrownBy(() -> LlamaConfig.fromJson(n, "config.json"))
                .isInstanceOf(ModelFormatException.class)
                .hasMessageContaining("FalconForCausalLM")
                .hasMessageContaining("Gemma2ForCausalLM")
                .hasMessageContaining("Phi3ForCausalLM");
        ObjectNode partial = ArchitectureZoo.qwen3().toJson();
        partial.put("partial_rotary_factor", 0.75);
        assertThatThrownBy(() -> LlamaConfig.fromJson(partial, "config.json"))
                .hasMessageContaining("partial_rotary_factor is only read by Phi3ForCausalLM");
        ObjectNode odd = ArchitectureZoo.phi3().toJson();
        odd.put("partial_rotary_factor", 0.5); // 4 of 8 dimensions: fine; 0.625 would turn 5
        odd.putNull("rope_scaling");
        assertThat(LlamaConfig.fromJson(odd, "config.json").rotaryDim()).isEqualTo(4);
        odd.put("partial_rotary_factor", 0.625);
        assertThatThrownBy(() -> LlamaConfig.fromJson(odd, "config.json")).hasMessageContaining("even number");
        ObjectNode longRope = ArchitectureZoo.phi3().toJson();
        longRope.putObject("rope_scaling").put("type", "longrope");
        longRope.remove("original_max_position_embeddings");
        assertThatThrownBy(() -> LlamaConfig.fromJson(longRope, "config.json"))
                .hasMessageContaining("original_max_position_embeddings > 0")
                .hasMessageContaining("short_factor")
                .hasMessageContaining("long_factor");
        ObjectNode types = ArchitectureZoo.gemma2().toJson();
        types.putArray("layer_types")
                .add("full_attention")
                .add("full_attention")
                .add("full_attention");
        assertThatThrownBy(() -> LlamaConfig.fromJson(types, "config.json")).hasMessageContaining("layer_types");
    }
}
