package org.lorapipe.tuning.memory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.Device;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.lorapipe.contract.request.LoraSpec;
import org.lorapipe.contract.request.OptimizerType;
import org.lorapipe.contract.request.QuantizationSpec;
import org.lorapipe.contract.request.QuantizationType;
import org.lorapipe.contract.request.TrainingSpec;
import org.lorapipe.model.LlamaConfig;
import org.lorapipe.model.LlamaModel;
import org.lorapipe.model.testing.ArchitectureZoo;
import org.lorapipe.tuning.Fixtures;
import org.lorapipe.tuning.nf4.QuantizedModels;
import org.lorapipe.tuning.train.ModelMemory;

/** The estimator's parts against hand-computed values, the loaded models' weights, and its own rules. */
class MemoryEstimatorTest {

    private static final long MIB = 1 << 20;
    private static final QuantizationSpec NONE = new QuantizationSpec(QuantizationType.NONE, false, 64);
    private static final QuantizationSpec NF4 = new QuantizationSpec(QuantizationType.NF4, false, 64);
    private static final QuantizationSpec NF4_DQ = new QuantizationSpec(QuantizationType.NF4, true, 64);

    private final MemoryEstimator estimator = new MemoryEstimator(100 * MIB, 256 * MIB);

    /** D 32, H 48, 2 layers, 4 heads of 8 over 2 kv heads, V 50, untied; B 2, T 10; LoRA r 4 on q, v, dropout 0.1. */
    private static RunShape tiny(boolean checkpointing, QuantizationSpec q) {
        TrainingSpec spec = Fixtures.training(OptimizerType.ADAMW, 1e-3, 2, 1, 1, 10, 0);
        if (checkpointing) {
            spec = Fixtures.withGradientCheckpointing(spec);
        }
        return new RunShape(
                Fixtures.tiny(),
                Fixtures.lora(4, 8, 0.1, List.of("q_proj", "v_proj")),
                q,
                spec,
                10,
                false,
                false,
                0,
                0);
    }

    @Test
    void partsOfATinyLoraRunAreTheHandCountedTensors() {
        MemoryEstimate e = estimator.estimate(tiny(false, NONE));
        assertThat(e.plan()).isEqualTo(BackwardPlan.FULL_GRAPH);
        // weights: embed 50x32 + 2 x (norm 32, q 32x32, k 16x32, v 16x32, o 32x32, norm 32, 3 x 48x32) + norm 32 + head
        // 50x32
        long params = 1600 + 2 * (32 + 1024 + 512 + 512 + 1024 + 32 + 3 * 1536) + 32 + 1600;
        assertThat(params).isEqualTo(Fixtures.tiny().parameterCount());
        assertThat(e.weights()).isEqualTo(params * 4);
        // adapters: q r(32 + 32) + v r(32 + 16), r = 4, per layer
        long trainable = 2 * (4 * (32 + 32) + 4 * (32 + 16));
        assertThat(e.trainableParameters()).isEqualTo(trainable);
        assertThat(e.adapter()).isEqualTo(trainable * 4);
        assertThat(e.gradients()).isEqualTo(trainable * 4);
        assertThat(e.optimizerState()).isEqualTo(2 * trainable * 4); // AdamW: two moments
        assertThat(e.optimizerStep()).isEqualTo(5 * trainable * 4); // copy, (1-b1) g, g^2, sqrt v, update
        // per token and layer: x, h (32 each), q 32, k 16, v 16, probabilities 4 heads x 10 keys, SiLU MLP
        // 4 x 48, and per adapter a dropout mask and the dropped input (2 x 32) and B's input (r = 4)
        long layer = 32 + 32 + 32 + 16 + 16 + 40 + 4 * 48 + 2 * (2 * 32 + 4);
        long tokens = 2 * 10;
        long mask = 10 * 10 * 4; // one [1, 1, T, T] additive mask
        assertThat(e.activations()).isEqualTo(tokens * (2 * layer + 32) * 4 + mask); // + the last layer's output
        // the loss chunk holds all 9 predicting positions: logits, log-softmax and both gradients, [2, 9, 50]
        assertThat(e.logits()).isEqualTo(4L * 2 * 9 * 50 * 4);
        // a layer's forward creates: 2 norms x 3 x 32; q, k, v, o, gate, up, down outputs; rotary pieces of q
        // (5.5 x 32) and k (4.5 x 16) and packed k, v of narrow heads (2 x 16); scores, masked scores and
        // probabilities (3 x 40), merged heads and their copy (2 x 32); two residual sums; sigmoid, g sig,
        // act u (3 x 48); per adapter mask, dropped input, two rank-4 activations, delta and sum
        double forward = 6 * 32
                + (32 + 2 * 16 + 32 + 2 * 48 + 32)
                + (5.5 * 32 + 4.5 * 16 + 2 * 16)
                + (3 * 40 + 2 * 32)
                + 2 * 32
                + 3 * 48
                + (2 * 32 + 2 * 4 + 2 * 32)
                + (2 * 32 + 2 * 4 + 2 * 16);
        assertThat(e.workspace()).isEqualTo(Math.round(tokens * (forward - layer) * 4));
        long step = e.activations() + e.workspace(); // the workspace is larger than the loss chunk here
        long churn = tokens * (2 * layer + 32) * 4 + e.logits();
        assertThat(e.allocator()).isEqualTo(churn + Math.round(0.15 * step)); // all of it below the trim threshold
        assertThat(e.total())
                .isEqualTo(100 * MIB
                        + MemoryEstimator.RUNTIME_GROWTH
                        + e.weights()
                        + 4 * trainable * 4
                        + step
                        + e.allocator());
        assertThat(e.phase()).isEqualTo(MemoryEstimate.Phase.STEP);
    }

    @Test
    void stepsOfVaryingLengthLeaveMoreFreeHolesAndNothingElseChanges() {
        RunShape fixed = tiny(false, NONE);
        RunShape ragged = new RunShape(
                fixed.config(),
                fixed.lora(),
                fixed.quantization(),
                fixed.training(),
                fixed.sequenceLength(),
                fixed.packed(),
                true,
                fixed.datasetTokens(),
                fixed.datasetSequences());
        MemoryEstimate a = estimator.estimate(fixed);
        MemoryEstimate b = estimator.estimate(ragged);
        long step = a.activations() + Math.max(a.logits(), a.workspace());
        assertThat(b.allocator() - a.allocator()).isEqualTo(Math.round(0.45 * step) - Math.round(0.15 * step));
        assertThat(b.total() - a.total()).isEqualTo(b.allocator() - a.allocator());
        assertThat(b.activations()).isEqualTo(a.activations());
        assertThat(b.workspace()).isEqualTo(a.workspace());
    }

    @Test
    void checkpointingKeepsTheLayerInputsAndOneLayer() {
        MemoryEstimate full = estimator.estimate(tiny(false, NONE));
        MemoryEstimate ckpt = estimator.estimate(tiny(true, NONE));
        assertThat(ckpt.plan()).isEqualTo(BackwardPlan.RECOMPUTED);
        assertThat(ckpt.activations()).isEqualTo(20L * 3 * 32 * 4 + 400); // x_0, x_1, x_2 of 20 tokens, the mask
        assertThat(ckpt.workspace()).isGreaterThan(full.workspace()); // the whole recomputed layer
        assertThat(ckpt.activations() + ckpt.workspace()).isLessThan(full.activations() + full.workspace());
    }

    @Test
    void qloraTapesKeepMoreActivationsButHoldFourBitWeights() {
        MemoryEstimate lora = estimator.estimate(tiny(false, NONE));
        MemoryEstimate qlora = estimator.estimate(tiny(false, NF4_DQ));
        assertThat(qlora.plan()).isEqualTo(BackwardPlan.TAPED);
        assertThat(qlora.weights()).isLessThan(lora.weights());
        // the tape keeps n1, a, n2, m and the q, k, v, gate, up outputs the graph lets go
        assertThat(qlora.activations()).isGreaterThan(lora.activations());
        assertThat(qlora.loadStaging()).isPositive();
        assertThat(lora.loadStaging()).isZero(); // an fp32 load streams its tensors
    }

    @Test
    void countedPartsAddUpToTheTotalInEveryPhase() {
        RunShape small = tiny(false, NONE);
        RunShape fullFineTuning = small.withLora(null);
        for (RunShape s : List.of(small, tiny(true, NF4), fullFineTuning)) {
            MemoryEstimate e = estimator.estimate(s);
            long counted = e.parts().stream()
                    .filter(MemoryEstimate.Part::counted)
                    .mapToLong(MemoryEstimate.Part::bytes)
                    .sum();
            assertThat(counted).as("%s", e.phase()).isEqualTo(e.total());
            assertThat(e.asMap()).containsEntry("total", e.total()).containsKeys("activations", "baseline");
        }
        MemoryEstimate full = estimator.estimate(fullFineTuning);
        assertThat(full.plan()).isEqualTo(BackwardPlan.FULL_WEIGHTS);
        assertThat(full.adapter()).isZero(); // the weights are what is trained
        assertThat(full.trainableParameters()).isEqualTo(Fixtures.tiny().parameterCount());
    }

    @Test
    void theOptimizerStepCanSetThePeak() {
        // a large adapter on a short batch: AdamW's five temporaries per parameter outgrow the step
        LoraSpec big = new LoraSpec(16, 32, 0, List.of(LoraSpec.ALL_LINEAR, "lm_head"), Map.of(), Map.of(), false);
        RunShape s = tiny(false, NONE).withLora(big).withSequenceLength(2);
        MemoryEstimate adam = estimator.estimate(s);
        assertThat(adam.phase()).isEqualTo(MemoryEstimate.Phase.OPTIMIZER);
        TrainingSpec t = s.training();
        TrainingSpec sgdSpec =
                new TrainingSpec(OptimizerType.SGD, 1e-3, 0, 0, t.scheduler(), 0, 1, 10, 2, 1, 1.0, 0, 0, false);
        MemoryEstimate sgd = estimator.estimate(s.withTraining(sgdSpec));
        assertThat(sgd.optimizerState()).isZero(); // no momentum, no buffer
        assertThat(sgd.optimizerStep()).isEqualTo(2 * sgd.trainableParameters() * 4); // copy and lr d
    }

    @Test
    void rankPatternsAndLmHeadCountTheirOwnAdapters() {
        LoraSpec pattern = new LoraSpec(
                4, 8, 0, List.of("q_proj", "lm_head"), Map.of("layers\\.1\\.self_attn\\.q_proj", 16), Map.of(), false);
        MemoryEstimate e = estimator.estimate(tiny(false, NONE).withLora(pattern));
        // q of layer 0 at r 4, q of layer 1 at r 16, lm_head (32 -> 50) at r 4
        assertThat(e.trainableParameters()).isEqualTo(4 * 64 + 16 * 64 + 4 * (32 + 50));
    }

    @Test
    void settingsTheModelLacksAreRefusedWithTheNamesItHas() {
        RunShape wrong = tiny(false, NONE).withLora(Fixtures.lora(4, 8, 0, List.of("c_attn")));
        assertThatThrownBy(() -> estimator.estimate(wrong))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("c_attn")
                .hasMessageContaining("q_proj");
    }

    static List<ArchitectureZoo.Entry> zoo() {
        return ArchitectureZoo.all();
    }

    /** The weights as held equal what a loaded model holds, fp32 and NF4, for every architecture. */
    @ParameterizedTest
    @MethodSource("zoo")
    void weightsAreWhatTheLoadedModelHolds(ArchitectureZoo.Entry entry) {
        LlamaConfig c = entry.config();
        try (LlamaModel fp32 = LlamaModel.random(c, 1, Device.cpu());
                LlamaModel nf4 = QuantizedModels.random(c, 1, NF4, Device.cpu());
                LlamaModel dq = QuantizedModels.random(c, 1, NF4_DQ, Device.cpu())) {
            assertThat(MemoryEstimator.weightBytes(c, null)).isEqualTo(ModelMemory.weightBytes(fp32));
            assertThat(MemoryEstimator.weightBytes(c, NF4)).isEqualTo(ModelMemory.weightBytes(nf4));
            assertThat(MemoryEstimator.weightBytes(c, NF4_DQ)).isEqualTo(ModelMemory.weightBytes(dq));
        }
    }

    /** The training event carries the parts by these names: docs/CONTRACT.md lists every one. */
    @Test
    void everyPartIsNamedInTheContract() throws Exception {
        String contract = Files.readString(
                Path.of(System.getProperty("lora.project.root", "..")).resolve("docs/CONTRACT.md"));
        for (String key : estimator.estimate(tiny(false, NONE)).asMap().keySet()) {
            assertThat(contract).as("estimate part %s in docs/CONTRACT.md", key).contains("`" + key + "`");
        }
    }

    @Test
    void theTrimThresholdIsReadAsGlibcReadsIt() {
        assertThat(MemoryEstimator.trimThreshold("268435456")).isEqualTo(256 * MIB);
        assertThat(MemoryEstimator.trimThreshold(null)).isEqualTo(MemoryEstimator.GLIBC_TRIM_THRESHOLD);
        assertThat(MemoryEstimator.trimThreshold("lots")).isEqualTo(MemoryEstimator.GLIBC_TRIM_THRESHOLD);
    }
}
