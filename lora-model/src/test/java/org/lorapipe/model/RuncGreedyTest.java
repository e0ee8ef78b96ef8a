package org.lorapipe.model;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import org.junit.jupiter.api.Test;
import org.lorapipe.model.generate.Generation;
import org.lorapipe.model.generate.GenerationConfig;

class RuncGreedyTest {

    @Test
    void llama2cPathReproducesRuncGreedyOutput() throws Exception {
        String expected = Files.readString(TestData.stories().resolve("greedy_t0_n256_runc.txt"));
        try (Generation g = Generation.fromLlama2c(TestData.storiesBin(), TestData.tok512())) {
            String text = g.generate("", GenerationConfig.greedy(256)).text();
            assertThat(text + "\n").isEqualTo(expected);
        }
    }
}
