package org.lorapipe.model.tokenizer;

import java.util.OptionalInt;

/**
 * Text to token ids and back, one interface for the llama2.c format ({@link Llama2cTokenizer}) and
 * Hugging Face tokenizer.json ({@link HfTokenizer}). Pick one from a model directory with
 * {@link Tokenizers#load}.
 */
public interface TextTokenizer extends AutoCloseable {

    /** Token ids of {@code text}, with the BOS id first when {@code addBos}; never an EOS. */
    int[] encode(String text, boolean addBos);

    /** The text of {@code ids}, special tokens skipped (sentencepiece-style leading space removed). */
    String decode(int[] ids);

    /**
     * The text of {@code ids} with special tokens written out ({@code <s>}, {@code <|im_end|>}): what a
     * prompt template wrote, for people to read. The default skips them, as {@link #decode}.
     */
    default String decodeWithSpecialTokens(int[] ids) {
        return decode(ids);
    }

    /**
     * What llama2.c's run.c prints for token {@code id} following {@code prev}: the leading space is
     * stripped after BOS, a raw byte token {@code <0xNN>} prints as that byte (nothing when the byte is
     * neither printable nor whitespace). Concatenating the pieces of a sequence gives run.c's output.
     */
    String decodePiece(int prev, int id);

    int bosId();

    int eosId();

    int vocabSize();

    /**
     * The most characters of text one token can stand for, when the tokenizer bounds it: then a text of
     * more than {@code n * longestPieceChars()} characters has more than {@code n} tokens, so the
     * dataset stage can refuse a record that is too long without tokenizing it. Empty when one token
     * may cover any length (a fused {@code <unk>}, WordPiece's {@code [UNK]} for a whole word).
     */
    default OptionalInt longestPieceChars() {
        return OptionalInt.empty();
    }

    /** SHA-256 (hex) of the tokenizer definition file, to pin datasets to a tokenizer. */
    String sha256();

    @Override
    default void close() {}
}
