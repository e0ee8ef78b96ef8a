package org.lorapipe.tuning.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;
import org.lorapipe.model.LlamaConfig;

class StepFlopsTest {

    private static final LlamaConfig C = BenchModel.SYNTHETIC_100M;

    @Test
    void fullFineTuningIsSixFlopsPerParameterPlusAttention() {
        int seq = 128;
        // every parameter but the (tied) embedding is read by a matmul; the tied head reads it once more
        double matmulParams = C.parameterCount() - 2.0 * C.numHiddenLayers() * C.hiddenSize() - C.hiddenSize();
        double attention = 3 * 4.0 * C.numHiddenLayers() * seq * C.hiddenSize();
        assertThat(StepFlops.perToken(C, seq, BenchConfig.FULL_FT))
                .isCloseTo(6 * matmulParams + attention, within(1e-6 * matmulParams));
    }

    @Test
    void loraSkipsTheBaseWeightGradientsAndCheckpointingAddsAForward() {
        double full = StepFlops.perToken(C, 128, BenchConfig.FULL_FT);
        double lora = StepFlops.perToken(C, 128, BenchConfig.LORA_QV);
        double ckpt = StepFlops.perToken(C, 128, BenchConfig.LORA_QV_CKPT);
        double all = StepFlops.perToken(C, 128, BenchConfig.LORA_ALL);
        assertThat(lora).isBetween(0.6 * full, 0.7 * full);
        assertThat(all).isGreaterThan(lora);
        assertThat(ckpt).isBetween(1.3 * lora, 1.5 * lora);
    }
}
