package org.lorapipe.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class S3UriTest {

    @Test
    void parsesAndPrintsBack() {
        S3Uri uri = S3Uri.parse("s3://lora/adapters/run-7/adapter.safetensors");
        assertThat(uri.bucket()).isEqualTo("lora");
        assertThat(uri.key()).isEqualTo("adapters/run-7/adapter.safetensors");
        assertThat(uri).hasToString("s3://lora/adapters/run-7/adapter.safetensors");
        assertThat(S3Uri.parse(uri.toString())).isEqualTo(uri);
        assertThat(uri.fileName()).isEqualTo("adapter.safetensors");
        assertThat(uri.isPrefix()).isFalse();
    }

    @Test
    void bucketRootAndPrefixes() {
        assertThat(S3Uri.parse("s3://lora")).isEqualTo(new S3Uri("lora", ""));
        assertThat(S3Uri.parse("s3://lora/")).isEqualTo(new S3Uri("lora", ""));
        assertThat(S3Uri.parse("s3://lora/runs").asPrefix()).hasToString("s3://lora/runs/");
        assertThat(S3Uri.parse("s3://lora/runs/").isPrefix()).isTrue();
    }

    @Test
    void resolvesChildren() {
        S3Uri runs = S3Uri.parse("s3://lora/runs");
        assertThat(runs.resolve("7/a.json")).hasToString("s3://lora/runs/7/a.json");
        assertThat(runs.asPrefix().resolve("/7")).hasToString("s3://lora/runs/7");
        assertThat(S3Uri.parse("s3://lora").resolve("x")).hasToString("s3://lora/x");
        assertThat(runs.resolve("7/a.json").relativeTo(runs)).isEqualTo("7/a.json");
        assertThatThrownBy(() -> runs.resolve("../etc")).hasMessageContaining("'..' segment");
    }

    @Test
    void badUrisSayWhatIsWrong() {
        assertThatThrownBy(() -> S3Uri.parse("lora/x"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("not an S3 URI: 'lora/x'")
                .hasMessageContaining("s3://lora/x");
        assertThatThrownBy(() -> S3Uri.parse("http://127.0.0.1:9000/lora/x"))
                .hasMessageContaining("endpoints go in the storage config");
        assertThatThrownBy(() -> S3Uri.parse("s3:///x")).hasMessageContaining("the bucket is missing");
        assertThatThrownBy(() -> S3Uri.parse("s3://Lora_Bucket/x"))
                .hasMessageContaining("'Lora_Bucket' is not a valid S3 bucket name");
        assertThatThrownBy(() -> S3Uri.parse("s3://lora//x")).hasMessageContaining("starts with '/'");
        assertThatThrownBy(() -> S3Uri.parse("s3://lora/a//b")).hasMessageContaining("'//'");
        assertThatThrownBy(() -> S3Uri.parse(" ")).hasMessageContaining("empty S3 URI");
    }

    @Test
    void requireInBucket() {
        S3Uri uri = S3Uri.parse("s3://other/x");
        assertThat(S3Uri.parse("s3://lora/x").requireInBucket("lora")).isNotNull();
        assertThatThrownBy(() -> uri.requireInBucket("lora"))
                .hasMessageContaining("s3://other/x is outside the configured bucket 'lora'")
                .hasMessageContaining("S3_BUCKET=other");
    }
}
