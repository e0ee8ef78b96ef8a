package org.lorapipe.tuning.lora;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import org.junit.jupiter.api.Test;
import org.lorapipe.model.DjlRuntime;

class DropoutTest {

    @Test
    void masksAreInvertedDropoutKeyedByMicroBatchAndModule() {
        DjlRuntime.inferenceMode();
        try (NDManager m = DjlRuntime.newManager(DjlRuntime.defaultDevice())) {
            NDArray x = m.ones(new Shape(4, 50, 100)); // 20,000 elements
            Dropout d = new Dropout(0.25);
            assertThat(d.apply(x, 0).toFloatArray()).as("inactive: identity").containsOnly(1f);

            d.enable(7);
            float[] a = d.apply(x, 0).toFloatArray();
            float[] again = d.apply(x, 0).toFloatArray();
            float[] other = d.apply(x, 1).toFloatArray();
            float[] small = d.apply(m.ones(new Shape(3)), 0).toFloatArray(); // reuses the staging memory
            float[] third = d.apply(x, 0).toFloatArray();

            assertThat(a).containsOnly(0f, 1f / 0.75f);
            long dropped = count(a, 0f);
            assertThat(dropped).isBetween(4_600L, 5_400L); // 25% of 20,000, within ~6 sigma
            assertThat(again).containsExactly(a);
            assertThat(third).as("after a smaller mask").containsExactly(a);
            assertThat(other).isNotEqualTo(a);
            assertThat(small).hasSize(3).containsAnyOf(0f, 1f / 0.75f);
            d.disable();
        }
    }

    private static long count(float[] v, float x) {
        long n = 0;
        for (float f : v) {
            n += f == x ? 1 : 0;
        }
        return n;
    }
}
