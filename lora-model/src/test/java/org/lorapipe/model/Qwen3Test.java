package org.lorapipe.model;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.lorapipe.model.io.HfModelExporter;
import org.lorapipe.model.testing.ModelFixtures;

/**
 * Qwen3ForCausalLM: Llama's layers without biases, plus an RMSNorm over each head of q and of k before
 * the rotary embedding. transformers src/transformers/models/qwen3/modeling_qwen3.py, Qwen3Attention:
 * {@code self.q_norm(self.q_proj(hidden_states).view(hidden_shape)).transpose(1, 2)}, same for k, with
 * Qwen3RMSNorm over head_dim; weights {@code self_attn.q_norm.weight} and {@code k_norm.weight}.
 */
class Qwen3Test {

    @TempDir
    Path tmp;

    /** D=32, head_dim 16 (not D / heads, as in Qwen3), 4 query heads on 2 kv heads, V=50. */
    static LlamaConfig qwen3(int layers) {
        return qwen3(layers, 1e-6);
    }

    static LlamaConfig qwen3(int layers, double eps) {
        ObjectNode n = LlamaConfig.llama(32, 48, layers, 4, 2, 50, 64, true).toJson();
        n.putArray("architectures").add(LlamaConfig.QWEN3);
        n.put("model_type", "qwen3");
        n.put("head_dim", 16);
        n.put("rms_norm_eps", eps);
        return LlamaConfig.fromJson(n, "qwen3 test config");
    }

    private static NDArray logits(LlamaModel model, NDManager m) {
        return model.forward(TinyModels.ids(m, new int[] {1, 5, 9, 14, 3, 22, 7}), null, null); // [1, 7, V]
    }

    @Test
    void theHeadNormsAreTensorsOfTheModelAndSurviveExport() throws Exception {
        LlamaConfig c = qwen3(2);
        assertThat(c.qkNorm()).isTrue();
        assertThat(c.qDim()).isEqualTo(64);
        assertThat(LlamaModel.expectedTensors(c))
                .containsKeys("model.layers.1.self_attn.q_norm.weight", "model.layers.1.self_attn.k_norm.weight")
                .doesNotContainKey("model.layers.1.self_attn.q_proj.bias");
        try (LlamaModel model = LlamaModel.random(c, 3, Device.cpu());
                NDManager m = NDManager.newBaseManager(Device.cpu())) {
            model.weights().get("model.layers.0.self_attn.q_norm.weight").muli(1.5f);
            Path dir = tmp.resolve("qwen3");
            HfModelExporter.write(c, model.asTensorSource(), dir, HfModelExporter.Options.defaults());
            try (LlamaModel back = LlamaModel.load(dir, Device.cpu())) {
                assertThat(back.config()).isEqualTo(c);
                assertThat(ModelFixtures.maxAbsDiff(logits(model, m), logits(back, m)))
                        .isZero();
            }
        }
    }

    @Test
    void scalingAHeadsQueryOrKeyProjectionChangesNothing() {
        // the per-head RMSNorm removes each head's scale before the scores: q_norm and k_norm are applied
        // (eps 1e-12 so that only the norm's epsilon could break the invariance, and it cannot)
        try (LlamaModel model = LlamaModel.random(qwen3(1, 1e-12), 5, Device.cpu());
                NDManager m = NDManager.newBaseManager(Device.cpu())) {
            NDArray before = logits(model, m);
            model.weights().get("model.layers.0.self_attn.q_proj.weight").muli(4f);
            model.weights().get("model.layers.0.self_attn.k_proj.weight").muli(0.25f);
            assertThat(ModelFixtures.maxAbsDiff(before, logits(model, m))).isLessThan(2e-5f);
            model.weights().get("model.layers.0.self_attn.q_norm.weight").muli(3f);
            assertThat(ModelFixtures.maxAbsDiff(before, logits(model, m)))
                    .as("the norm's own weight does scale the scores")
                    .isGreaterThan(1e-4f);
        }
    }
}
