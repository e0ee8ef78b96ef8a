package org.lorapipe.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code lora submit} judges a request locally, with the services' parser, before sending anything. */
class SubmitCommandTest {
    @TempDir
    Path dir;

    @Test
    void invalidRequestIsRefusedWithEveryProblemAndNothingIsSent() throws Exception {
        Path file = Files.writeString(dir.resolve("bad.json"), "{\"requestId\":\"x\",\"lora\":{\"r\":0}}");
        StringWriter err = new StringWriter();
        CommandLine cli = LoraCommand.commandLine();
        cli.setErr(new PrintWriter(err));
        // an unreachable broker: were anything sent, the command would fail differently
        int code = cli.execute("submit", "--bootstrap-server", "127.0.0.1:1", file.toString());
        assertThat(code).isEqualTo(2);
        assertThat(err.toString())
                .contains("baseModel is required")
                .contains("dataset is required")
                .contains("lora.r must be a positive integer, got 0");
    }

    @Test
    void dryRunPrintsTheRequestWithEveryDefault() throws Exception {
        Path file = Files.writeString(
                dir.resolve("ok.json"),
                "{\"requestId\": \"r1\", \"baseModel\":"
                        + " \"s3://lora/models/m\", \"dataset\": {\"uri\": \"s3://lora/data/d.jsonl\"}}");
        var out = new java.io.ByteArrayOutputStream();
        var previous = System.out;
        System.setOut(new java.io.PrintStream(out, true));
        try {
            assertThat(LoraCommand.commandLine().execute("submit", "--dry-run", file.toString()))
                    .isZero();
        } finally {
            System.setOut(previous);
        }
        assertThat(out.toString()).contains("\"checkpointEverySteps\" : 50").contains("\"targetModules\" : [");
    }
}
