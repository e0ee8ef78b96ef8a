package org.lorapipe.tuning.nf4;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The signed 8-bit dynamic-exponent code of bitsandbytes ({@code create_dynamic_map(signed=True,
 * max_exponent_bits=7, total_bits=8)}), the code bnb's nested (double) quantization of the NF4 absmax
 * values uses. For exponent e = 0..6 it holds 2^e evenly spaced fractions between 0.1 and 1 (midpoints
 * of {@code linspace(0.1, 1, 2^e + 1)}) times 10^(e - 6), with both signs, plus 0 and 1: 256 values,
 * sorted. It spends its resolution near zero, where the mean-centred absmax values cluster.
 *
 * <p>Computed in float32 as torch does (torch.linspace's two-sided formula, float mean, float product);
 * a value may differ from torch's by at most one ulp, which changes a rounding only on exact ties.
 */
public final class DynamicMap {

    /** The 256 code values, ascending. */
    public static final float[] CODE = build();

    private DynamicMap() {}

    private static float[] build() {
        List<Float> data = new ArrayList<>();
        int maxExp = 7;
        int nonSignBits = 7;
        for (int i = 0; i < maxExp; i++) {
            int items = (1 << (i + nonSignBits - maxExp)) + 1;
            float[] bounds = linspace(0.1f, 1f, items);
            float scale = (float) Math.pow(10, -(maxExp - 1) + i);
            for (int j = 0; j + 1 < bounds.length; j++) {
                float mean = (bounds[j] + bounds[j + 1]) / 2f;
                data.add(scale * mean);
                data.add(-(scale * mean));
            }
        }
        data.add(0f);
        data.add(1f);
        if (data.size() != 256) {
            throw new IllegalStateException("dynamic map has " + data.size() + " values");
        }
        float[] out = new float[256];
        for (int i = 0; i < 256; i++) {
            out[i] = data.get(i);
        }
        Arrays.sort(out);
        return out;
    }

    /** torch.linspace on CPU for float: start + step * i for the first half, end - step * (n - 1 - i) after. */
    static float[] linspace(float start, float end, int steps) {
        float[] out = new float[steps];
        if (steps == 1) {
            out[0] = start;
            return out;
        }
        float step = (end - start) / (steps - 1);
        int half = steps / 2;
        for (int i = 0; i < steps; i++) {
            out[i] = i < half ? start + step * i : end - step * (steps - 1 - i);
        }
        return out;
    }

    /** Index of the code nearest to {@code x} in [-1, 1] (ties to the lower index). */
    public static int nearest(float x) {
        int lo = 0;
        int hi = 255;
        while (hi - lo > 1) {
            int mid = (lo + hi) >>> 1;
            if (CODE[mid] <= x) {
                lo = mid;
            } else {
                hi = mid;
            }
        }
        return Math.abs(x - CODE[lo]) <= Math.abs(CODE[hi] - x) ? lo : hi;
    }
}
