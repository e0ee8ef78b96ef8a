package org.lorapipe.merging.domain;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.nio.FloatBuffer;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.lorapipe.model.DjlRuntime;
import org.lorapipe.model.testing.ModelFixtures;
import org.lorapipe.tuning.peft.LowRankDelta;

class MergedRangeTest {

    @Test
    void anySplitOfTheElementRangeGivesTheSameMergedValues() {
        int out = 7;
        int in = 5;
        int r = 2;
        Random rnd = new Random(1);
        float[] w = new float[out * in];
        float[] a = new float[r * in];
        float[] b = new float[out * r];
        for (float[] x : new float[][] {w, a, b}) {
            for (int i = 0; i < x.length; i++) {
                x[i] = (float) rnd.nextGaussian();
            }
        }
        float[] expected = Fixtures.expectedMerge(w, new Fixtures.Lora("m", r, in, out, a, b), 1.5);
        try (NDManager m = DjlRuntime.newManager(Device.cpu())) {
            NDArray weight = m.create(w).reshape(out, in);
            for (long maxRows : new long[] {1, 2, 3, 100}) {
                for (int trial = 0; trial < 20; trial++) {
                    float[] got = new float[w.length];
                    FloatBuffer buf = FloatBuffer.wrap(got);
                    // split [0, 35) into random pieces, as the writer's chunks may fall mid-row
                    for (int pos = 0; pos < w.length; ) {
                        int n = Math.min(w.length - pos, 1 + rnd.nextInt(12));
                        LowRankDelta delta = new LowRankDelta(a, b, r, in, 1.5);
                        Merger.mergedRange(weight, delta, in, maxRows, pos, n, buf);
                        pos += n;
                    }
                    assertThat(ModelFixtures.maxAbsDiff(got, expected)).isLessThan(1e-6f);
                }
            }
        }
    }
}
