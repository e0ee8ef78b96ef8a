package org.lorapipe.contract;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class RecordKeysTest {
    @Test
    void aRequestIdIsKeptAndAnythingElseIsCutAndMadePrintable() {
        assertThat(RecordKeys.answerKey("run-1.b_2")).isEqualTo("run-1.b_2");
        assertThat(RecordKeys.answerKey(null)).isNull();
        assertThat(RecordKeys.answerKey("bad id\n\u0000x")).isEqualTo("bad id??x");
        assertThat(RecordKeys.answerKey("k".repeat(10_000))).hasSize(RecordKeys.MAX_CHARS);
        // never half a surrogate pair: the 200th char would be the first half of an emoji
        String emojiAtTheCut = "-".repeat(RecordKeys.MAX_CHARS - 1) + "😀" + "tail";
        assertThat(RecordKeys.answerKey(emojiAtTheCut)).isEqualTo("-".repeat(RecordKeys.MAX_CHARS - 1));
    }
}
