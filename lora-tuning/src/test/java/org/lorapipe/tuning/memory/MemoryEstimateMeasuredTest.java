package org.lorapipe.tuning.memory;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.lorapipe.contract.dataset.TokenizedSequence;
import org.lorapipe.contract.request.OptimizerType;
import org.lorapipe.contract.request.QuantizationSpec;
import org.lorapipe.contract.request.QuantizationType;
import org.lorapipe.contract.request.TrainingSpec;
import org.lorapipe.model.DjlRuntime;
import org.lorapipe.model.LlamaConfig;
import org.lorapipe.model.LlamaModel;
import org.lorapipe.model.NativeHeap;
import org.lorapipe.tuning.Fixtures;
import org.lorapipe.tuning.lora.LoraAdapters;
import org.lorapipe.tuning.lora.LoraPlan;
import org.lorapipe.tuning.train.MemoryProbe;
import org.lorapipe.tuning.train.Trainer;
import org.lorapipe.tuning.train.TrainingListener;

/**
 * The estimate against a real run on this engine: a small model whose step memory (activations,
 * logits) is well above the noise of a test JVM, trained a few steps in this process. What the run adds
 * to the process (its peak RSS less its RSS at the start) must be what the estimate adds to its
 * baseline, within a loose bound: the estimate is calibrated on fresh benchmark processes, a test JVM
 * has run other tests before (its heaps hold what they left), so this catches a term off by a factor,
 * not a few percent.
 */
class MemoryEstimateMeasuredTest {

    @Test
    void aTinyRunGrowsByAboutWhatTheEstimateAddsToItsBaseline() {
        // D 128, 4 layers, 4 heads over 2, V 2000, tied; 8 sequences of 256 tokens: ~110 MiB of activations
        LlamaConfig config = LlamaConfig.llama(128, 344, 4, 4, 2, 2000, 512, true);
        TrainingSpec spec = Fixtures.training(OptimizerType.ADAMW, 1e-3, 8, 1, 1, 8, 0);
        List<TokenizedSequence> data = Fixtures.sequences(64, 256, 256, config.vocabSize(), 5);
        RunShape shape = new RunShape(
                config,
                Fixtures.lora(8, 16, 0.05, List.of("q_proj", "v_proj")),
                new QuantizationSpec(QuantizationType.NONE, false, 64),
                spec,
                256,
                false,
                false,
                0,
                0);
        DjlRuntime.engine(); // libtorch is part of the baseline, not of the run
        System.gc();
        NativeHeap.trim(); // what earlier tests freed goes back, so this run's growth is its own
        MemoryProbe.resetPeak();
        long start = MemoryProbe.read().rssBytes();
        MemoryEstimate estimate = new MemoryEstimator().withBaseline(start).estimate(shape);
        try (LlamaModel model = Fixtures.model(config, 1);
                LoraAdapters adapters = LoraAdapters.attach(model, LoraPlan.resolve(shape.lora(), model.linears()), 1);
                Trainer trainer = Trainer.forAdapters(adapters, spec)) {
            trainer.train(data, TrainingListener.NONE);
        }
        long peak = MemoryProbe.read().peakRssBytes();
        double measured = peak - start;
        double predicted = estimate.total() - start;
        System.out.printf(
                "estimate %s above a baseline of %s, measured %s (%.2fx); %s%n",
                ByteSize.of((long) predicted),
                ByteSize.of(start),
                ByteSize.of((long) measured),
                measured / predicted,
                estimate.asMap());
        assertThat(estimate.activations() + estimate.logits()).isGreaterThan(100L << 20);
        assertThat(measured / predicted).isBetween(0.6, 1.5);
    }
}
