package org.lorapipe.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.lorapipe.storage.ObjectStore;
import org.lorapipe.storage.S3Uri;
import org.lorapipe.storage.StorageConfig;
import org.lorapipe.testkit.LocalInfra;
import org.lorapipe.testkit.NeedsInfra;

/** {@code lora import --name} publishes to a real S3 server; {@code lora generate} runs from the s3:// URI. */
@NeedsInfra
class S3RoundTripTest {

    static LocalInfra infra;

    @TempDir
    Path tmp;

    @BeforeAll
    static void start() {
        infra = LocalInfra.start();
        Cli.useS3Keys(infra.accessKey(), infra.secretKey());
    }

    @AfterAll
    static void stop() {
        Cli.forgetS3Keys();
        if (infra != null) {
            infra.close();
        }
    }

    private Cli.Run importStories(String... extra) {
        String[] base = {
            "import",
            "--llama2c",
            Cli.stories().resolve("stories260K.bin").toString(),
            "--tokenizer",
            Cli.stories().resolve("tok512.bin").toString(),
            "--name",
            "stories260K",
            "--s3-endpoint",
            infra.s3Endpoint()
        };
        String[] args = java.util.Arrays.copyOf(base, base.length + extra.length);
        System.arraycopy(extra, 0, args, base.length, extra.length);
        return Cli.run(args);
    }

    @Test
    void importToS3ThenGenerateFromTheUri() throws Exception {
        Cli.Run imported = importStories("--hf-id", "karpathy/tinyllamas");
        assertThat(imported.code()).as(imported.err()).isZero();
        assertThat(imported.out()).contains("s3://lora/models/stories260K/").contains("model.safetensors");
        StorageConfig config = new StorageConfig(
                infra.s3Endpoint(), infra.accessKey(), infra.secretKey(), infra.bucket(), "us-east-1");
        try (ObjectStore store = new ObjectStore(config)) {
            S3Uri prefix = S3Uri.parse("s3://lora/models/stories260K/");
            assertThat(store.isPublished(prefix)).isTrue();
            assertThat(store.exists(prefix.resolve("config.json"))).isTrue();
            assertThat(store.exists(prefix.resolve("tokenizer.json"))).isTrue();
            // who the model is travels with it, as part of the publication
            var manifest = store.requirePublished(prefix);
            assertThat(manifest.file("lora-model.json")).isPresent();
            String identity = store.getString(prefix.resolve("lora-model.json"));
            assertThat(identity).contains("\"name\" : \"stories260K\"").contains("\"hfId\" : \"karpathy/tinyllamas\"");
            String weights = manifest.file("model.safetensors").orElseThrow().sha256();
            assertThat(identity).contains(weights);
        }

        Cli.Run again = importStories();
        assertThat(again.code()).isEqualTo(2);
        assertThat(again.err()).contains("already holds a model: pass --force");

        Path cache = tmp.resolve("cache");
        String[] gen = {
            "generate",
            "--model",
            "s3://lora/models/stories260K",
            "--s3-endpoint",
            infra.s3Endpoint(),
            "--cache-dir",
            cache.toString(),
            "--max-tokens",
            "256",
            "--temperature",
            "0"
        };
        byte[] expected = Files.readAllBytes(Cli.stories().resolve("greedy_t0_n256_runc.txt"));
        Cli.Run first = Cli.run(gen);
        assertThat(first.code()).as(first.err()).isZero();
        assertThat(first.err()).contains("downloading s3://lora/models/stories260K/");
        assertThat(first.out().getBytes(StandardCharsets.UTF_8)).isEqualTo(expected);

        Cli.Run second = Cli.run(gen);
        assertThat(second.code()).as(second.err()).isZero();
        assertThat(second.err()).contains("using cached").doesNotContain("downloading");
        assertThat(second.out().getBytes(StandardCharsets.UTF_8)).isEqualTo(expected);

        Cli.Run forced = importStories("--force");
        assertThat(forced.code()).as(forced.err()).isZero();
    }

    @Test
    void unknownModelSaysHowToImportOne() {
        Cli.Run r = Cli.run(
                "generate",
                "--model",
                "s3://lora/models/absent",
                "--s3-endpoint",
                infra.s3Endpoint(),
                "--cache-dir",
                tmp.toString());
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err()).contains("no model at s3://lora/models/absent/").contains("lora import");
    }
}
