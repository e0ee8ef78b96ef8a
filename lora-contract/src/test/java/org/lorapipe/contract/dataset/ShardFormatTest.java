package org.lorapipe.contract.dataset;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class ShardFormatTest {
    @Test
    void sequencesRoundTrip() {
        Random random = new Random(7);
        List<TokenizedSequence> written = new ArrayList<>();
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ShardWriter writer = new ShardWriter(bytes)) {
            for (int n = 0; n < 50; n++) {
                int length = 1 + random.nextInt(300);
                int[] ids = random.ints(length, 0, 128_000).toArray();
                boolean[] trainable = new boolean[length];
                for (int i = 0; i < length; i++) {
                    trainable[i] = random.nextBoolean();
                }
                int[] starts = n % 5 == 0 && length > 3 ? new int[] {0, length / 2} : new int[] {0};
                TokenizedSequence s = new TokenizedSequence(ids, trainable, starts);
                writer.write(s);
                written.add(s);
            }
        }
        List<TokenizedSequence> read = new ArrayList<>();
        try (ShardReader reader = new ShardReader(new ByteArrayInputStream(bytes.toByteArray()), "t")) {
            reader.forEachRemaining(read::add);
        }
        assertThat(read).isEqualTo(written);
    }

    @Test
    void truncatedShardIsReportedNotSilentlyShortened() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ShardWriter writer = new ShardWriter(bytes)) {
            writer.write(new TokenizedSequence(new int[] {1, 2, 3}, new boolean[] {false, true, true}, new int[] {0}));
            writer.write(new TokenizedSequence(new int[] {1, 5}, new boolean[] {false, true}, new int[] {0}));
        }
        byte[] cut = Arrays.copyOf(bytes.toByteArray(), bytes.size() - 14);
        assertThatThrownBy(() -> {
                    try (ShardReader reader = new ShardReader(new ByteArrayInputStream(cut), "train-00000.bin")) {
                        reader.forEachRemaining(s -> {});
                    }
                })
                .hasMessageContaining("train-00000.bin is truncated");
    }
}
