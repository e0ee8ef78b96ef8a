package org.lorapipe.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;

class StorageConfigTest {

    @Test
    void defaultsWhenNothingIsSet() {
        StorageConfig config = StorageConfig.fromEnv(Map.of());
        assertThat(config)
                .isEqualTo(new StorageConfig("http://127.0.0.1:9000", "minioadmin", "minioadmin", "lora", "us-east-1"));
    }

    @Test
    void readsTheEnvironment() {
        StorageConfig config = StorageConfig.fromEnv(Map.of(
                "S3_ENDPOINT", "https://minio.internal:9000",
                "S3_ACCESS_KEY", "trainer",
                "S3_SECRET_KEY", "s3cr3t-value",
                "S3_BUCKET", "lora-prod"));
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
                .hasMessageContaining("access key is empty")
                .hasMessageContaining("bucket 'Bad_Bucket' is not a valid S3 bucket name")
                .message()
                .doesNotContain("s3cr3t-value");
    }
}
