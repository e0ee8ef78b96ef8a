package org.lorapipe.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StorageConfigTest {

    @TempDir
    Path home;

    @Test
    void defaultsForTheEndpointButNeverForCredentials() {
        assertThatThrownBy(() -> StorageConfig.fromEnv(Map.of(), home))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("no S3 credentials found")
                .hasMessageContaining("S3_ACCESS_KEY")
                .hasMessageContaining("AWS_ACCESS_KEY_ID");

        StorageConfig config = StorageConfig.fromEnv(Map.of("S3_ACCESS_KEY", "k", "S3_SECRET_KEY", "s"), home);
        assertThat(config.endpoint()).isEqualTo("http://127.0.0.1:9000");
        assertThat(config.bucket()).isEqualTo("lora");
        assertThat(config.region()).isEqualTo("us-east-1");
        assertThat(config.credentials().source()).isEqualTo("S3_ACCESS_KEY");
    }

    @Test
    void readsTheEnvironment() {
        StorageConfig config = StorageConfig.fromEnv(
                Map.of(
                        "S3_ENDPOINT", "https://minio.internal:9000",
                        "S3_ACCESS_KEY", "trainer",
                        "S3_SECRET_KEY", "s3cr3t-value",
                        "S3_BUCKET", "lora-prod"),
                home);
        assertThat(config.endpoint()).isEqualTo("https://minio.internal:9000");
        assertThat(config.bucket()).isEqualTo("lora-prod");
        assertThat(config.bucketRoot()).hasToString("s3://lora-prod/");
    }

    @Test
    void toStringNeverShowsCredentials() {
        StorageConfig config = new StorageConfig("http://h:1", "trainer-key", "s3cr3t-value", "lora", "us-east-1");
        assertThat(config.toString())
                .doesNotContain("s3cr3t-value")
                .doesNotContain("trainer-key")
                .contains("http://h:1")
                .contains("lora");
    }

    @Test
    void reportsEveryProblemAtOnce() {
        assertThatThrownBy(() -> new StorageConfig("ftp://x", "", "s3cr3t-value", "Bad_Bucket", "us-east-1"))
                .hasMessageContaining("endpoint 'ftp://x' is not http(s)://host[:port]")
                .hasMessageContaining("no credentials")
                .hasMessageContaining("bucket 'Bad_Bucket' is not a valid S3 bucket name")
                .message()
                .doesNotContain("s3cr3t-value");
    }
}
