package org.lorapipe.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.lorapipe.contract.json.Json;

/** {@code lora eval} scores ARC locally and prints JSON; bad input is a usage error. */
class EvalCommandTest {
    @TempDir
    Path tmp;

    @Test
    void arcMetricsAsJson() throws Exception {
        Path model = tmp.resolve("stories260K");
        Path stories = Cli.stories();
        assertThat(Cli.run(
                                "import",
                                "--llama2c",
                                stories.resolve("stories260K.bin").toString(),
                                "--tokenizer",
                                stories.resolve("tok512.bin").toString(),
                                "--out",
                                model.toString())
                        .code())
                .isZero();
        Path arc = stories.getParent().getParent().resolve("eval/arc/ARC-Easy-Dev.jsonl");
        Cli.Run r = Cli.run(
                "eval", "--model", model.toString(), "--task", "arc", "--file", arc.toString(), "--limit", "20");
        assertThat(r.code()).as(r.err()).isZero();
        JsonNode json = Json.mapper().readTree(r.out());
        assertThat(json.path("n").asInt()).isEqualTo(20);
        assertThat(json.path("acc").asDouble()).isBetween(0.0, 1.0);
        assertThat(json.has("acc_norm")).isTrue();

        Cli.Run bad = Cli.run("eval", "--model", model.toString(), "--task", "bleu", "--file", arc.toString());
        assertThat(bad.code()).isEqualTo(2);
        assertThat(bad.err()).contains("--task must be arc or generation");
    }
}
