package org.lorapipe.model;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.io.IOException;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.lorapipe.model.io.DType;
import org.lorapipe.model.io.HfModelExporter;

/** Random models written as HF directories and loaded back: untied head, Qwen2 biases, 16-bit storage. */
class ExportRoundTripTest {

    @TempDir
    Path tmp;

    static LlamaConfig qwenish() {
        return new LlamaConfig(
                LlamaConfig.QWEN2,
                32,
                40,
                2,
                4,
                2,
                8,
                1e-6,
                1e6,
                60,
                false,
                64,
                1,
                2,
                false,
                true,
                false,
                "float32",
                null,
                0,
                "silu",
                0,
                0,
                8,
                1.0);
    }

    private static float diff(LlamaModel a, LlamaModel b) {
        try (NDManager m = a.manager().newSubManager()) {
            NDArray ids = m.create(new long[] {1, 5, 7, 9, 11, 13}).reshape(1, 6);
            return a.forward(ids, null, null)
                    .sub(b.forward(ids, null, null))
                    .abs()
                    .max()
                    .getFloat();
        }
    }

    @Test
    void fp32ExportIsExactWithBiasesAndUntiedHead() throws IOException {
        try (LlamaModel model = LlamaModel.random(qwenish(), 3, Device.cpu())) {
            assertThat(model.weights()).containsKeys("lm_head.weight", "model.layers.1.self_attn.k_proj.bias");
            assertThat(model.weights()).doesNotContainKey("model.layers.1.self_attn.o_proj.bias");
            Path dir = tmp.resolve("f32");
            HfModelExporter.write(model.config(), model.asTensorSource(), dir, HfModelExporter.Options.defaults());
            try (LlamaModel back = LlamaModel.load(dir, Device.cpu())) {
                assertThat(back.config()).isEqualTo(model.config());
                assertThat(diff(model, back)).isEqualTo(0f);
            }
        }
    }

    @Test
    void sixteenBitShardedExportsStayClose() throws IOException {
        try (LlamaModel model = LlamaModel.random(LlamaConfig.llama(32, 40, 2, 4, 4, 60, 64, true), 4, Device.cpu())) {
            for (DType dtype : new DType[] {DType.F16, DType.BF16}) {
                Path dir = tmp.resolve(dtype.name());
                HfModelExporter.write(
                        model.config(), model.asTensorSource(), dir, new HfModelExporter.Options(dtype, 4096));
                try (LlamaModel back = LlamaModel.load(dir, Device.cpu())) {
                    assertThat(back.config().torchDtype()).isEqualTo(dtype.torchName());
                    assertThat(diff(model, back)).isGreaterThan(0f).isLessThan(dtype == DType.F16 ? 1e-3f : 1e-2f);
                }
            }
        }
    }
}
