package org.lorapipe.tuning.memory;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.lorapipe.contract.request.OptimizerType;
import org.lorapipe.contract.request.QuantizationSpec;
import org.lorapipe.contract.request.QuantizationType;
import org.lorapipe.contract.request.TrainingSpec;
import org.lorapipe.model.LlamaConfig;
import org.lorapipe.tuning.Fixtures;

/** The settings that fit a budget are found by estimating each changed run, and each one fits. */
class MemoryFitTest {

    private static final long MIB = 1 << 20;
    private final MemoryEstimator estimator = new MemoryEstimator(100 * MIB, 256 * MIB);

    /** A model whose memory is mostly activations: 8 layers of 256, 8 sequences of 1024 tokens. */
    private static RunShape longSequences() {
        LlamaConfig c = LlamaConfig.llama(256, 688, 8, 8, 4, 8000, 4096, true);
        TrainingSpec t = Fixtures.training(OptimizerType.ADAMW, 1e-3, 8, 2, 1, 10, 0);
        return new RunShape(
                c,
                Fixtures.lora(8, 16, 0.05, List.of("q_proj", "v_proj")),
                new QuantizationSpec(QuantizationType.NONE, false, 64),
                t,
                1024,
                false,
                false,
                0,
                0);
    }

    @Test
    void eachSuggestionFitsAndIsTheLargestThatDoes() {
        RunShape shape = longSequences();
        MemoryEstimate full = estimator.estimate(shape);
        long budget = full.total() * 3 / 4;
        List<MemoryFit.Suggestion> fits = new MemoryFit(estimator).suggestions(shape, budget);
        assertThat(fits)
                .extracting(MemoryFit.Suggestion::setting)
                .contains("training.microBatchSize", "training.gradientCheckpointing", "dataset.maxSeqLength");
        assertThat(fits).allSatisfy(f -> assertThat(f.estimate().total()).isLessThanOrEqualTo(budget));

        MemoryFit.Suggestion batch = fits.stream()
                .filter(f -> f.setting().equals("training.microBatchSize"))
                .findFirst()
                .orElseThrow();
        TrainingSpec fitted = batch.estimate().shape().training();
        // the batch of 8 x 2 is kept: half the micro-batch, twice the accumulation
        assertThat(fitted.microBatchSize() * fitted.gradientAccumulationSteps()).isGreaterThanOrEqualTo(16);
        assertThat(fitted.microBatchSize()).isLessThan(8);
        assertThat(estimator
                        .estimate(shape.withMicroBatch(fitted.microBatchSize() * 2, 1))
                        .total())
                .as("twice the micro-batch would not fit")
                .isGreaterThan(budget);
        assertThat(batch.describe()).startsWith("training.microBatchSize: " + fitted.microBatchSize() + " (");

        MemoryFit.Suggestion length = fits.stream()
                .filter(f -> f.setting().equals("dataset.maxSeqLength"))
                .findFirst()
                .orElseThrow();
        assertThat(Integer.parseInt(length.value())).isLessThan(1024).isGreaterThanOrEqualTo(MemoryFit.MIN_SEQUENCE);
    }

    @Test
    void whenNoSingleSettingFitsCheckpointingWithNf4IsTriedAndNothingIsOfferedBelowTheBaseline() {
        // 1.6 GiB of fp32 projections: shorter sequences or smaller batches leave them, nf4 alone keeps every
        // layer's tape, checkpointing alone keeps the fp32 weights
        LlamaConfig c = LlamaConfig.llama(2048, 5504, 8, 16, 16, 32000, 4096, true);
        RunShape shape = new RunShape(
                c,
                Fixtures.lora(8, 16, 0.05, List.of("q_proj", "v_proj")),
                new QuantizationSpec(QuantizationType.NONE, false, 64),
                Fixtures.training(OptimizerType.ADAMW, 1e-3, 2, 1, 1, 10, 0),
                256,
                false,
                false,
                0,
                0);
        QuantizationSpec nf4 = new QuantizationSpec(QuantizationType.NF4, true, 64);
        long both = estimator
                .estimate(shape.withCheckpointing(true).withQuantization(nf4))
                .total();
        List<MemoryFit.Suggestion> fits = new MemoryFit(estimator).suggestions(shape, both);
        assertThat(fits)
                .extracting(MemoryFit.Suggestion::setting)
                .containsExactly("training.gradientCheckpointing and quantization.type");
        assertThat(fits.get(0).estimate().total()).isEqualTo(both);

        assertThat(new MemoryFit(estimator).suggestions(shape, 50 * MIB))
                .as("below the baseline")
                .isEmpty();
    }
}
