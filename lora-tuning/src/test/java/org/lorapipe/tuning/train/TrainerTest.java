package org.lorapipe.tuning.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.data.Offset.offset;

import ai.djl.Device;
import ai.djl.ndarray.NDManager;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.lorapipe.contract.artifact.LossPoint;
import org.lorapipe.contract.dataset.TokenizedSequence;
import org.lorapipe.contract.request.LoraSpec;
import org.lorapipe.contract.request.OptimizerType;
import org.lorapipe.contract.request.QuantizationSpec;
import org.lorapipe.contract.request.QuantizationType;
import org.lorapipe.contract.request.TrainingSpec;
import org.lorapipe.model.LlamaModel;
import org.lorapipe.model.testing.ModelFixtures;
import org.lorapipe.tuning.Fixtures;
import org.lorapipe.tuning.lora.LoraAdapters;
import org.lorapipe.tuning.lora.LoraPlan;
import org.lorapipe.tuning.nf4.QuantizedModels;

class TrainerTest {

    private static final List<TokenizedSequence> DATA = Fixtures.sequences(10, 6, 14, 50, 3);

    /** A model with all-linear + lm_head adapters; B perturbed so that A also gets gradients. */
    private static LoraAdapters adapters(LlamaModel model, double dropout, long seed) {
        LoraSpec spec = Fixtures.lora(4, 8, dropout, List.of("all-linear", "lm_head"));
        return LoraAdapters.attach(model, LoraPlan.resolve(spec, model.linears()), seed);
    }

    private static List<Double> run(TrainingSpec spec, double dropout, TrainingListener listener) {
        try (LlamaModel model = Fixtures.model(Fixtures.tiny(), 1);
                LoraAdapters a = adapters(model, dropout, spec.seed());
                Trainer t = Trainer.forAdapters(a, spec)) {
            return t.train(DATA, listener).losses().stream()
                    .map(LossPoint::loss)
                    .toList();
        }
    }

    @Test
    void frozenBaseStaysBitIdenticalWhileAdaptersLearn() {
        try (LlamaModel model = Fixtures.model(Fixtures.tiny(), 1)) {
            Map<String, float[]> before = Fixtures.snapshot(model);
            try (LoraAdapters a = adapters(model, 0.1, 5);
                    Trainer t = Trainer.forAdapters(a, Fixtures.training(OptimizerType.ADAMW, 1e-2, 2, 1, 1, 4, 5))) {
                float[] b0 =
                        a.layers().get("model.layers.1.mlp.down_proj").loraB().toFloatArray();
                TrainingResult r = t.train(DATA, TrainingListener.NONE);
                assertThat(r.steps()).isEqualTo(4);
                float[] b1 =
                        a.layers().get("model.layers.1.mlp.down_proj").loraB().toFloatArray();
                assertThat(ModelFixtures.maxAbsDiff(b0, b1)).isGreaterThan(0f);
                for (var e : model.weights().entrySet()) {
                    assertThat(e.getValue().hasGradient()).as(e.getKey()).isFalse();
                }
            }
            assertThat(Fixtures.sameBits(before, Fixtures.snapshot(model))).isTrue();
        }
    }

    @Test
    void accumulatedMicroBatchesEqualOneBigBatch() {
        List<TokenizedSequence> four = DATA.subList(0, 4); // different lengths and counted tokens
        long n = four.stream().mapToLong(MicroBatch::countedLabels).sum();
        Map<String, float[]> big;
        Map<String, float[]> small;
        double lossBig;
        double lossSmall = 0;
        try (LlamaModel model = Fixtures.model(Fixtures.tiny(), 1);
                LoraAdapters a = adapters(model, 0, 5);
                CausalLm lm = new CausalLm(model);
                NDManager m = model.manager().newSubManager()) {
            perturb(a);
            lossBig = lm.trainStep(MicroBatch.of(m, four), n, false, false);
            big = grads(a);
            lossSmall += lm.trainStep(MicroBatch.of(m, four.subList(0, 2)), n, false, false);
            lossSmall += lm.trainStep(MicroBatch.of(m, four.subList(2, 4)), n, true, false); // recompute mode too
            small = grads(a);
        }
        assertThat(lossSmall).isCloseTo(lossBig, offset(1e-6));
        for (String k : big.keySet()) {
            assertThat(ModelFixtures.maxAbsDiff(big.get(k), small.get(k))).as(k).isLessThan(1e-6f);
        }
        // and through the trainer: micro 2 x accum 2 gives the loss curve of micro 4 x accum 1
        List<Double> a = run(Fixtures.training(OptimizerType.ADAMW, 1e-2, 4, 1, 2, 0, 9), 0, TrainingListener.NONE);
        List<Double> b = run(Fixtures.training(OptimizerType.ADAMW, 1e-2, 2, 2, 2, 0, 9), 0, TrainingListener.NONE);
        assertThat(a).hasSize(6).hasSameSizeAs(b);
        for (int i = 0; i < a.size(); i++) {
            assertThat(b.get(i)).isCloseTo(a.get(i), offset(1e-5));
        }
    }

    @Test
    void tapedRecomputedAndChunkedBackwardGiveTheFullGraphGradients() {
        QuantizationSpec nf4 = new QuantizationSpec(QuantizationType.NF4, true, 64);
        // (targets, dropout): an adapted head with dropout draws one mask per loss chunk, so it is compared
        // unchunked; chunking is compared where the head has no dropout
        List<List<String>> targets = List.of(
                List.of("all-linear", "lm_head"), List.of("q_proj", "v_proj"), List.of("q_proj", "v_proj", "lm_head"));
        double[] dropouts = {0.2, 0.2, 0.0};
        long twoPositions = 2 * 3 * 50 * 4; // bytes of [B=3, 2, V=50] logits
        for (boolean quantized : new boolean[] {false, true}) {
            for (int c = 0; c < targets.size(); c++) {
                List<String> target = targets.get(c);
                boolean chunkable = !(target.contains("lm_head") && dropouts[c] > 0);
                try (LlamaModel model = quantized
                                ? QuantizedModels.random(Fixtures.tiny(), 1, nf4, Device.cpu())
                                : Fixtures.model(Fixtures.tiny(), 1);
                        LoraAdapters a = LoraAdapters.attach(
                                model, LoraPlan.resolve(Fixtures.lora(4, 8, dropouts[c], target), model.linears()), 5);
                        CausalLm lm = new CausalLm(model);
                        NDManager m = model.manager().newSubManager()) {
                    perturb(a);
                    a.dropout().enable(77); // the same masks in every pass
                    Map<String, Double> losses = new LinkedHashMap<>();
                    Map<String, Map<String, float[]>> grads = new LinkedHashMap<>();
                    for (CausalLm.Backward how : CausalLm.Backward.values()) {
                        for (boolean chunked : chunkable ? new boolean[] {false, true} : new boolean[] {false}) {
                            lm.logitsChunkBytes(chunked ? twoPositions : CausalLm.LOGITS_CHUNK_BYTES);
                            String run = how + (chunked ? " chunked" : "");
                            losses.put(run, lm.trainStep(MicroBatch.of(m, DATA.subList(0, 3)), 20, how, false));
                            grads.put(run, grads(a));
                        }
                    }
                    a.dropout().disable();
                    assertThat(losses).hasSize(chunkable ? 6 : 3);
                    lm.logitsChunkBytes(CausalLm.LOGITS_CHUNK_BYTES);
                    double nll = lm.nllSum(MicroBatch.of(m, DATA.subList(0, 3)));
                    lm.logitsChunkBytes(4);
                    assertThat(lm.nllSum(MicroBatch.of(m, DATA.subList(0, 3))))
                            .as("position by position")
                            .isCloseTo(nll, offset(1e-5)); // the same sum up to float rounding of the matmul
                    String full = CausalLm.Backward.FULL_GRAPH.toString();
                    Map<String, float[]> reference = grads.get(full);
                    assertThat(reference.values())
                            .as("some gradient is non-zero")
                            .anyMatch(g -> ModelFixtures.maxAbsDiff(g, new float[g.length]) > 1e-4f);
                    for (String run : losses.keySet()) {
                        String what = run + (quantized ? " nf4 " : " fp32 ") + target;
                        assertThat(losses.get(run)).as(what).isCloseTo(losses.get(full), offset(1e-6));
                        for (String k : reference.keySet()) {
                            assertThat(ModelFixtures.maxAbsDiff(
                                            reference.get(k), grads.get(run).get(k)))
                                    .as(what + " " + k)
                                    .isLessThan(1e-6f);
                        }
                    }
                }
            }
        }
    }

    @Test
    void gradientCheckpointingFromTheRequestKeepsTheLossCurve() {
        TrainingSpec plain = Fixtures.training(OptimizerType.ADAMW, 1e-2, 2, 2, 2, 0, 42);
        TrainingSpec checkpointed = Fixtures.withGradientCheckpointing(plain);
        assertThat(checkpointed.gradientCheckpointing()).isTrue();
        List<Double> a = run(plain, 0.1, TrainingListener.NONE);
        List<Double> b = run(checkpointed, 0.1, TrainingListener.NONE);
        assertThat(b).hasSameSizeAs(a);
        for (int i = 0; i < a.size(); i++) {
            assertThat(b.get(i)).as("step %d", i + 1).isCloseTo(a.get(i), offset(1e-5));
        }
    }

    @Test
    void sameSeedSameLossCurve() {
        TrainingSpec spec = Fixtures.training(OptimizerType.ADAMW, 1e-2, 2, 2, 2, 0, 42);
        List<Double> a = run(spec, 0.1, TrainingListener.NONE);
        List<Double> b = run(spec, 0.1, TrainingListener.NONE);
        assertThat(b).isEqualTo(a);
        List<Double> c = run(Fixtures.training(OptimizerType.ADAMW, 1e-2, 2, 2, 2, 0, 43), 0.1, TrainingListener.NONE);
        assertThat(c).isNotEqualTo(a);
    }

    @Test
    void resumingFromASavedStateContinuesExactly(@TempDir Path dir) {
        for (OptimizerType opt : OptimizerType.values()) {
            TrainingSpec spec = Fixtures.withCheckpoints(Fixtures.training(opt, 1e-2, 2, 2, 2, 0, 42), 2);
            List<TrainingState> saved = new ArrayList<>();
            List<Double> straight = run(spec, 0.1, new TrainingListener() {
                @Override
                public void onCheckpoint(TrainingState state) {
                    saved.add(state);
                }
            });
            assertThat(straight).hasSize(6);
            assertThat(saved).extracting(TrainingState::step).containsExactly(2L, 4L);
            Path stateDir = dir.resolve(opt.wire() + "/step-4");
            saved.get(1).save(stateDir); // step 4: crosses the epoch boundary at step 3
            TrainingState loaded = TrainingState.load(stateDir);
            assertThat(loaded.epoch()).isEqualTo(1);
            try (LlamaModel model = Fixtures.model(Fixtures.tiny(), 1);
                    LoraAdapters a = adapters(model, 0.1, 999); // different init: restore must overwrite it
                    Trainer t = Trainer.forAdapters(a, spec)) {
                t.restore(loaded);
                List<Double> resumed = t.train(DATA, TrainingListener.NONE).losses().stream()
                        .map(LossPoint::loss)
                        .toList();
                assertThat(resumed).as(opt.wire()).containsExactlyElementsOf(straight.subList(4, 6));
            }
        }
    }

    @Test
    void nonFiniteLossStopsNamingTheStep() {
        try (LlamaModel model = Fixtures.model(Fixtures.tiny(), 1);
                LoraAdapters a = adapters(model, 0, 5);
                Trainer t = Trainer.forAdapters(a, Fixtures.training(OptimizerType.ADAMW, 1e-2, 2, 1, 1, 0, 5))) {
            var layer = a.layers().get("model.layers.0.self_attn.q_proj");
            float[] nan = new float[(int) layer.loraA().getShape().size()];
            java.util.Arrays.fill(nan, Float.NaN);
            layer.loraA().set(nan); // B = 0, but 0 * NaN = NaN
            assertThatThrownBy(() -> t.train(DATA, TrainingListener.NONE))
                    .isInstanceOf(TrainingDivergedException.class)
                    .hasMessageContaining("loss became NaN at step 1 of 5");
        }
    }

    @Test
    void progressReportsMemoryAndRate() {
        List<StepReport> reports = new ArrayList<>();
        run(Fixtures.training(OptimizerType.SGD, 1e-2, 4, 1, 1, 0, 1), 0, new TrainingListener() {
            @Override
            public void onStep(StepReport r) {
                reports.add(r);
            }
        });
        assertThat(reports).hasSize(3);
        StepReport last = reports.get(2);
        assertThat(last.step()).isEqualTo(3);
        assertThat(last.totalSteps()).isEqualTo(3);
        assertThat(last.epoch()).isEqualTo(1.0);
        assertThat(last.tokensPerSecond()).isPositive();
        assertThat(last.memory().rssBytes()).isPositive();
        assertThat(last.memory().peakRssBytes())
                .isGreaterThanOrEqualTo(last.memory().rssBytes());
        assertThat(last.memory().trainableBytes())
                .isEqualTo(4L * 4 * 2 * (64 + 48 + 48 + 64 + 80 + 80 + 80) + 4L * 4 * (32 + 50));
        assertThat(last.memory().optimizerBytes()).isEqualTo(last.memory().trainableBytes()); // one momentum buffer
        assertThat(reports.get(0).learningRate()).isEqualTo(0.0); // warm-up starts at 0, as in transformers
    }

    private static void perturb(LoraAdapters a) {
        java.util.SplittableRandom r = new java.util.SplittableRandom(3);
        a.layers().values().forEach(l -> {
            float[] b = new float[(int) l.loraB().getShape().size()];
            for (int i = 0; i < b.length; i++) {
                b[i] = (float) r.nextGaussian() * 0.1f;
            }
            l.loraB().set(b);
        });
    }

    private static Map<String, float[]> grads(LoraAdapters a) {
        Map<String, float[]> out = new LinkedHashMap<>();
        for (TrainableParameter p : a.parameters()) {
            try (var g = Autograd.gradientCopy(p.value())) {
                out.put(p.name(), g.toFloatArray());
            }
            Autograd.zeroGradient(p.value());
        }
        return out;
    }
}
