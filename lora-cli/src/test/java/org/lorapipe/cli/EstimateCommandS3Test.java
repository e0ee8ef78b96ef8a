package org.lorapipe.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.lorapipe.storage.S3Uri;
import org.lorapipe.testkit.NeedsInfra;

/** {@code lora estimate} reads the request's baseModel from a real S3 server: its config.json alone. */
@NeedsInfra
class EstimateCommandS3Test {

    @RegisterExtension
    static final LocalS3 S3 = new LocalS3();

    @TempDir
    Path tmp;

    private Path request(String model) throws Exception {
        return Files.writeString(
                tmp.resolve("request.json"),
                "{\"requestId\": \"est-s3\", \"baseModel\": \"s3://lora/models/" + model + "\", \"dataset\":"
                        + " {\"uri\": \"s3://lora/data/d.jsonl\"}}");
    }

    @Test
    void theBaseModelsConfigIsReadFromObjectStorage() throws Exception {
        // only config.json: no weights are needed, nor read
        S3.store().putString(S3Uri.parse("s3://lora/models/cfg-only/config.json"), EstimateCommandTest.CONFIG);
        Cli.Run run = Cli.run(
                "estimate", "--s3-endpoint", S3.endpoint(), request("cfg-only").toString());
        assertThat(run.code()).as(run.err()).isZero();
        assertThat(run.out())
                .contains("on s3://lora/models/cfg-only")
                .contains("LlamaForCausalLM: 8 layers, hidden 256")
                .contains("peak (estimate)");
    }

    @Test
    void aModelThatIsNotThereIsNamedWithHowToFixIt() throws Exception {
        Cli.Run run = Cli.run(
                "estimate", "--s3-endpoint", S3.endpoint(), request("absent").toString());
        assertThat(run.code()).isEqualTo(2);
        assertThat(run.err()).contains("no model at s3://lora/models/absent", "lora import", "--model DIR");
    }
}
