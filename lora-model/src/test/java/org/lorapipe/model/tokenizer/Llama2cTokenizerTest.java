package org.lorapipe.model.tokenizer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.lorapipe.model.ModelFormatException;
import org.lorapipe.testkit.TestData;

class Llama2cTokenizerTest {

    static Llama2cTokenizer tok;

    @BeforeAll
    static void load() {
        tok = Llama2cTokenizer.load(TestData.file("models/stories260K/tok512.bin"));
    }

    @Test
    void readsTok512() {
        assertThat(tok.vocabSize()).isEqualTo(512);
        assertThat(tok.maxTokenLength()).isEqualTo(7);
        assertThat(tok.piece(1)).isEqualTo("\n<s>\n");
        assertThat(tok.piece(3)).isEqualTo("<0x00>");
        assertThat(tok.sha256()).isEqualTo("037cb335abb25d1fa9e8ecae30ed2a3a8ace9302862ebcdc05d51a6bbb10c312");
    }

    @Test
    void emptyTextIsJustBos() {
        assertThat(tok.encode("", true)).containsExactly(1);
        assertThat(tok.encode("", false)).isEmpty();
    }

    @Test
    void dummyPrefixSpaceIsPrepended() {
        int[] ids = tok.encode("the", false);
        assertThat(tok.decode(ids)).isEqualTo("the");
        assertThat(tok.piece(ids[0])).startsWith(" ");
        // a second leading space shows up as its own " " token in front
        assertThat(tok.encode(" the", false)).containsExactly(idOf(" "), ids[0]);
    }

    @Test
    void charactersOutsideTheVocabularyFallBackToBytesPlusThree() {
        int[] ids = tok.encode("你", false); // U+4F60 = E4 BD A0
        assertThat(ids).containsExactly(idOf(" "), 0xE4 + 3, 0xBD + 3, 0xA0 + 3);
        assertThat(tok.decode(ids)).isEqualTo("你");
    }

    @Test
    void mergesFollowTheHighestScoringPair() {
        // " t" (id 259, score 0) outranks "he" (260, -1): " the" is reached via " t" + "he"
        int[] ids = tok.encode("the", false);
        assertThat(ids).hasSize(1);
        assertThat(tok.piece(ids[0])).isEqualTo(" the");
        assertThat(tok.score(259)).isGreaterThan(tok.score(260));
    }

    @Test
    void matchesTheRuncTransliterationOnManySentences() throws IOException {
        RuncEncodeReference ref = new RuncEncodeReference(tok);
        List<String> all = new java.util.ArrayList<>(Sentences.EDGE);
        List<String> alpaca = Sentences.alpaca();
        for (int i = 0; i < alpaca.size(); i += 2) { // every other text keeps the slow oracle quick
            all.add(alpaca.get(i));
        }
        for (String s : all) {
            int[] expected =
                    ref.encode(s, true).stream().mapToInt(Integer::intValue).toArray();
            assertThat(tok.encode(s, true)).as(s).containsExactly(expected);
        }
        assertThat(all.size()).isGreaterThan(1000);
    }

    @Test
    void matchesTheRuncTransliterationOnRandomTextWithLongRunsAndTies() {
        RuncEncodeReference ref = new RuncEncodeReference(tok);
        java.util.Random random = new java.util.Random(7);
        String alphabet = "aaaaeeettthhh  \n.,é€x";
        for (int k = 0; k < 300; k++) {
            StringBuilder text = new StringBuilder();
            int length = 1 + random.nextInt(120);
            for (int i = 0; i < length; i++) {
                text.append(alphabet.charAt(random.nextInt(alphabet.length())));
            }
            String s = text.toString();
            int[] expected =
                    ref.encode(s, false).stream().mapToInt(Integer::intValue).toArray();
            assertThat(tok.encode(s, false)).as("seed 7, text %d: %s", k, s).containsExactly(expected);
        }
    }

    @Test
    @org.junit.jupiter.api.Timeout(60)
    void aRecordOfAMebibyteIsEncodedWithoutTheQuadraticScan() {
        // run.c's loop scans the sequence once per merge: ~10^12 steps here; the heap needs ~10^7
        String text = "Once upon a time, there was a little girl named Lily. ".repeat(20_000);
        int[] ids = tok.encode(text, true);
        assertThat(ids.length).isBetween(text.length() / 8, text.length() / 2);
        String sentence = "Once upon a time, there was a little girl named Lily. ";
        int[] one = tok.encode(sentence + sentence, true);
        assertThat(Arrays.copyOf(ids, one.length - 2))
                .as("the start is tokenized as in a short text")
                .containsExactly(Arrays.copyOf(one, one.length - 2));
    }

    @Test
    void decodeInvertsEncode() throws IOException {
        for (String s : Sentences.alpaca().subList(0, 300)) {
            assertThat(tok.decode(tok.encode(s, true))).isEqualTo(s);
        }
    }

    @Test
    void piecesPrintLikeRunc() {
        int once = tok.encode("Once", false)[0];
        assertThat(tok.piece(once)).isEqualTo(" Once");
        assertThat(tok.decodePiece(1, once)).isEqualTo("Once"); // leading space stripped after BOS
        assertThat(tok.decodePiece(once, once)).isEqualTo(" Once");
        assertThat(tok.decodePiece(once, 0x0A + 3)).isEqualTo("\n"); // <0x0A> prints as a newline
        assertThat(tok.decodePiece(once, 0xE4 + 3)).isEmpty(); // non-printable lone byte: run.c prints nothing
        assertThat(tok.decodePiece(once, 0x07 + 3)).isEmpty(); // bell
    }

    @Test
    void truncatedFileIsRefused(@TempDir Path tmp) throws IOException {
        byte[] all = Files.readAllBytes(TestData.file("models/stories260K/tok512.bin"));
        Path cut = tmp.resolve("tok.bin");
        Files.write(cut, Arrays.copyOf(all, all.length - 3));
        assertThatThrownBy(() -> Llama2cTokenizer.load(cut))
                .isInstanceOf(ModelFormatException.class)
                .hasMessageContaining(cut.toString())
                .hasMessageContaining("token 511");
        assertThatThrownBy(() -> Llama2cTokenizer.load(tmp.resolve("missing.bin")))
                .isInstanceOf(ModelFormatException.class)
                .hasMessageContaining("not found");
    }

    private static int idOf(String piece) {
        for (int i = 0; i < tok.vocabSize(); i++) {
            if (tok.piece(i).equals(piece)) {
                return i;
            }
        }
        return -1;
    }
}
