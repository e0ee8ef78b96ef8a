package org.lorapipe.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.lorapipe.model.testing.ModelFixtures;

/**
 * rope_scaling as transformers computes it (src/transformers/modeling_rope_utils.py:
 * _compute_linear_scaling_rope_parameters, _compute_dynamic_ntk_parameters, _compute_yarn_parameters,
 * _compute_llama3_parameters). The expected values were worked out from those formulas by hand (in
 * double, from run.c's float base frequencies) for the configs named in each test.
 */
class RopeScalingTest {

    @TempDir
    Path tmp;

    private static double[] freqs(RotaryEmbedding r, int seqLen) {
        return r.frequencies(seqLen);
    }

    private static LlamaConfig withScaling(LlamaConfig c, String ropeScalingJson) throws Exception {
        return withScaling(c, c.ropeTheta(), ropeScalingJson);
    }

    private static LlamaConfig withScaling(LlamaConfig c, double theta, String ropeScalingJson) throws Exception {
        ObjectNode n = c.toJson();
        n.put("rope_theta", theta);
        n.set("rope_scaling", new ObjectMapper().readTree(ropeScalingJson));
        return LlamaConfig.fromJson(n, "test config");
    }

    @Test
    void llama3OfLlama31KeepsHighFrequenciesDividesLowOnesAndBlendsBetween() throws Exception {
        // Llama 3.1 8B: head_dim 128, rope_theta 500000, factor 8, low 1, high 4, original context 8192
        LlamaConfig c = withScaling(
                LlamaConfig.llama(256, 64, 1, 2, 2, 32, 131072, false),
                500000.0,
                "{\"rope_type\": \"llama3\", \"factor\": 8.0, \"low_freq_factor\": 1.0, \"high_freq_factor\": 4.0,"
                        + " \"original_max_position_embeddings\": 8192}");
        try (NDManager m = NDManager.newBaseManager(Device.cpu())) {
            double[] f = freqs(new RotaryEmbedding(m, c), 1);
            assertThat(f[0]).isEqualTo(1.0); // wavelength 2 pi < 2048: kept
            assertThat(f[20]).isCloseTo(0.016560440883040428, within(1e-12)); // kept
            assertThat(f[34]).isCloseTo(1.7850780240757209e-4, within(1e-12)); // blended, s = 0.0746
            assertThat(f[40]).isCloseTo(3.428102354519069e-5, within(1e-13)); // wavelength > 8192: / 8
            assertThat(f[63]).isCloseTo(3.068925877869333e-7, within(1e-15));
        }
    }

    @Test
    void linearDividesEveryFrequencySoPositionPSeesWhatPlainRopeGivesPOverFactor() throws Exception {
        LlamaConfig plain = LlamaConfig.llama(32, 48, 1, 4, 2, 50, 64, false);
        LlamaConfig linear = withScaling(plain, "{\"type\": \"linear\", \"factor\": 2.0}");
        try (NDManager m = NDManager.newBaseManager(Device.cpu())) {
            NDList scaled = new RotaryEmbedding(m, linear)
                    .cosSin(m.create(new float[] {0, 2, 4, 6}).reshape(1, 4));
            NDList half = new RotaryEmbedding(m, plain)
                    .cosSin(m.create(new float[] {0, 1, 2, 3}).reshape(1, 4));
            assertThat(ModelFixtures.maxAbsDiff(scaled.get(0), half.get(0))).isLessThan(1e-6f);
            assertThat(ModelFixtures.maxAbsDiff(scaled.get(1), half.get(1))).isLessThan(1e-6f);
        }
    }

    @Test
    void dynamicChangesNothingWithinTheTrainedContextAndRaisesThetaBeyondIt() throws Exception {
        // head_dim 64, theta 10000, factor 2, max_position_embeddings 4096
        LlamaConfig c = withScaling(
                LlamaConfig.llama(256, 64, 1, 4, 4, 32, 4096, false), "{\"rope_type\": \"dynamic\", \"factor\": 2.0}");
        try (NDManager m = NDManager.newBaseManager(Device.cpu())) {
            RotaryEmbedding r = new RotaryEmbedding(m, c);
            RotaryEmbedding plain = new RotaryEmbedding(m, 64, 10000.0);
            assertThat(freqs(r, 4096)).containsExactly(freqs(plain, 4096));
            // at 8192: theta' = 10000 (2 * 8192 / 4096 - 1)^(64/62) = 31082.24
            double[] f = freqs(r, 8192);
            assertThat(f[5]).isCloseTo(0.19863005319821675, within(1e-9));
            assertThat(f[31]).isCloseTo(4.445071440544414e-5, within(1e-11));
            NDArray longPositions = m.arange(0f, 8192f).reshape(1, 8192);
            NDArray shortPositions = m.arange(0f, 16f).reshape(1, 16);
            assertThat(ModelFixtures.maxAbsDiff(
                            r.cosSin(shortPositions).get(1),
                            plain.cosSin(shortPositions).get(1)))
                    .isZero();
            assertThat(ModelFixtures.maxAbsDiff(
                            r.cosSin(longPositions).get(1),
                            plain.cosSin(longPositions).get(1)))
                    .as("beyond the trained context the angles change")
                    .isGreaterThan(0.1f);
        }
    }

    @Test
    void yarnRampsBetweenTheCorrectionDimensionsAndScalesCosAndSin() throws Exception {
        // head_dim 64, theta 10000, factor 4, context 4096: correction range [10, 23]
        LlamaConfig c = withScaling(
                LlamaConfig.llama(256, 64, 1, 4, 4, 32, 4096, false), "{\"rope_type\": \"yarn\", \"factor\": 4.0}");
        try (NDManager m = NDManager.newBaseManager(Device.cpu())) {
            RotaryEmbedding r = new RotaryEmbedding(m, c);
            double[] f = freqs(r, 1);
            assertThat(f[0]).isEqualTo(1.0);
            assertThat(f[10]).isCloseTo(0.05623412877321243, within(1e-12)); // ramp 0: unscaled
            assertThat(f[16]).isCloseTo(0.006538461392315534, within(1e-12)); // ramp 6/13
            assertThat(f[23]).isCloseTo(3.3338036155328155e-4, within(1e-13)); // ramp 1: / factor
            assertThat(f[31]).isCloseTo(3.333803761051968e-5, within(1e-14));
            NDList cs = r.cosSin(m.zeros(new ai.djl.ndarray.types.Shape(1, 1)));
            // at position 0 cos = 1: what remains is the attention factor 0.1 ln 4 + 1
            assertThat(cs.get(0).toFloatArray()[0]).isCloseTo(1.138629436f, within(1e-6f));
        }
    }

    @Test
    void everyTypeSurvivesConfigJsonAndOthersAreRefusedWithTheList() throws Exception {
        LlamaConfig base = LlamaConfig.llama(32, 48, 1, 4, 2, 50, 64, false);
        for (String scaling : new String[] {
            "{\"rope_type\": \"llama3\", \"factor\": 8.0, \"low_freq_factor\": 1.0, \"high_freq_factor\": 4.0,"
                    + " \"original_max_position_embeddings\": 16}",
            "{\"rope_type\": \"linear\", \"factor\": 2.0}",
            "{\"rope_type\": \"dynamic\", \"factor\": 3.0}",
            "{\"rope_type\": \"yarn\", \"factor\": 4.0, \"original_max_position_embeddings\": 32, \"beta_fast\": 16.0}",
            "{\"type\": \"longrope\", \"short_factor\": [1.0, 1.1, 1.3, 2.0], \"long_factor\": [1.0, 2.0, 6.0, 20.0],"
                    + " \"original_max_position_embeddings\": 16}"
        }) {
            LlamaConfig c = withScaling(base, scaling);
            Path f = Files.createDirectories(tmp.resolve(c.ropeScaling().type().name()))
                    .resolve("config.json");
            c.write(f);
            assertThat(LlamaConfig.read(f)).as(scaling).isEqualTo(c);
        }
        assertThatThrownBy(() -> withScaling(base, "{\"rope_type\": \"mrope\", \"factor\": 2.0}"))
                .isInstanceOf(ModelFormatException.class)
                .hasMessageContaining("rope_scaling type 'mrope' is not supported")
                .hasMessageContaining("supported: linear, dynamic, yarn, llama3, longrope");
        assertThatThrownBy(() -> withScaling(
                        base,
                        "{\"type\": \"longrope\", \"short_factor\": [1.0],"
                                + " \"long_factor\": [1.0, 2.0, 3.0, -4.0], \"original_max_position_embeddings\": 16}"))
                .hasMessageContaining("short_factor must be a list of head_dim / 2 = 4 numbers, got 1 entries")
                .hasMessageContaining("long_factor must hold positive numbers, got -4.0");
        assertThatThrownBy(() -> withScaling(base, "{\"rope_type\": \"llama3\", \"factor\": 0.5}"))
                .hasMessageContaining("rope_scaling.factor must be a number >= 1")
                .hasMessageContaining("original_max_position_embeddings > 0")
                .hasMessageContaining("0 < low_freq_factor < high_freq_factor");
    }

    @Test
    void longRopeDividesByTheShortFactorsUpToTheOriginalContextAndByTheLongOnesBeyond() throws Exception {
        // head_dim 8, theta 10000: f = 1, 0.1, 0.01, 0.001; 16 of 64 positions trained: factor 4, so cos and sin
        // scale by sqrt(1 + ln 4 / ln 16) = sqrt(1.5)
        LlamaConfig c = withScaling(
                LlamaConfig.llama(32, 48, 1, 4, 2, 50, 64, false),
                "{\"type\": \"longrope\", \"short_factor\": [1.0, 1.25, 2.0, 4.0], \"long_factor\": [1.0, 2.5, 8.0,"
                        + " 40.0], \"original_max_position_embeddings\": 16}");
        assertThat(c.ropeScaling().factor()).isEqualTo(4.0);
        try (NDManager m = NDManager.newBaseManager(Device.cpu())) {
            RotaryEmbedding r = new RotaryEmbedding(m, c);
            assertThat(freqs(r, 16)).containsExactly(new double[] {1.0, 0.08, 0.005, 2.5e-4}, within(1e-7));
            assertThat(freqs(r, 17)).containsExactly(new double[] {1.0, 0.04, 0.00125, 2.5e-5}, within(1e-8));
            NDList cs = r.cosSin(m.zeros(new ai.djl.ndarray.types.Shape(1, 1)));
            assertThat(cs.get(0).toFloatArray()[0]).isCloseTo((float) Math.sqrt(1.5), within(1e-6f));
            // an input past the original context rotates by the long factors: position 16 of a 17-long input
            float[] at16 = r.cosSin(m.arange(0f, 17f).reshape(1, 17)).get(1).toFloatArray(); // sin [1,1,17,8]
            assertThat(at16[16 * 8 + 1]).isCloseTo((float) (Math.sin(16 * 0.04) * Math.sqrt(1.5)), within(1e-5f));
        }
    }

    @Test
    void aScaledModelRotatesWithItsScaling() throws Exception {
        LlamaConfig plain = TinyModels.gqa();
        LlamaConfig scaled = withScaling(
                plain,
                "{\"rope_type\": \"llama3\", \"factor\": 8.0, \"low_freq_factor\": 1.0, \"high_freq_factor\": 4.0,"
                        + " \"original_max_position_embeddings\": 16}");
        try (LlamaModel a = TinyModels.random(plain, 7);
                LlamaModel b = TinyModels.random(scaled, 7);
                NDManager m = NDManager.newBaseManager(Device.cpu())) {
            int[] ids = {1, 5, 9, 14, 3, 7, 22, 40};
            NDArray la = a.forward(TinyModels.ids(m, ids), null, null); // [1, T, V]
            NDArray lb = b.forward(TinyModels.ids(m, ids), null, null); // [1, T, V]
            assertThat(ModelFixtures.maxAbsDiff(la, lb))
                    .as("the scaling reaches the attention")
                    .isGreaterThan(1e-4f);
            assertThat(ModelFixtures.maxAbsDiff(la.get("0, 0"), lb.get("0, 0")))
                    .as("position 0 does not rotate")
                    .isLessThan(1e-6f);
        }
    }
}
