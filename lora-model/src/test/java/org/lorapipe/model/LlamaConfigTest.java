package org.lorapipe.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LlamaConfigTest {

    @TempDir
    Path tmp;

    private Path write(String json) throws IOException {
        Path p = tmp.resolve("config.json");
        Files.writeString(p, json);
        return p;
    }

    @Test
    void roundTripsThroughConfigJson() throws IOException {
        LlamaConfig c = new LlamaConfig(
                LlamaConfig.QWEN2,
                64,
                128,
                2,
                8,
                2,
                8,
                1e-6,
                1e6,
                100,
                true,
                256,
                5,
                6,
                false,
                true,
                false,
                "bfloat16",
                null,
                0,
                "silu",
                0,
                0,
                8,
                1.0);
        c.write(tmp.resolve("config.json"));
        assertThat(LlamaConfig.read(tmp.resolve("config.json"))).isEqualTo(c);
    }

    @Test
    void appliesHuggingFaceDefaults() throws IOException {
        LlamaConfig c = LlamaConfig.read(write("{\"architectures\":[\"LlamaForCausalLM\"],\"hidden_size\":32,"
                + "\"intermediate_size\":64,\"num_hidden_layers\":1,\"num_attention_heads\":4,\"vocab_size\":10}"));
        assertThat(c.numKeyValueHeads()).isEqualTo(4);
        assertThat(c.headDim()).isEqualTo(8);
        assertThat(c.rmsNormEps()).isEqualTo(1e-6);
        assertThat(c.ropeTheta()).isEqualTo(10000.0);
        assertThat(c.tieWordEmbeddings()).isFalse();
    }

    @Test
    void reportsEveryMissingRequiredField() throws IOException {
        Path p = write("{\"architectures\":[\"LlamaForCausalLM\"],\"hidden_size\":32}");
        assertThatThrownBy(() -> LlamaConfig.read(p))
                .isInstanceOf(ModelFormatException.class)
                .hasMessageContaining(p.toString())
                .hasMessageContaining("intermediate_size, num_hidden_layers, num_attention_heads, vocab_size");
    }

    @Test
    void refusesUnknownArchitecturesUnsupportedRopeScalingAndBadJson() throws IOException {
        assertThatThrownBy(() -> LlamaConfig.read(write("{\"architectures\":[\"MambaForCausalLM\"]}")))
                .hasMessageContaining("architecture MambaForCausalLM is not supported (supported: LlamaForCausalLM,");
        assertThatThrownBy(() -> LlamaConfig.read(write("{\"model_type\":\"llama\",\"hidden_size\":32,"
                        + "\"intermediate_size\":64,\"num_hidden_layers\":1,\"num_attention_heads\":4,\"vocab_size\":10,"
                        + "\"rope_scaling\":{\"rope_type\":\"llama3\"}}")))
                .hasMessageContaining("rope_scaling");
        assertThatThrownBy(() -> LlamaConfig.read(write("{oops")))
                .isInstanceOf(ModelFormatException.class)
                .hasMessageContaining("not valid JSON");
        assertThatThrownBy(() -> LlamaConfig.read(tmp.resolve("absent/config.json")))
                .isInstanceOf(ModelFormatException.class)
                .hasMessageContaining("config.json not found");
    }

    @Test
    void countsParameters() {
        assertThat(LlamaConfig.llama(64, 172, 5, 8, 4, 512, 512, true).parameterCount())
                .isEqualTo(260_032);
    }
}
