package org.lorapipe.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.lorapipe.contract.checksum.Sha256Sums;
import org.lorapipe.storage.ObjectStore;
import org.lorapipe.storage.S3Uri;
import org.lorapipe.testkit.NeedsInfra;

/**
 * {@code lora pull} against a real S3 server (the s3proxy of LocalInfra, without the broker pull does
 * not need): a published merged folder arrives intact, a tampered object is named and nothing is written.
 */
@NeedsInfra
class PullCommandTest {

    @RegisterExtension
    static final LocalS3 S3 = new LocalS3();

    @TempDir
    Path tmp;

    /** A small fake merged model with SHA256SUMS, published (manifest last) as the merge-service does. */
    private Path publishMerged(String id) throws Exception {
        Path dir = Files.createDirectories(tmp.resolve("published-" + id));
        Files.writeString(dir.resolve("config.json"), "{\"architectures\": [\"LlamaForCausalLM\"]}\n");
        Files.writeString(dir.resolve("tokenizer.json"), "{\"model\": {\"type\": \"BPE\"}}\n");
        byte[] weights = new byte[300_000];
        new Random(1).nextBytes(weights);
        Files.write(dir.resolve("model.safetensors"), weights);
        Sha256Sums.write(dir);
        Files.writeString(dir.resolve("merge.json"), "{\"merged\": true}\n");
        S3.store().publish(S3Uri.parse("s3://lora/runs/" + id + "/merged/"), dir);
        return dir;
    }

    private Cli.Run pull(String id, Path dir, String... extra) {
        String[] base = {"pull", id, dir.toString(), "--s3-endpoint", S3.endpoint()};
        String[] args = java.util.Arrays.copyOf(base, base.length + extra.length);
        System.arraycopy(extra, 0, args, base.length, extra.length);
        return Cli.run(args);
    }

    @Test
    void pullsAPublishedModelVerifiedAndRefusesANonEmptyDirUnlessForced() throws Exception {
        Path published = publishMerged("run-1");
        Path out = tmp.resolve("models/run-1");

        Cli.Run run = pull("run-1", out);
        assertThat(run.code()).as(run.err()).isZero();
        assertThat(run.out()).contains(out.toAbsolutePath().toString(), "5 files", "checksums verified");
        try (Stream<Path> files = Files.list(published)) {
            for (Path f : files.toList()) {
                assertThat(out.resolve(f.getFileName().toString()))
                        .as(f.getFileName().toString())
                        .hasSameBinaryContentAs(f);
            }
        }
        try (Stream<Path> files = Files.list(out)) {
            assertThat(files.map(p -> p.getFileName().toString()))
                    .containsExactlyInAnyOrder(
                            "config.json", "tokenizer.json", "model.safetensors", "SHA256SUMS", "merge.json");
        }
        try (Stream<Path> left = Files.list(out.getParent())) {
            assertThat(left).as("no staging folder left behind").containsExactly(out);
        }

        Cli.Run again = pull("run-1", out);
        assertThat(again.code()).isEqualTo(2);
        assertThat(again.err()).contains("is not empty: pass --force");

        Files.writeString(out.resolve("stale.txt"), "from an older pull");
        Cli.Run forced = pull("run-1", out, "--force");
        assertThat(forced.code()).as(forced.err()).isZero();
        assertThat(out.resolve("stale.txt")).doesNotExist();
        assertThat(out.resolve("model.safetensors")).hasSameBinaryContentAs(published.resolve("model.safetensors"));
    }

    @Test
    void aRunWithoutAMergedModelIsRefusedPointingAtWatch() {
        Path out = tmp.resolve("nothing");
        Cli.Run run = pull("not-merged", out);
        assertThat(run.code()).isEqualTo(1);
        assertThat(run.err()).contains("no merged model for not-merged yet: watch it with `lora watch not-merged`");
        assertThat(out).doesNotExist();
    }

    @Test
    void aRunTheGateKeptFromMergingIsRefusedWithTheReason() {
        S3.store()
                .putString(
                        S3Uri.parse("s3://lora/runs/gated/not-merged.json"),
                        "{\"schemaVersion\": 1, \"requestId\": \"gated\", \"merged\": false, \"reason\":"
                                + " \"tuned perplexity 9.0 is worse than base 7.0 by more than the gate's tolerance 0.5\"}");
        Path out = tmp.resolve("gated");
        Cli.Run run = pull("gated", out);
        assertThat(run.code()).isEqualTo(1);
        assertThat(run.err())
                .contains("gated was not merged: tuned perplexity 9.0 is worse than base 7.0")
                .contains("s3://lora/runs/gated/adapter/")
                .doesNotContain("yet");
        assertThat(out).doesNotExist();
    }

    @Test
    void aTamperedObjectFailsThePullNamingItAndNothingIsWritten() throws Exception {
        publishMerged("run-2");
        byte[] other = new byte[300_000];
        new Random(2).nextBytes(other);
        S3.store()
                .putBytes(
                        S3Uri.parse("s3://lora/runs/run-2/merged/model.safetensors"), other, ObjectStore.OCTET_STREAM);
        Path out = tmp.resolve("tampered");

        Cli.Run run = pull("run-2", out);
        assertThat(run.code()).isEqualTo(1);
        String error = run.err().substring(run.err().indexOf("error:"));
        assertThat(error)
                .contains("failed its checksums", "model.safetensors differs")
                .doesNotContain("config.json");
        assertThat(out).doesNotExist();
        try (Stream<Path> left = Files.list(tmp)) {
            assertThat(left.map(p -> p.getFileName().toString())).noneMatch(n -> n.startsWith(".tampered"));
        }
        assertThat(new String(Files.readAllBytes(tmp.resolve("published-run-2/SHA256SUMS")), StandardCharsets.UTF_8))
                .contains("model.safetensors");
    }
}
