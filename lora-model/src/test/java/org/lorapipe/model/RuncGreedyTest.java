package org.lorapipe.model;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import org.junit.jupiter.api.Test;
import org.lorapipe.model.generate.Generation;
import org.lorapipe.model.generate.GenerationConfig;
import org.lorapipe.testkit.TestData;

class RuncGreedyTest {

    @Test
    void llama2cPathReproducesRuncGreedyOutput() throws Exception {
        String expected = Files.readString(TestData.file("models/stories260K/greedy_t0_n256_runc.txt"));
        try (Generation g = Generation.fromLlama2c(
                TestData.file("models/stories260K/stories260K.bin"), TestData.file("models/stories260K/tok512.bin"))) {
            String text = g.generate("", GenerationConfig.greedy(256)).text();
            assertThat(text + "\n").isEqualTo(expected);
        }
    }
}
