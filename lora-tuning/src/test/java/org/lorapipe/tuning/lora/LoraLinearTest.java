package org.lorapipe.tuning.lora;

import static org.assertj.core.api.Assertions.assertThat;
import static org.lorapipe.tuning.Fixtures.lora;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.lorapipe.contract.dataset.TokenizedSequence;
import org.lorapipe.contract.request.LoraSpec;
import org.lorapipe.model.LlamaModel;
import org.lorapipe.model.io.NDArrayTensorSource;
import org.lorapipe.model.testing.ModelFixtures;
import org.lorapipe.tuning.Fixtures;
import org.lorapipe.tuning.peft.LowRankDelta;
import org.lorapipe.tuning.train.CausalLm;
import org.lorapipe.tuning.train.MicroBatch;

class LoraLinearTest {

    private static final int[][] IDS = {{1, 5, 9, 14, 3, 22, 7, 8}, {1, 30, 2, 41, 17, 6, 6, 12}};

    private static NDArray ids(NDManager m) {
        long[] flat = new long[16];
        for (int i = 0; i < 2; i++) {
            for (int j = 0; j < 8; j++) {
                flat[i * 8 + j] = IDS[i][j];
            }
        }
        return m.create(flat).reshape(2, 8);
    }

    @Test
    void freshAdapterIsAnExactNoOp() {
        try (LlamaModel model = Fixtures.model(Fixtures.tiny(), 1);
                NDManager m = model.manager().newSubManager()) {
            float[] before = model.forward(ids(m), null, null).toFloatArray();
            LoraPlan plan = LoraPlan.resolve(lora(4, 8, 0.0, List.of(LoraSpec.ALL_LINEAR, "lm_head")), model.linears());
            try (LoraAdapters adapters = LoraAdapters.attach(model, plan, 7)) {
                float[] after = model.forward(ids(m), null, null).toFloatArray();
                assertThat(after).containsExactly(before);
                // A is Kaiming-uniform: within 1/sqrt(in), not all zero; B is zero
                LoraLinear q = adapters.layers().get("model.layers.0.self_attn.q_proj");
                float bound = (float) (1 / Math.sqrt(32));
                assertThat(q.loraA().abs().max().getFloat()).isLessThanOrEqualTo(bound);
                assertThat(q.loraA().abs().max().getFloat()).isGreaterThan(bound * 0.8f);
                assertThat(q.loraB().toFloatArray()).containsOnly(0f);
            }
            assertThat(model.forward(ids(m), null, null).toFloatArray()).containsExactly(before);
        }
    }

    @Test
    void trainingForwardMatchesTheModelsOwnForwardExactly() {
        try (LlamaModel model = Fixtures.model(Fixtures.tiny(), 2);
                NDManager m = model.manager().newSubManager();
                CausalLm lm = new CausalLm(model)) {
            float[] ref = model.forward(ids(m), null, null).toFloatArray();
            List<TokenizedSequence> seqs = List.of(seq(IDS[0]), seq(IDS[1]));
            float[] ours = lm.logits(MicroBatch.of(m, seqs)).toFloatArray();
            assertThat(ours).containsExactly(ref);
        }
    }

    @Test
    void packedExamplesSeeOnlyThemselves() {
        try (LlamaModel model = Fixtures.model(Fixtures.tiny(), 3);
                NDManager m = model.manager().newSubManager();
                CausalLm lm = new CausalLm(model)) {
            int[] a = {1, 5, 9, 14};
            int[] b = {1, 30, 2, 41, 17};
            int[] packed = {1, 5, 9, 14, 1, 30, 2, 41, 17};
            TokenizedSequence p = new TokenizedSequence(packed, new boolean[9], new int[] {0, 4});
            float[] joint = lm.logits(MicroBatch.of(m, List.of(p))).toFloatArray();
            float[] alone = lm.logits(MicroBatch.of(m, List.of(seq(a)))).toFloatArray();
            float[] alone2 = lm.logits(MicroBatch.of(m, List.of(seq(b)))).toFloatArray();
            int v = 50;
            for (int i = 0; i < 4 * v; i++) {
                assertThat(joint[i]).isCloseTo(alone[i], org.assertj.core.data.Offset.offset(1e-5f));
            }
            for (int i = 0; i < 5 * v; i++) {
                assertThat(joint[4 * v + i]).isCloseTo(alone2[i], org.assertj.core.data.Offset.offset(1e-5f));
            }
        }
    }

    @Test
    void mergedWeightsReproduceTheAdaptedModel() {
        try (LlamaModel model = Fixtures.model(Fixtures.tiny(), 4);
                NDManager m = model.manager().newSubManager()) {
            LoraPlan plan = LoraPlan.resolve(
                    new LoraSpec(
                            4, 16, 0.0, List.of("q_proj", "v_proj", "down_proj", "lm_head"), Map.of(), Map.of(), true),
                    model.linears());
            try (LoraAdapters adapters = LoraAdapters.attach(model, plan, 11)) {
                SplittableRandom r = new SplittableRandom(5);
                adapters.layers().values().forEach(l -> {
                    float[] b = new float[(int) l.loraB().getShape().size()];
                    for (int i = 0; i < b.length; i++) {
                        b[i] = (float) r.nextGaussian() * 0.05f;
                    }
                    l.loraB().set(b);
                });
                float[] adapted = model.forward(ids(m), null, null).toFloatArray();
                Map<String, NDArray> merged = new LinkedHashMap<>(model.weights());
                adapters.layers().forEach((name, l) -> {
                    NDArray w = model.weights().get(name + ".weight");
                    // the merge's W + s B A (LowRankDelta), against torch's B @ A on the same values
                    float[] heap = w.toFloatArray();
                    new LowRankDelta(
                                    l.loraA().toFloatArray(),
                                    l.loraB().toFloatArray(),
                                    l.rank(),
                                    l.inFeatures(),
                                    l.scale())
                            .addTo(heap, 0, l.outFeatures());
                    NDArray nd = w.add(l.loraB().matMul(l.loraA()).mul(l.scale()));
                    assertThat(ModelFixtures.maxAbsDiff(heap, nd.toFloatArray()))
                            .isLessThan(1e-6f);
                    merged.put(name + ".weight", w.getManager().create(heap, w.getShape()));
                });
                assertThat(adapters.layers().get("lm_head").scale()).isEqualTo((float) (16 / Math.sqrt(4)));
                try (LlamaModel mergedModel =
                        LlamaModel.create(model.config(), new NDArrayTensorSource(merged), Device.cpu())) {
                    NDManager m2 = mergedModel.manager().newSubManager();
                    float[] viaMerge = mergedModel.forward(ids(m2), null, null).toFloatArray();
                    assertThat(ModelFixtures.maxAbsDiff(adapted, viaMerge)).isLessThan(1e-4f);
                    float[] base = new float[0];
                    adapters.detach();
                    base = model.forward(ids(m), null, null).toFloatArray();
                    assertThat(ModelFixtures.maxAbsDiff(adapted, base))
                            .isGreaterThan(1e-3f); // B != 0 changed something
                }
            }
        }
    }

    @Test
    void lmHeadOnATiedModelAdaptsOnlyTheOutputProjection() {
        try (LlamaModel model = Fixtures.model(Fixtures.tinyTied(), 6)) {
            NDArray embed = model.weights().get("model.embed_tokens.weight");
            float[] before = embed.toFloatArray();
            LoraPlan plan = LoraPlan.resolve(lora(4, 8, 0, List.of("lm_head")), model.linears());
            assertThat(plan.targets()).extracting(LoraTarget::module).containsExactly("lm_head");
            try (LoraAdapters adapters = LoraAdapters.attach(model, plan, 1)) {
                assertThat(adapters.layers().get("lm_head").loraA().getShape().get(1))
                        .isEqualTo(32);
                assertThat(adapters.layers().get("lm_head").loraB().getShape().get(0))
                        .isEqualTo(50);
                assertThat(embed.toFloatArray()).containsExactly(before);
            }
        }
    }

    static TokenizedSequence seq(int[] ids) {
        boolean[] t = new boolean[ids.length];
        java.util.Arrays.fill(t, true);
        return new TokenizedSequence(ids, t, new int[] {0});
    }
}
