package org.lorapipe.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.lorapipe.storage.S3Uri;
import org.lorapipe.testkit.NeedsInfra;

/** {@code lora upload} against a real S3 server: files land where requests can name them, nowhere else. */
@NeedsInfra
class UploadCommandTest {
    @RegisterExtension
    static final LocalS3 S3 = new LocalS3();

    @TempDir
    Path tmp;

    @Test
    void filesGoIntoAFolderOrToOneKey() throws Exception {
        Path a = Files.writeString(tmp.resolve("train.jsonl"), "{\"instruction\": \"a\", \"output\": \"b\"}\n");
        Path b = Files.writeString(tmp.resolve("eval.jsonl"), "{\"prompt\": \"p\", \"expect\": \"q\"}\n");
        Cli.Run folder =
                Cli.run("upload", a.toString(), b.toString(), "s3://lora/data/set/", "--s3-endpoint", S3.endpoint());
        assertThat(folder.code()).as(folder.err()).isZero();
        assertThat(S3.store().getString(S3Uri.parse("s3://lora/data/set/train.jsonl")))
                .isEqualTo(Files.readString(a));
        assertThat(S3.store().getString(S3Uri.parse("s3://lora/data/set/eval.jsonl")))
                .isEqualTo(Files.readString(b));

        Cli.Run one = Cli.run("upload", a.toString(), "s3://lora/data/other.jsonl", "--s3-endpoint", S3.endpoint());
        assertThat(one.code()).as(one.err()).isZero();
        assertThat(S3.store().exists(S3Uri.parse("s3://lora/data/other.jsonl"))).isTrue();
    }

    @Test
    void thePipelinesFoldersOtherBucketsAndMissingFilesAreRefusedWithEveryReason() throws Exception {
        Path a = Files.writeString(tmp.resolve("x.jsonl"), "{}\n");
        Cli.Run r = Cli.run(
                "upload",
                a.toString(),
                tmp.resolve("missing").toString(),
                "s3://lora/runs/x/a.jsonl",
                "--s3-endpoint",
                S3.endpoint());
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err())
                .contains("missing is not a file")
                .contains("inside runs/")
                .contains("cannot all go to the one key");
        Cli.Run other = Cli.run("upload", a.toString(), "s3://elsewhere/data/x.jsonl", "--s3-endpoint", S3.endpoint());
        assertThat(other.code()).isEqualTo(2);
        assertThat(other.err()).contains("not in the pipeline's bucket 'lora'");
        assertThat(S3.store().exists(S3Uri.parse("s3://lora/runs/x/a.jsonl"))).isFalse();
    }
}
