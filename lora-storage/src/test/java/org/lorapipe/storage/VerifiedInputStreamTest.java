package org.lorapipe.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;
import org.lorapipe.contract.artifact.Manifest;

class VerifiedInputStreamTest {
    private static final S3Uri URI = S3Uri.parse("s3://lora/datasets/r1/train-00000.bin");
    private static final byte[] PUBLISHED = "the bytes that were published".getBytes(StandardCharsets.UTF_8);

    private static Manifest.Entry entry() throws Exception {
        String sha =
                HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(PUBLISHED));
        return new Manifest.Entry("train-00000.bin", PUBLISHED.length, sha);
    }

    private static byte[] readAll(byte[] bytes) throws Exception {
        try (InputStream in = new VerifiedInputStream(new ByteArrayInputStream(bytes), entry(), URI)) {
            return in.readAllBytes();
        }
    }

    @Test
    void thePublishedBytesReadThrough() throws Exception {
        assertThat(readAll(PUBLISHED)).isEqualTo(PUBLISHED);
    }

    @Test
    void changedLongerOrShorterBytesAreCorrupt() {
        byte[] changed = PUBLISHED.clone();
        changed[3] ^= 1;
        assertThatThrownBy(() -> readAll(changed))
                .isInstanceOfSatisfying(
                        StorageException.class, e -> assertThat(e.kind()).isEqualTo(StorageException.Kind.CORRUPT))
                .hasMessageContaining("has sha256")
                .hasMessageContaining("changed after it was published");
        assertThatThrownBy(() ->
                        readAll((new String(PUBLISHED, StandardCharsets.UTF_8) + "!").getBytes(StandardCharsets.UTF_8)))
                .hasMessageContaining("longer than the " + PUBLISHED.length + " bytes");
        assertThatThrownBy(() -> readAll(java.util.Arrays.copyOf(PUBLISHED, 5))).hasMessageContaining("has 5 bytes");
    }

    @Test
    void aReaderThatStopsEarlyChecksNothingYet() throws Exception {
        try (InputStream in = new VerifiedInputStream(new ByteArrayInputStream(PUBLISHED), entry(), URI)) {
            assertThat(in.read(new byte[4])).isEqualTo(4);
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }
}
