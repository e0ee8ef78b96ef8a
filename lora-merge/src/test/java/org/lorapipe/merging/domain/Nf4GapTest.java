package org.lorapipe.merging.domain;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Random;
import org.junit.jupiter.api.Test;
import org.lorapipe.tuning.nf4.Nf4;

/** The QLoRA gap quantizes exactly as the trainer held the base (lora-tuning's NF4). */
class Nf4GapTest {
    @Test
    void codeValuesTimesTheBlockMaximumSurviveTheRoundTrip() {
        float absmax = 0.75f;
        float[] block = new float[64];
        for (int i = 0; i < block.length; i++) {
            block[i] = Nf4.CODE[i % 16] * absmax;
        }
        float[] back = Nf4Gap.roundTrip(block, 64);
        for (int i = 0; i < block.length; i++) {
            assertThat(back[i]).as("element %d", i).isEqualTo(block[i], org.assertj.core.data.Offset.offset(1e-6f));
        }
    }

    @Test
    void errorStaysWithinHalfTheWidestCodeGap() {
        Random random = new Random(5);
        float[] w = new float[64 * 20];
        for (int i = 0; i < w.length; i++) {
            w[i] = (float) random.nextGaussian() * 0.02f;
        }
        float[] back = Nf4Gap.roundTrip(w, 64);
        for (int b = 0; b < w.length / 64; b++) {
            float absmax = 0;
            for (int i = b * 64; i < (b + 1) * 64; i++) {
                absmax = Math.max(absmax, Math.abs(w[i]));
            }
            for (int i = b * 64; i < (b + 1) * 64; i++) {
                assertThat((double) Math.abs(w[i] - back[i])).isLessThanOrEqualTo(Nf4.HALF_MAX_GAP * absmax + 1e-6);
            }
        }
    }
}
