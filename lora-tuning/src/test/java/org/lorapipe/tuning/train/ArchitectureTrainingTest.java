package org.lorapipe.tuning.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.offset;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.lorapipe.contract.dataset.TokenizedSequence;
import org.lorapipe.contract.request.QuantizationSpec;
import org.lorapipe.contract.request.QuantizationType;
import org.lorapipe.model.LlamaConfig;
import org.lorapipe.model.LlamaModel;
import org.lorapipe.model.testing.ArchitectureZoo;
import org.lorapipe.model.testing.ModelFixtures;
import org.lorapipe.tuning.Fixtures;
import org.lorapipe.tuning.lora.LoraAdapters;
import org.lorapipe.tuning.lora.LoraPlan;
import org.lorapipe.tuning.nf4.QuantizedModels;

/**
 * Training every supported architecture: the trainer runs the model's own forward (same logits), all
 * three ways of organising backward give the same gradients on an fp32 and an NF4 base (the tape cuts
 * where each architecture's layer marks its projections: Gemma 2's normalised outputs, Phi-3's fused
 * ones), a fresh adapter changes nothing, and packed examples see only themselves.
 */
class ArchitectureTrainingTest {

    private static final List<TokenizedSequence> DATA = Fixtures.sequences(6, 6, 12, 50, 3);
    private static final QuantizationSpec NF4 = new QuantizationSpec(QuantizationType.NF4, true, 16);

    static List<ArchitectureZoo.Entry> zoo() {
        return ArchitectureZoo.all();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("zoo")
    void trainingLogitsEqualTheModelsOwn(ArchitectureZoo.Entry e) {
        try (LlamaModel model = ArchitectureZoo.model(e.config(), 2);
                NDManager m = model.manager().newSubManager();
                CausalLm lm = new CausalLm(model)) {
            MicroBatch b = MicroBatch.of(m, DATA.subList(0, 1), e.config());
            float[] ours = lm.logits(b).toFloatArray();
            float[] ref = model.forward(b.ids(), null, null).toFloatArray();
            assertThat(ours).containsExactly(ref);
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("zoo")
    void aFreshAdapterOnEveryProjectionChangesNothing(ArchitectureZoo.Entry e) {
        try (LlamaModel model = ArchitectureZoo.model(e.config(), 3);
                NDManager m = model.manager().newSubManager()) {
            NDArray ids = MicroBatch.of(m, DATA.subList(0, 1), e.config()).ids();
            float[] before = model.forward(ids, null, null).toFloatArray();
            try (LoraAdapters a = LoraAdapters.attach(
                    model,
                    LoraPlan.resolve(Fixtures.lora(4, 8, 0, List.of("all-linear", "lm_head")), model.linears()),
                    5)) {
                assertThat(a.layers()).hasSize(model.linears().names().size());
                assertThat(model.forward(ids, null, null).toFloatArray()).containsExactly(before);
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("zoo")
    void everyBackwardGivesTheFullGraphGradientsOnFp32AndNf4(ArchitectureZoo.Entry e) {
        for (boolean quantized : new boolean[] {false, true}) {
            try (LlamaModel model = quantized
                            ? QuantizedModels.random(e.config(), 1, NF4, Device.cpu())
                            : ArchitectureZoo.model(e.config(), 1);
                    LoraAdapters a = LoraAdapters.attach(
                            model,
                            LoraPlan.resolve(Fixtures.lora(4, 8, 0, List.of("all-linear")), model.linears()),
                            5);
                    CausalLm lm = new CausalLm(model);
                    NDManager m = model.manager().newSubManager()) {
                a.layers().values().forEach(l -> l.loraB().addi(0.05f)); // non-zero B: A gets gradients too
                Map<CausalLm.Backward, Double> losses = new LinkedHashMap<>();
                Map<CausalLm.Backward, Map<String, float[]>> grads = new LinkedHashMap<>();
                for (CausalLm.Backward how : CausalLm.Backward.values()) {
                    MicroBatch batch = MicroBatch.of(m, DATA.subList(0, 3), e.config());
                    losses.put(how, lm.trainStep(batch, 20, how, false));
                    Map<String, float[]> g = new LinkedHashMap<>();
                    for (TrainableParameter p : a.parameters()) {
                        try (var copy = Autograd.gradientCopy(p.value())) {
                            g.put(p.name(), copy.toFloatArray());
                        }
                        Autograd.zeroGradient(p.value());
                    }
                    grads.put(how, g);
                }
                String base = quantized ? " nf4" : " fp32";
                Map<String, float[]> reference = grads.get(CausalLm.Backward.FULL_GRAPH);
                assertThat(reference.entrySet())
                        .as("every adapter learns" + base)
                        .allMatch(g -> ModelFixtures.maxAbsDiff(g.getValue(), new float[g.getValue().length]) > 0);
                for (CausalLm.Backward how : CausalLm.Backward.values()) {
                    assertThat(losses.get(how))
                            .as(how + base)
                            .isCloseTo(losses.get(CausalLm.Backward.FULL_GRAPH), offset(1e-5));
                    for (String name : reference.keySet()) {
                        float scale = Math.max(
                                1e-3f,
                                ModelFixtures.maxAbsDiff(reference.get(name), new float[reference.get(name).length]));
                        assertThat(ModelFixtures.maxAbsDiff(grads.get(how).get(name), reference.get(name)) / scale)
                                .as(how + " " + name + base + " (relative to the largest entry)")
                                .isLessThan(1e-4f);
                    }
                }
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("zoo")
    void aPackedExampleSeesOnlyItself(ArchitectureZoo.Entry e) {
        LlamaConfig c = e.config();
        int[] first = {1, 7, 9, 4, 12};
        int[] second = {3, 8, 11, 6, 10, 2};
        int[] both = new int[first.length + second.length];
        System.arraycopy(first, 0, both, 0, first.length);
        System.arraycopy(second, 0, both, first.length, second.length);
        try (LlamaModel model = ArchitectureZoo.model(c, 4);
                NDManager m = model.manager().newSubManager();
                CausalLm lm = new CausalLm(model)) {
            NDArray packed = lm.logits(MicroBatch.of(m, List.of(seq(both, 0, first.length)), c)); // [1, T, V]
            NDArray alone = lm.logits(MicroBatch.of(m, List.of(seq(second, 0)), c)); // [1, 6, V]
            NDArray tail = packed.get(new NDIndex("0:1, " + first.length + ":, :"));
            assertThat(ModelFixtures.maxAbsDiff(tail, alone)).isLessThan(1e-4f);
        }
    }

    private static TokenizedSequence seq(int[] ids, int... starts) {
        boolean[] trainable = new boolean[ids.length];
        Arrays.fill(trainable, true);
        return new TokenizedSequence(ids, trainable, starts);
    }
}
