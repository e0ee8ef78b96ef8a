package org.lorapipe.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.lorapipe.devstack.S3Server;
import org.lorapipe.storage.ObjectStore;
import org.lorapipe.storage.S3Uri;
import org.lorapipe.storage.StorageConfig;
import org.lorapipe.testkit.NeedsInfra;

/** {@code lora upload} against a real S3 server: files land where requests can name them, nowhere else. */
@NeedsInfra
class UploadCommandTest {
    static S3Server s3;
    static ObjectStore store;

    @TempDir
    static Path shared;

    @TempDir
    Path tmp;

    @BeforeAll
    static void start() {
        s3 = S3Server.start(S3Server.Options.local(shared.resolve("s3")));
        s3.createBucket("lora");
        S3Server.Options o = s3.options();
        store = new ObjectStore(new StorageConfig(s3.endpoint(), o.accessKey(), o.secretKey(), "lora", "us-east-1"));
        Cli.useS3Keys(o.accessKey(), o.secretKey());
    }

    @AfterAll
    static void stop() {
        Cli.forgetS3Keys();
        if (store != null) {
            store.close();
        }
        if (s3 != null) {
            s3.close();
        }
    }

    @Test
    void filesGoIntoAFolderOrToOneKey() throws Exception {
        Path a = Files.writeString(tmp.resolve("train.jsonl"), "{\"instruction\": \"a\", \"output\": \"b\"}\n");
        Path b = Files.writeString(tmp.resolve("eval.jsonl"), "{\"prompt\": \"p\", \"expect\": \"q\"}\n");
        Cli.Run folder =
                Cli.run("upload", a.toString(), b.toString(), "s3://lora/data/set/", "--s3-endpoint", s3.endpoint());
        assertThat(folder.code()).as(folder.err()).isZero();
        assertThat(store.getString(S3Uri.parse("s3://lora/data/set/train.jsonl")))
                .isEqualTo(Files.readString(a));
        assertThat(store.getString(S3Uri.parse("s3://lora/data/set/eval.jsonl")))
                .isEqualTo(Files.readString(b));

        Cli.Run one = Cli.run("upload", a.toString(), "s3://lora/data/other.jsonl", "--s3-endpoint", s3.endpoint());
        assertThat(one.code()).as(one.err()).isZero();
        assertThat(store.exists(S3Uri.parse("s3://lora/data/other.jsonl"))).isTrue();
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
                s3.endpoint());
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err())
                .contains("missing is not a file")
                .contains("inside runs/")
                .contains("cannot all go to the one key");
        Cli.Run other = Cli.run("upload", a.toString(), "s3://elsewhere/data/x.jsonl", "--s3-endpoint", s3.endpoint());
        assertThat(other.code()).isEqualTo(2);
        assertThat(other.err()).contains("not in the pipeline's bucket 'lora'");
        assertThat(store.exists(S3Uri.parse("s3://lora/runs/x/a.jsonl"))).isFalse();
    }
}
