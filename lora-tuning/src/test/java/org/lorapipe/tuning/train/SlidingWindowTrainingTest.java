package org.lorapipe.tuning.train;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.lorapipe.contract.dataset.TokenizedSequence;
import org.lorapipe.model.LlamaConfig;
import org.lorapipe.model.LlamaModel;
import org.lorapipe.model.testing.ModelFixtures;

/** The trainer's view of a Mistral model keeps its sliding window: plain and packed batches. */
class SlidingWindowTrainingTest {

    private static LlamaConfig mistral(int window) throws Exception {
        ObjectNode n = LlamaConfig.llama(32, 48, 2, 4, 2, 50, 64, false).toJson();
        n.putArray("architectures").add(LlamaConfig.MISTRAL);
        n.put("model_type", "mistral");
        n.put("sliding_window", window);
        java.nio.file.Path dir = java.nio.file.Files.createTempDirectory("mistral-config");
        java.nio.file.Files.writeString(dir.resolve("config.json"), n.toString());
        return LlamaConfig.read(dir.resolve("config.json"));
    }

    private static TokenizedSequence seq(int[] ids, int... starts) {
        boolean[] t = new boolean[ids.length];
        Arrays.fill(t, true);
        return new TokenizedSequence(ids, t, starts.length == 0 ? new int[] {0} : starts);
    }

    private static NDArray ids(NDManager m, int[] row) {
        return m.create(Arrays.stream(row).mapToLong(i -> i).toArray()).reshape(1, row.length);
    }

    @Test
    void trainingLogitsEqualTheModelsWithTheWindow() throws Exception {
        LlamaConfig c = mistral(3);
        int[] row = {1, 5, 9, 14, 3, 22, 7, 8};
        try (LlamaModel model = LlamaModel.random(c, 9, Device.cpu());
                NDManager m = model.manager().newSubManager();
                CausalLm lm = new CausalLm(model)) {
            float[] ref = model.forward(ids(m, row), null, null).toFloatArray();
            float[] ours = lm.logits(MicroBatch.of(m, List.of(seq(row)), c.slidingWindow()))
                    .toFloatArray();
            assertThat(ours).containsExactly(ref);
            float[] unwindowed =
                    lm.logits(MicroBatch.of(m, List.of(seq(row)), 0)).toFloatArray();
            assertThat(ModelFixtures.maxAbsDiff(ours, unwindowed))
                    .as("the window matters past 3 tokens")
                    .isGreaterThan(1e-4f);
        }
    }

    @Test
    void packedExamplesKeepTheirOwnWindow() throws Exception {
        LlamaConfig c = mistral(3);
        int[] a = {1, 5, 9, 14, 3};
        int[] b = {1, 30, 2, 41, 17, 6};
        int[] packed = {1, 5, 9, 14, 3, 1, 30, 2, 41, 17, 6};
        try (LlamaModel model = LlamaModel.random(c, 4, Device.cpu());
                NDManager m = model.manager().newSubManager();
                CausalLm lm = new CausalLm(model)) {
            float[] joint =
                    lm.logits(MicroBatch.of(m, List.of(seq(packed, 0, 5)), 3)).toFloatArray();
            float[] alone = lm.logits(MicroBatch.of(m, List.of(seq(b)), 3)).toFloatArray();
            int v = 50;
            float[] second = Arrays.copyOfRange(joint, 5 * v, 11 * v);
            assertThat(ModelFixtures.maxAbsDiff(second, Arrays.copyOf(alone, 6 * v)))
                    .isLessThan(1e-5f);
            float[] first = Arrays.copyOf(joint, 5 * v);
            float[] aloneA = lm.logits(MicroBatch.of(m, List.of(seq(a)), 3)).toFloatArray();
            assertThat(ModelFixtures.maxAbsDiff(first, aloneA)).isLessThan(1e-5f);
        }
    }
}
