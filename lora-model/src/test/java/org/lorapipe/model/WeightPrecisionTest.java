package org.lorapipe.model;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import org.junit.jupiter.api.Test;
import org.lorapipe.model.io.DType;

/**
 * The half-precision rule, decided without a GPU (Device.gpu(0) is only a value here), and the CPU-side
 * parts of the GPU path: the fp16 conversion and the widening product in {@link Linear}.
 */
class WeightPrecisionTest {

    private static final Device GPU = Device.gpu(0);

    @Test
    void halfPrecisionCheckpointsKeepTheirProjectionsInFp16OnAGpuOnly() {
        assertThat(WeightPrecision.storage(GPU, DType.F16, true)).isEqualTo(DataType.FLOAT16);
        assertThat(WeightPrecision.storage(GPU, DType.BF16, true)).isEqualTo(DataType.FLOAT16);
        assertThat(WeightPrecision.storage(GPU, DType.F32, true)).isEqualTo(DataType.FLOAT32);
        // embeddings, norms, biases: fp32 everywhere
        assertThat(WeightPrecision.storage(GPU, DType.BF16, false)).isEqualTo(DataType.FLOAT32);
        // the CPU keeps today's fp32 whatever the checkpoint
        for (DType d : DType.values()) {
            assertThat(WeightPrecision.storage(Device.cpu(), d, true)).isEqualTo(DataType.FLOAT32);
        }
    }

    @Test
    void projectionsAreTheMatricesLinearMultipliesBy() {
        assertThat(WeightPrecision.isProjection("model.layers.0.self_attn.q_proj.weight"))
                .isTrue();
        assertThat(WeightPrecision.isProjection("model.layers.3.mlp.down_proj.weight"))
                .isTrue();
        assertThat(WeightPrecision.isProjection("lm_head.weight")).isTrue();
        assertThat(WeightPrecision.isProjection("model.layers.0.self_attn.q_proj.bias"))
                .isFalse();
        assertThat(WeightPrecision.isProjection("model.embed_tokens.weight")).isFalse();
        assertThat(WeightPrecision.isProjection("model.layers.0.input_layernorm.weight"))
                .isFalse();
    }

    @Test
    void bf16ValuesBeyondFp16RangeStayFp32AndTheRestConvertExactly() {
        try (NDManager m = DjlRuntime.newManager(Device.cpu())) {
            // bf16-representable values inside fp16's normal range: the conversion is exact
            float[] v = {0.5f, -1.5f, 0.0078125f, 65280f, -3.0517578e-5f, 0f};
            NDArray ok = m.create(v, new Shape(2, 3));
            NDArray kept = WeightPrecision.keep(ok, DType.BF16, DataType.FLOAT16);
            assertThat(kept.getDataType()).isEqualTo(DataType.FLOAT16);
            try (NDArray back = kept.toType(DataType.FLOAT32, true)) {
                assertThat(back.toFloatArray()).containsExactly(v);
            }
            NDArray big = m.create(new float[] {1f, 1.0e5f}, new Shape(1, 2));
            assertThat(WeightPrecision.keep(big, DType.BF16, DataType.FLOAT16)).isSameAs(big);
            NDArray f32 = m.create(new float[] {1f, 2f}, new Shape(1, 2));
            assertThat(WeightPrecision.keep(f32, DType.F32, DataType.FLOAT32)).isSameAs(f32);
        }
    }

    @Test
    void anFp16LinearComputesWhatItsFp32WideningDoes() {
        try (NDManager m = DjlRuntime.newManager(Device.cpu())) {
            NDArray w32 = m.randomNormal(0f, 0.02f, new Shape(6, 4), DataType.FLOAT32);
            NDArray w16 = w32.toType(DataType.FLOAT16, true);
            NDArray bias = m.create(new float[] {1, 2, 3, 4, 5, 6});
            NDArray x = m.randomNormal(new Shape(2, 3, 4)); // [B, T, in] fp32
            try (NDArray widened = w16.toType(DataType.FLOAT32, true);
                    NDArray expected = new Linear(widened, bias).forward(x);
                    NDArray actual = new Linear(w16, bias).forward(x)) {
                assertThat(actual.getDataType()).isEqualTo(DataType.FLOAT32);
                assertThat(actual.getShape()).isEqualTo(new Shape(2, 3, 6));
                assertThat(actual.toFloatArray()).containsExactly(expected.toFloatArray());
                assertThat(actual.getManager()).isSameAs(x.getManager());
            }
        }
    }
}
