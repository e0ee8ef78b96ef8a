package org.lorapipe.tuning.peft;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.lorapipe.contract.request.LoraSpec;
import org.lorapipe.model.LlamaConfig;
import org.lorapipe.model.LlamaModel;
import org.lorapipe.model.io.SafetensorsFile;
import org.lorapipe.tuning.Fixtures;
import org.lorapipe.tuning.lora.LoraAdapters;
import org.lorapipe.tuning.lora.LoraLinear;
import org.lorapipe.tuning.lora.LoraPlan;

class PeftAdapterTest {

    private static final LoraSpec SPEC = new LoraSpec(
            4,
            8,
            0.05,
            List.of("q_proj", "v_proj", "down_proj", "lm_head"),
            ranks(), // in this order: PEFT, like us, applies the first key that matches
            Map.of("v_proj", 16.0),
            false);

    private static Map<String, Integer> ranks() {
        Map<String, Integer> ranks = new java.util.LinkedHashMap<>();
        ranks.put("layers.1.self_attn.q_proj", 8);
        ranks.put("down_proj", 2);
        return ranks;
    }

    private static float[] logits(LlamaModel model) {
        try (NDManager m = model.manager().newSubManager()) {
            NDArray ids = m.create(new long[] {1, 7, 3, 44, 12, 9}).reshape(2, 3);
            return model.forward(ids, null, null).toFloatArray();
        }
    }

    private static LoraAdapters trainedLike(LlamaModel model) {
        LoraAdapters a = LoraAdapters.attach(model, LoraPlan.resolve(SPEC, model.linears()), 3);
        SplittableRandom r = new SplittableRandom(8);
        for (LoraLinear l : a.layers().values()) {
            float[] b = new float[(int) l.loraB().getShape().size()];
            for (int i = 0; i < b.length; i++) {
                b[i] = (float) r.nextGaussian() * 0.05f;
            }
            l.loraB().set(b);
        }
        return a;
    }

    @Test
    void writeReadRoundTripGivesTheSameLogits(@TempDir Path dir) throws Exception {
        float[] expected;
        try (LlamaModel model = Fixtures.model(Fixtures.tiny(), 1);
                LoraAdapters a = trainedLike(model)) {
            expected = logits(model);
            PeftAdapter.save(dir, a, "s3://lora/models/tiny");
        }
        JsonNode c = new ObjectMapper().readTree(dir.resolve(PeftAdapter.CONFIG).toFile());
        assertThat(c.get("peft_type").asText()).isEqualTo("LORA");
        assertThat(c.get("task_type").asText()).isEqualTo("CAUSAL_LM");
        assertThat(c.get("r").asInt()).isEqualTo(4);
        assertThat(c.get("lora_alpha").isIntegralNumber()).isTrue();
        assertThat(c.get("lora_dropout").asDouble()).isEqualTo(0.05);
        assertThat(c.get("bias").asText()).isEqualTo("none");
        assertThat(c.get("fan_in_fan_out").asBoolean()).isFalse();
        assertThat(c.get("inference_mode").asBoolean()).isTrue();
        assertThat(c.get("init_lora_weights").asBoolean()).isTrue();
        assertThat(c.get("modules_to_save").isNull()).isTrue();
        assertThat(c.get("base_model_name_or_path").asText()).isEqualTo("s3://lora/models/tiny");
        assertThat(c.get("target_modules"))
                .extracting(JsonNode::asText)
                .containsExactly("q_proj", "v_proj", "down_proj", "lm_head");
        assertThat(c.get("rank_pattern").fieldNames())
                .toIterable()
                .containsExactly("layers.1.self_attn.q_proj", "down_proj");
        try (SafetensorsFile f = SafetensorsFile.open(dir.resolve(PeftAdapter.WEIGHTS))) {
            assertThat(f.names())
                    .contains(
                            "base_model.model.model.layers.0.self_attn.q_proj.lora_A.weight",
                            "base_model.model.model.layers.1.mlp.down_proj.lora_B.weight",
                            "base_model.model.lm_head.lora_A.weight");
            assertThat(f.info("base_model.model.model.layers.1.self_attn.q_proj.lora_A.weight")
                            .shape())
                    .containsExactly(8, 32);
            assertThat(f.info("base_model.model.model.layers.0.mlp.down_proj.lora_B.weight")
                            .shape())
                    .containsExactly(32, 2);
        }
        PeftAdapter adapter = PeftAdapter.load(dir);
        assertThat(adapter.scale("model.layers.0.self_attn.v_proj")).isEqualTo(4.0);
        try (LlamaModel fresh = Fixtures.model(Fixtures.tiny(), 1)) {
            float[] base = logits(fresh);
            try (LoraAdapters applied = adapter.applyTo(fresh)) {
                assertThat(logits(fresh)).containsExactly(expected);
                assertThat(applied.layers()).hasSize(2 * 3 + 1);
            }
            assertThat(logits(fresh)).containsExactly(base);
            // merge helper: W' = W + s B A, the merge's own LowRankDelta
            String mod = "model.layers.1.self_attn.q_proj";
            float[] w = fresh.weights().get(mod + ".weight").toFloatArray();
            float[][] ab = adapter.weights(mod);
            float[] expectedMerge = w.clone();
            new LowRankDelta(ab[0], ab[1], 8, 32, 1.0).addTo(expectedMerge, 0, 32);
            assertThat(adapter.merge(mod, w)).containsExactly(expectedMerge).isNotEqualTo(w);
        }
    }

    @Test
    void shapeMismatchesNameTheTensorAndBothShapes(@TempDir Path dir) {
        try (LlamaModel model = Fixtures.model(Fixtures.tiny(), 1);
                LoraAdapters a = trainedLike(model)) {
            PeftAdapter.save(dir, a, "tiny");
        }
        PeftAdapter adapter = PeftAdapter.load(dir);
        LlamaConfig wider = LlamaConfig.llama(48, 48, 2, 4, 2, 50, 64, false);
        try (LlamaModel other = LlamaModel.random(wider, 1, Device.cpu())) {
            assertThatThrownBy(() -> adapter.applyTo(other))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining(
                            "tensor base_model.model.model.layers.0.self_attn.q_proj.lora_A.weight has shape"
                                    + " [4, 32] but the model needs [4, 48]")
                    .hasMessageContaining("model.layers.0.mlp.down_proj.lora_B.weight has shape [32, 2] but the model"
                            + " needs [48, 2]");
        }
        assertThatThrownBy(() -> PeftAdapter.load(dir.resolve("missing")))
                .hasMessageContaining("lacks [adapter_config.json, adapter_model.safetensors]");
    }
}
