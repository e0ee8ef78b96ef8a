package org.lorapipe.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.lorapipe.model.testing.ModelFixtures;

/**
 * MistralForCausalLM: Llama's layers with a sliding attention window. transformers
 * (src/transformers/models/mistral/modeling_mistral.py and masking_utils.py' sliding_window_overlay):
 * query q attends key j iff j <= q and q - j < sliding_window; config.json's sliding_window null means
 * full causal attention.
 */
class MistralTest {

    @TempDir
    Path tmp;

    /** D=32, 4 query heads on 2 kv heads, V=50, the given layers and window. */
    private static LlamaConfig mistral(int layers, Integer window) {
        ObjectNode n = LlamaConfig.llama(32, 48, layers, 4, 2, 50, 64, false).toJson();
        n.putArray("architectures").add(LlamaConfig.MISTRAL);
        n.put("model_type", "mistral");
        if (window == null) {
            n.putNull("sliding_window");
        } else {
            n.put("sliding_window", window);
        }
        return LlamaConfig.fromJson(n, "mistral test config");
    }

    @Test
    void theConfigKeepsItsWindowThroughConfigJson() throws Exception {
        LlamaConfig c = mistral(2, 3);
        assertThat(c.architecture()).isEqualTo(LlamaConfig.MISTRAL);
        assertThat(c.slidingWindow()).isEqualTo(3);
        c.write(tmp.resolve("config.json"));
        assertThat(LlamaConfig.read(tmp.resolve("config.json"))).isEqualTo(c);
        assertThat(mistral(2, null).slidingWindow()).isZero();
        assertThatThrownBy(() -> mistral(2, 0)).hasMessageContaining("sliding_window must be a positive integer");
    }

    @Test
    void aQuerySeesOnlyTheLastWindowOfKeys() {
        // one layer: position q's logits depend on tokens q-2..q only (window 3)
        try (LlamaModel model = LlamaModel.random(mistral(1, 3), 11, Device.cpu());
                NDManager m = NDManager.newBaseManager(Device.cpu())) {
            NDArray a = model.forward(TinyModels.ids(m, new int[] {1, 5, 9, 14, 3, 7}), null, null); // [1, 6, V]
            NDArray b = model.forward(TinyModels.ids(m, new int[] {1, 33, 9, 14, 3, 7}), null, null);
            assertThat(ModelFixtures.maxAbsDiff(a.get(":, 1:4, :"), b.get(":, 1:4, :")))
                    .as("positions 1-3 see position 1")
                    .isGreaterThan(1e-4f);
            assertThat(ModelFixtures.maxAbsDiff(a.get(":, 4:, :"), b.get(":, 4:, :")))
                    .as("positions 4 and 5 are past the window")
                    .isZero();
        }
    }

    @Test
    void withoutAWindowItIsLlama() {
        try (LlamaModel mistral = LlamaModel.random(mistral(2, null), 5, Device.cpu());
                LlamaModel llama =
                        LlamaModel.random(LlamaConfig.llama(32, 48, 2, 4, 2, 50, 64, false), 5, Device.cpu());
                NDManager m = NDManager.newBaseManager(Device.cpu())) {
            int[] ids = {1, 5, 9, 14, 3, 7, 22, 40};
            assertThat(ModelFixtures.maxAbsDiff(
                            mistral.forward(TinyModels.ids(m, ids), null, null),
                            llama.forward(TinyModels.ids(m, ids), null, null)))
                    .isZero();
        }
    }

    @Test
    void theKvCacheGivesTheSameLogitsAsTheFullSequencePastTheWindow() {
        try (LlamaModel model = LlamaModel.random(mistral(2, 3), 3, Device.cpu());
                NDManager m = NDManager.newBaseManager(Device.cpu())) {
            int[] seq = {1, 20, 21, 22, 23, 24, 25, 26};
            NDArray full = model.forward(TinyModels.ids(m, seq), null, null); // [1, 8, V]
            try (KvCache cache = model.newCache()) {
                NDArray first = model.forward(TinyModels.ids(m, new int[] {1, 20}), null, cache);
                assertThat(ModelFixtures.maxAbsDiff(first, full.get(":, :2, :")))
                        .isLessThan(1e-5f);
                for (int t = 2; t < seq.length; t++) {
                    NDArray step = model.forward(TinyModels.ids(m, new int[] {seq[t]}), null, cache);
                    assertThat(ModelFixtures.maxAbsDiff(step, full.get(":, " + t + ":" + (t + 1) + ", :")))
                            .as("position %d", t)
                            .isLessThan(1e-5f);
                }
            }
        }
    }
}
