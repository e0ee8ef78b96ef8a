package org.lorapipe.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.lorapipe.storage.StorageConfig;
import picocli.CommandLine;

/** The CLI's S3 keys: the embedded stack's only at its default endpoint, else ours or the AWS chain. */
class StorageOptionsTest {

    @TempDir
    Path home;

    private static StorageOptions parse(String... args) {
        PullCommand pull = new PullCommand();
        new CommandLine(pull).parseArgs(args);
        return pull.storage;
    }

    @Test
    void theDefaultEndpointIsTheEmbeddedStackWithItsKeys() {
        StorageConfig c = parse("run-1", "out").config(Map.of(), home);

        assertThat(c.endpoint()).isEqualTo(StorageConfig.DEFAULT_ENDPOINT);
        assertThat(c.credentials().provider().fetch().accessKey()).isEqualTo("minioadmin");
    }

    @Test
    void anotherEndpointGetsNoDefaultKeys() {
        StorageOptions o = parse("run-1", "out", "--s3-endpoint", "https://s3.example.org");

        assertThatThrownBy(() -> o.config(Map.of(), home))
                .isInstanceOf(UsageProblem.class)
                .hasMessageContaining("no S3 credentials found")
                .hasMessageContaining("S3_ACCESS_KEY")
                .hasMessageContaining("AWS_ACCESS_KEY_ID");
        assertThatThrownBy(() -> o.config(Map.of("S3_ENDPOINT", "https://x.example.org"), home))
                .isInstanceOf(UsageProblem.class);
    }

    @Test
    void anotherEndpointTakesOurVariablesThenTheAwsOnes() {
        StorageOptions o = parse("run-1", "out", "--s3-endpoint", "https://s3.example.org");

        assertThat(o.config(Map.of("AWS_ACCESS_KEY_ID", "a", "AWS_SECRET_ACCESS_KEY", "b"), home)
                        .credentials()
                        .source())
                .isEqualTo("AWS_ACCESS_KEY_ID");
        assertThat(o.config(
                                Map.of(
                                        "S3_ACCESS_KEY",
                                        "s",
                                        "S3_SECRET_KEY",
                                        "t",
                                        "AWS_ACCESS_KEY_ID",
                                        "a",
                                        "AWS_SECRET_ACCESS_KEY",
                                        "b"),
                                home)
                        .credentials()
                        .source())
                .isEqualTo("S3_ACCESS_KEY");
    }

    @Test
    void ourVariablesWinEvenAtTheDefaultEndpoint() {
        StorageConfig c = parse("run-1", "out").config(Map.of("S3_ACCESS_KEY", "mine", "S3_SECRET_KEY", "x"), home);

        assertThat(c.credentials().provider().fetch().accessKey()).isEqualTo("mine");
    }
}
