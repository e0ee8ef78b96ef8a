package org.lorapipe.merge.domain;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class Nf4Test {

    @TempDir
    Path tmp;

    @Test
    void valuesGoToTheNearestCodeTiesDownAsBitsandbytes() {
        assertThat(Nf4.code(1f)).isEqualTo(15);
        assertThat(Nf4.code(-1f)).isEqualTo(0);
        assertThat(Nf4.code(0f)).isEqualTo(7);
        assertThat(Nf4.code(0.04f)).isEqualTo(8); // just above the midpoint of 0 and 0.0796
        assertThat(Nf4.code(0.03979014977812767f)).isEqualTo(7); // on the midpoint: the lower code
        assertThat(Nf4.code(-0.045f)).isEqualTo(7);
        assertThat(Nf4.code(-0.046f)).isEqualTo(6);
        assertThat(Nf4.code(Float.NaN)).isEqualTo(0);
        for (int i = 0; i < 16; i++) {
            assertThat(Nf4.code(Nf4.CODE[i])).as("code %d", i).isEqualTo(i);
        }
    }

    @Test
    void blockwiseAbsmaxScalingAndRoundTrip() {
        // block 0: absmax 2 -> values / 2; block 1 (partial, 2 values): absmax 0.01; block 2: all zero
        float[] w = new float[64 + 64 + 3];
        w[0] = 2f;
        w[1] = -1f; // -0.5 -> nearest code -0.525 -> -1.0501...
        w[2] = 0.5f; // 0.25 -> 0.2461
        w[64] = -0.01f;
        w[65] = 0.005f; // 0.5 -> 0.4407 (0.5 is below the 0.5017 midpoint)
        Nf4.Quantized q = Nf4.quantize(w, 64);
        assertThat(q.absmax()).containsExactly(2f, 0.01f, 0f);
        float[] d = Nf4.dequantize(q);
        assertThat(d[0]).isEqualTo(2f);
        assertThat(d[1]).isEqualTo(-0.5250730514526367f * 2f);
        assertThat(d[2]).isEqualTo(0.2461123019456863f * 2f);
        assertThat(d[3]).isEqualTo(0f);
        assertThat(d[64]).isEqualTo(-0.01f);
        assertThat(d[65]).isEqualTo(0.44070982933044434f * 0.01f);
        assertThat(Math.abs(d[130])).isEqualTo(0f);

        Random r = new Random(3);
        float[] x = new float[64 * 50 + 17];
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) r.nextGaussian() * 0.02f;
        }
        Nf4.Quantized qx = Nf4.quantize(x, 64);
        float[] y = Nf4.dequantize(qx);
        for (int i = 0; i < x.length; i++) {
            float absmax = qx.absmax()[i / 64];
            // the widest gap between neighbouring codes is -0.6962 - (-1): error at most half of it
            assertThat(Math.abs(x[i] - y[i])).isLessThanOrEqualTo(0.1520f * absmax);
        }
        assertThat(Nf4.roundTrip(y, 64)).as("idempotent").isEqualTo(y);
    }

    @Test
    void gapBetweenFullPrecisionAndNf4BaseIsReportedPerTensorAndInLogits() throws IOException {
        Path base = Fixtures.base(tmp.resolve("base"), Fixtures.tiny(false), 21, 1L << 30);
        Path adapter = new Fixtures.AdapterBuilder(8, 16, 4)
                .module("model.layers.0.self_attn.q_proj", 8, 32, 32)
                .module("model.layers.1.mlp.up_proj", 8, 32, 48)
                .module("lm_head", 8, 32, 512)
                .write(tmp.resolve("adapter"));
        Nf4Gap.Report report = Nf4Gap.measure(base, adapter, Fixtures.sequences(2, 10, 512, 1), 64);
        assertThat(report.meanAbsWeightDiff())
                .containsOnlyKeys("model.layers.0.self_attn.q_proj.weight", "model.layers.1.mlp.up_proj.weight");
        // weights ~ N(0, 0.02): NF4 error is a few thousandths
        assertThat(report.meanAbsWeightDiff().values()).allMatch(v -> v > 1e-4 && v < 5e-3);
        assertThat(report.maxAbsLogitDiff()).isGreaterThan(0).isLessThan(1.0);
    }
}
