package org.lorapipe.dataset.domain;

import java.util.List;
import java.util.OptionalInt;
import org.lorapipe.model.tokenizer.TextTokenizer;

/**
 * A tokenizer for chat-template tests that needs no native library: each special token of the test
 * templates ({@code <|im_end|>}, {@code <|eot_id|>}, ...) is one token, matched in the text as Hugging Face
 * tokenizers match added tokens, and every other character is a token of its own, so text decodes back
 * exactly. The real tokenizers go through the same path in {@code DatasetServiceContractTest}.
 */
final class SpecialTokenTokenizer implements TextTokenizer {
    static final List<String> SPECIAL = List.of(
            "<|im_start|>",
            "<|im_end|>",
            "<|begin_of_text|>",
            "<|start_header_id|>",
            "<|end_header_id|>",
            "<|eot_id|>",
            "<s>",
            "</s>",
            "<bos>",
            "<eos>",
            "<start_of_turn>",
            "<end_of_turn>",
            "<|user|>",
            "<|assistant|>",
            "<|end|>",
            "<|endoftext|>");
    private static final int FIRST_CHAR = 1000;

    private final int bos;
    private final int eos;

    /** @param bos the BOS token's text, or null; @param eos the EOS token's text */
    SpecialTokenTokenizer(String bos, String eos) {
        this.bos = bos == null ? -1 : SPECIAL.indexOf(bos);
        this.eos = SPECIAL.indexOf(eos);
    }

    /** The id of a special token. */
    static int id(String special) {
        return SPECIAL.indexOf(special);
    }

    @Override
    public int[] encode(String text, boolean addBos) {
        List<Integer> ids = new java.util.ArrayList<>();
        if (addBos && bos >= 0) {
            ids.add(bos);
        }
        for (int i = 0; i < text.length(); ) {
            int special = -1;
            for (int s = 0; s < SPECIAL.size() && special < 0; s++) {
                if (text.startsWith(SPECIAL.get(s), i)) {
                    special = s;
                }
            }
            if (special >= 0) {
                ids.add(special);
                i += SPECIAL.get(special).length();
            } else {
                int cp = text.codePointAt(i);
                ids.add(FIRST_CHAR + cp);
                i += Character.charCount(cp);
            }
        }
        return ids.stream().mapToInt(Integer::intValue).toArray();
    }

    @Override
    public String decode(int[] ids) {
        return decode(ids, false);
    }

    @Override
    public String decodeWithSpecialTokens(int[] ids) {
        return decode(ids, true);
    }

    private static String decode(int[] ids, boolean specials) {
        StringBuilder out = new StringBuilder();
        for (int id : ids) {
            if (id < FIRST_CHAR) {
                out.append(specials ? SPECIAL.get(id) : "");
            } else {
                out.appendCodePoint(id - FIRST_CHAR);
            }
        }
        return out.toString();
    }

    @Override
    public String decodePiece(int prev, int id) {
        return decode(new int[] {id}, true);
    }

    @Override
    public int bosId() {
        return bos;
    }

    @Override
    public int eosId() {
        return eos;
    }

    @Override
    public int vocabSize() {
        return FIRST_CHAR + Character.MAX_CODE_POINT + 1;
    }

    @Override
    public OptionalInt longestPieceChars() {
        return OptionalInt.of(SPECIAL.stream().mapToInt(String::length).max().orElse(1));
    }

    @Override
    public String sha256() {
        return "0".repeat(64);
    }
}
