package org.lorapipe.tuning.nf4;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.lorapipe.contract.request.QuantizationSpec;
import org.lorapipe.contract.request.QuantizationType;
import org.lorapipe.model.DjlRuntime;
import org.lorapipe.model.LlamaModel;
import org.lorapipe.model.testing.ModelFixtures;
import org.lorapipe.tuning.Fixtures;
import org.lorapipe.tuning.train.ModelMemory;

class Nf4Test {

    @Test
    void everyCodeTimesAbsmaxQuantizesToItself() {
        for (float absmax : new float[] {1f, 0.02f, 3.7f}) {
            float[] w = new float[64];
            for (int i = 0; i < 16; i++) {
                w[i] = Nf4.CODE[i] * absmax;
            }
            w[16] = absmax; // the block's absmax is exactly absmax
            Nf4Tensor t = Nf4.quantize(w, new long[] {64}, 64, false);
            float[] back = Nf4.dequantize(t);
            for (int i = 0; i < 16; i++) {
                int b = t.packed()[i / 2] & 0xff;
                int q = i % 2 == 0 ? b >>> 4 : b & 15;
                assertThat(q).as("code %d at absmax %s", i, absmax).isEqualTo(i);
                assertThat(back[i]).isEqualTo(Nf4.CODE[i] * absmax);
            }
        }
    }

    @Test
    void roundsToTheNearestCode() {
        for (int i = 0; i < 15; i++) {
            float mid = Nf4.MID[i];
            assertThat((double) mid)
                    .isCloseTo(((double) Nf4.CODE[i] + Nf4.CODE[i + 1]) / 2, org.assertj.core.data.Offset.offset(1e-7));
            assertThat(Nf4.index(Math.nextDown(mid))).isEqualTo(i);
            assertThat(Nf4.index(Math.nextUp(mid))).isEqualTo(i + 1);
            assertThat(Nf4.index(mid)).isEqualTo(i); // bnb: upper code only when x > midpoint
        }
        assertThat(Nf4.MID[7]).isEqualTo(0.03979014977812767f); // bnb dQuantizeNF4's first threshold
        assertThat(Nf4.MID[14]).isEqualTo(0.8614784181118011f);
    }

    @Test
    void firstElementGoesInTheHighNibble() {
        float[] w = new float[64];
        w[0] = 1f; // code 15
        w[1] = -1f; // code 0
        Nf4Tensor t = Nf4.quantize(w, new long[] {64}, 64, false);
        assertThat(t.packed()[0]).isEqualTo((byte) 0xF0);
        assertThat(Nf4.highNibble(t.packed()[0])).isEqualTo(15);
        assertThat(Nf4.lowNibble(t.packed()[0])).isEqualTo(0);
        assertThat(t.packed()[1]).isEqualTo((byte) 0x77); // zeros are code 7
    }

    @Test
    void handComputedTwoBlockExample() {
        float[] w = new float[128];
        w[0] = 0.5f; // /1.0 -> between 0.4407 (12) and 0.5626 (13), midpoint 0.5017: 12
        w[1] = -1.0f; // 0
        w[2] = 0.3f; // between 0.2461 (10) and 0.3379 (11), midpoint 0.2920: 11
        w[64] = 2.0f; // block absmax 2: 1.0 -> 15
        w[65] = -0.2f; // -0.1: between -0.1848 (5) and -0.0911 (6), midpoint -0.1379: 6
        w[66] = 1.0f; // 0.5 -> 12
        Nf4Tensor t = Nf4.quantize(w, new long[] {2, 64}, 64, false);
        assertThat(t.scales().plain()).containsExactly(1.0f, 2.0f);
        assertThat(t.packed()).hasSize(64);
        assertThat(t.packed()[0]).isEqualTo((byte) 0xC0);
        assertThat(t.packed()[1]).isEqualTo((byte) 0xB7);
        assertThat(t.packed()[2]).isEqualTo((byte) 0x77);
        assertThat(t.packed()[32]).isEqualTo((byte) 0xF6);
        assertThat(t.packed()[33]).isEqualTo((byte) 0xC7);
        float[] back = Nf4.dequantize(t);
        assertThat(back[0]).isEqualTo(0.44070982933044434f);
        assertThat(back[2]).isEqualTo(0.33791524171829224f);
        assertThat(back[65]).isEqualTo(-0.09105003625154495f * 2f);
        assertThat(back[66]).isEqualTo(0.44070982933044434f * 2f);
        assertThat(back[3]).isEqualTo(0f);
        assertThat(t.bytes()).isEqualTo(64 + 8);
    }

    @Test
    void roundTripErrorIsBoundedByHalfTheWidestGap() {
        float[] w = gaussian(64 * 300 + 10, 0.02, 3); // a partial last block too
        Nf4Tensor t = Nf4.quantize(w, new long[] {w.length}, 64, false);
        float[] back = Nf4.dequantize(t);
        float[] absmax = t.scales().plain();
        for (int i = 0; i < w.length; i++) {
            double bound = Nf4.HALF_MAX_GAP * absmax[i / 64] * (1 + 1e-6);
            assertThat((double) Math.abs(w[i] - back[i])).isLessThanOrEqualTo(bound);
        }
        assertThat(Nf4.HALF_MAX_GAP).isCloseTo((1 - 0.6961928009986877) / 2, org.assertj.core.data.Offset.offset(1e-7));
    }

    @Test
    void doubleQuantStaysUnder46BitsAndCloseToThePlainScales() {
        float[] w = gaussian(768 * 768, 0.02, 4);
        Nf4Tensor plain = Nf4.quantize(w, new long[] {768, 768}, 64, false);
        Nf4Tensor nested = Nf4.quantize(w, new long[] {768, 768}, 64, true);
        assertThat(plain.bitsPerParameter()).isEqualTo(4.5);
        assertThat(nested.bitsPerParameter())
                .isLessThanOrEqualTo(4.6)
                .isCloseTo(4.127, org.assertj.core.data.Offset.offset(0.01));
        float[] a = plain.scales().absmax();
        float[] b = nested.scales().absmax();
        for (int i = 0; i < a.length; i++) {
            assertThat(Math.abs(a[i] - b[i])).isLessThan(a[i] * 0.02f);
        }
        assertThat(DynamicMap.CODE).hasSize(256).contains(0f, 1f);
        assertThat(DynamicMap.CODE[0]).isCloseTo(-0.99297f, org.assertj.core.data.Offset.offset(1e-5f));
        for (int i = 1; i < 256; i++) {
            assertThat(DynamicMap.CODE[i]).isGreaterThan(DynamicMap.CODE[i - 1]);
        }
    }

    @Test
    void ndArrayDequantizationEqualsTheHeapReference() {
        try (NDManager m = DjlRuntime.newManager(Device.cpu())) {
            for (boolean dq : new boolean[] {false, true}) {
                float[] w = gaussian(48 * 40, 0.05, 5);
                Nf4Tensor t = Nf4.quantize(w, new long[] {48, 40}, 64, dq);
                Nf4Linear lin = new Nf4Linear(t, null, m);
                try (NDManager scope = m.newSubManager()) {
                    NDArray nd = lin.dequantize(scope);
                    assertThat(nd.getShape().getShape()).containsExactly(48, 40);
                    assertThat(ModelFixtures.maxAbsDiff(nd.toFloatArray(), Nf4.dequantize(t)))
                            .isLessThanOrEqualTo(1e-7f);
                }
            }
            float[] odd = gaussian(21, 1, 6); // 21 values: one partial block, a padded nibble
            Nf4Tensor t = Nf4.quantize(odd, new long[] {3, 7}, 64, false);
            assertThat(t.packed()).hasSize(11);
            try (NDManager scope = m.newSubManager()) {
                NDArray nd = new Nf4Linear(t, null, m).dequantize(scope);
                assertThat(nd.toFloatArray()).containsExactly(Nf4.dequantize(t));
            }
        }
    }

    @Test
    void quantizedModelHoldsOnlyCodesAndScales() {
        QuantizationSpec spec = new QuantizationSpec(QuantizationType.NF4, true, 64);
        try (LlamaModel fp32 = Fixtures.model(Fixtures.tiny(), 9);
                LlamaModel q = QuantizedModels.random(Fixtures.tiny(), 9, spec, Device.cpu());
                NDManager m = fp32.manager().newSubManager();
                NDManager m2 = q.manager().newSubManager()) {
            assertThat(q.linears().get("model.layers.0.mlp.up_proj")).isInstanceOf(Nf4Linear.class);
            assertThat(q.linears().get("lm_head")).isNotInstanceOf(Nf4Linear.class);
            long linearParams = 2L * (32 * 32 * 2 + 16 * 32 * 2 + 48 * 32 * 3);
            long fp32Bytes = ModelMemory.weightBytes(fp32);
            long qBytes = ModelMemory.weightBytes(q);
            double bits = (qBytes - (fp32Bytes - linearParams * 4)) * 8.0 / linearParams;
            assertThat(bits).isLessThanOrEqualTo(4.6);
            long[] ids = {1, 4, 9, 16, 25, 36, 49, 3};
            float[] a = fp32.forward(m.create(ids).reshape(1, 8), null, null).toFloatArray();
            float[] b = q.forward(m2.create(ids).reshape(1, 8), null, null).toFloatArray();
            // same seed, same weights before quantization: logits agree to NF4 precision
            assertThat(ModelFixtures.maxAbsDiff(a, b)).isLessThan(0.05f).isGreaterThan(0f);
        }
    }

    static float[] gaussian(int n, double std, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        float[] w = new float[n];
        for (int i = 0; i < n; i++) {
            w[i] = (float) (r.nextGaussian() * std);
        }
        return w;
    }
}
