package org.lorapipe.model.io;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.lorapipe.model.ModelFormatException;

class Llama2cCheckpointTest {
    @TempDir
    Path tmp;

    private Path header(int dim, int hidden, int layers, int heads, int kvHeads, int vocab, int seqLen)
            throws IOException {
        ByteBuffer b = ByteBuffer.allocate(28 + 64).order(ByteOrder.LITTLE_ENDIAN);
        b.putInt(dim)
                .putInt(hidden)
                .putInt(layers)
                .putInt(heads)
                .putInt(kvHeads)
                .putInt(vocab)
                .putInt(seqLen);
        Path f = tmp.resolve("m.bin");
        Files.write(f, b.array());
        return f;
    }

    @Test
    void headersWhoseSizesWouldOverflowAreRefusedBeforeAnyArithmetic() throws IOException {
        // 4 x 2^30 x 2^30 x 2^30 bytes of weights: far past 64 bits
        Path f = header(1 << 30, 1 << 30, 1 << 30, 1 << 10, 1 << 10, 32000, 256);
        assertThatThrownBy(() -> Llama2cCheckpoint.open(f))
                .isInstanceOf(ModelFormatException.class)
                .hasMessageContaining("past the limits");
    }

    @Test
    void aPlausibleHeaderWithTooFewBytesNamesTheSizeItImplies() throws IOException {
        Path f = header(64, 172, 5, 8, 4, 512, 512);
        assertThatThrownBy(() -> Llama2cCheckpoint.open(f))
                .isInstanceOf(ModelFormatException.class)
                .hasMessageContaining("implies");
    }
}
