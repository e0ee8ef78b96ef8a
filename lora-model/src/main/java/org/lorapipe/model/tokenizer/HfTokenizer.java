package org.lorapipe.model.tokenizer;

import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.OptionalInt;
import java.util.Set;
import org.lorapipe.model.DjlRuntime;
import org.lorapipe.model.ModelFormatException;

/**
 * A Hugging Face {@code tokenizer.json} through DJL's {@link HuggingFaceTokenizer} (no truncation, no
 * padding, special tokens added by us: BOS only when asked). The vocabulary is read from the JSON as
 * well, for the vocabulary size and to print byte-fallback tokens the way run.c does.
 */
public final class HfTokenizer implements TextTokenizer {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final HuggingFaceTokenizer tokenizer;
    private final Map<Integer, String> idToToken;
    private final Set<Integer> specialIds;
    private final boolean byteFallback;
    private final int vocabSize;
    private final int bosId;
    private final int eosId;
    private final String sha256;
    private final OptionalInt longestPieceChars;

    private HfTokenizer(
            HuggingFaceTokenizer tokenizer,
            Map<Integer, String> idToToken,
            Set<Integer> specialIds,
            boolean byteFallback,
            int vocabSize,
            int bosId,
            int eosId,
            String sha256,
            OptionalInt longestPieceChars) {
        this.tokenizer = tokenizer;
        this.idToToken = idToToken;
        this.specialIds = specialIds;
        this.byteFallback = byteFallback;
        this.vocabSize = vocabSize;
        this.bosId = bosId;
        this.eosId = eosId;
        this.sha256 = sha256;
        this.longestPieceChars = longestPieceChars;
    }

    /**
     * Loads {@code tokenizer.json}. BOS/EOS ids: the given ones when >= 0, else looked up from
     * tokenizer_config.json's bos_token/eos_token next to the file, else -1.
     */
    public static HfTokenizer load(Path tokenizerJson, int bosId, int eosId) {
        byte[] bytes;
        JsonNode root;
        try {
            bytes = Files.readAllBytes(tokenizerJson);
            root = JSON.readTree(bytes);
        } catch (NoSuchFileException e) {
            throw new ModelFormatException("tokenizer.json not found: " + tokenizerJson);
        } catch (IOException e) {
            throw new ModelFormatException(tokenizerJson + " is not valid JSON: " + e.getMessage(), e);
        }
        JsonNode model = root == null ? null : root.get("model");
        if (model == null || !model.has("type") && !model.has("vocab")) {
            throw new ModelFormatException(
                    tokenizerJson + " has no \"model\" section; not a Hugging Face tokenizer.json");
        }
        Map<Integer, String> idToToken = new HashMap<>();
        Map<String, Integer> tokenToId = new HashMap<>();
        JsonNode vocab = model.get("vocab");
        if (vocab != null && vocab.isObject()) {
            vocab.fields().forEachRemaining(e -> {
                idToToken.put(e.getValue().asInt(), e.getKey());
                tokenToId.put(e.getKey(), e.getValue().asInt());
            });
        } else if (vocab != null && vocab.isArray()) { // Unigram: [[piece, score], ...]
            for (int i = 0; i < vocab.size(); i++) {
                idToToken.put(i, vocab.get(i).get(0).asText());
                tokenToId.put(vocab.get(i).get(0).asText(), i);
            }
        }
        Set<Integer> special = new HashSet<>();
        for (JsonNode t : root.path("added_tokens")) {
            int id = t.path("id").asInt();
            idToToken.put(id, t.path("content").asText());
            tokenToId.put(t.path("content").asText(), id);
            if (t.path("special").asBoolean(false)) {
                special.add(id);
            }
        }
        int size = idToToken.keySet().stream().mapToInt(Integer::intValue).max().orElse(-1) + 1;
        boolean byteFallback = model.path("byte_fallback").asBoolean(false);
        JsonNode cfg = readOptional(tokenizerJson.resolveSibling("tokenizer_config.json"));
        int bos = bosId >= 0 ? bosId : idOf(cfg, "bos_token", tokenToId);
        int eos = eosId >= 0 ? eosId : idOf(cfg, "eos_token", tokenToId);
        DjlRuntime.engine(); // offline mode before the tokenizer library initialises
        HuggingFaceTokenizer tok;
        try {
            tok = HuggingFaceTokenizer.newInstance(
                    tokenizerJson, Map.of("addSpecialTokens", "false", "truncation", "false", "padding", "false"));
        } catch (IOException | RuntimeException e) {
            throw new ModelFormatException(
                    "Hugging Face tokenizers cannot load " + tokenizerJson + ": " + e.getMessage(), e);
        }
        return new HfTokenizer(
                tok,
                idToToken,
                special,
                byteFallback,
                size,
                bos,
                eos,
                RuncPieces.sha256(bytes),
                longestPiece(model, idToToken.values()));
    }

    /**
     * A BPE model whose unknown characters become byte tokens ({@code byte_fallback}) or one
     * {@code <unk>} each (no {@code fuse_unk}) covers at most its longest vocabulary entry per token
     * (byte-level entries hold one character per byte, so at least as many as the text's characters).
     * Other models (a fused {@code <unk>}, WordPiece, Unigram) have no such bound.
     */
    private static OptionalInt longestPiece(JsonNode model, java.util.Collection<String> pieces) {
        boolean bpe = "BPE".equals(model.path("type").asText("BPE"));
        boolean bounded = bpe
                && (model.path("byte_fallback").asBoolean(false)
                        || !model.path("fuse_unk").asBoolean(false));
        if (!bounded) {
            return OptionalInt.empty();
        }
        // the vocabulary and the added tokens (matched in the text as they are written)
        int longest = 1;
        for (String piece : pieces) {
            longest = Math.max(longest, piece.length());
        }
        return OptionalInt.of(longest);
    }

    private static JsonNode readOptional(Path p) {
        try {
            return Files.isRegularFile(p) ? JSON.readTree(p.toFile()) : null;
        } catch (IOException e) {
            throw new ModelFormatException(p + " is not valid JSON: " + e.getMessage(), e);
        }
    }

    private static int idOf(JsonNode cfg, String field, Map<String, Integer> tokenToId) {
        if (cfg == null || !cfg.hasNonNull(field)) {
            return -1;
        }
        JsonNode n = cfg.get(field);
        String content = n.isObject() ? n.path("content").asText() : n.asText();
        return tokenToId.getOrDefault(content, -1);
    }

    @Override
    public int[] encode(String text, boolean addBos) {
        long[] ids = tokenizer.encode(text, false, false).getIds();
        boolean bos = addBos && bosId >= 0;
        int[] out = new int[ids.length + (bos ? 1 : 0)];
        int n = 0;
        if (bos) {
            out[n++] = bosId;
        }
        for (long id : ids) {
            out[n++] = (int) id;
        }
        return out;
    }

    @Override
    public OptionalInt longestPieceChars() {
        return longestPieceChars;
    }

    @Override
    public String decode(int[] ids) {
        return tokenizer.decode(longs(ids), true);
    }

    @Override
    public String decodeWithSpecialTokens(int[] ids) {
        return tokenizer.decode(longs(ids), false);
    }

    private static long[] longs(int[] ids) {
        long[] l = new long[ids.length];
        for (int i = 0; i < ids.length; i++) {
            l[i] = ids[i];
        }
        return l;
    }

    /**
     * The text {@code id} adds after {@code prev}: decode([prev, id]) minus decode([prev]), so decoders
     * that strip the first space (Llama) do so only after BOS, as run.c does. Byte-fallback tokens
     * print like run.c's safe_printf.
     */
    @Override
    public String decodePiece(int prev, int id) {
        String token = idToToken.get(id);
        if (byteFallback
                && token != null
                && token.length() == 6
                && RuncPieces.byteValue(token) >= 0
                && token.endsWith(">")) {
            return RuncPieces.printableByte(RuncPieces.byteValue(token));
        }
        String alone = tokenizer.decode(new long[] {id}, true);
        if (prev < 0 || specialIds.contains(prev)) {
            return alone;
        }
        String before = tokenizer.decode(new long[] {prev}, true);
        String both = tokenizer.decode(new long[] {prev, id}, true);
        return both.startsWith(before) ? both.substring(before.length()) : alone;
    }

    /** The vocabulary string of a token id (e.g. "▁the", "<0x0A>"), or null. */
    public String token(int id) {
        return idToToken.get(id);
    }

    public HuggingFaceTokenizer delegate() {
        return tokenizer;
    }

    @Override
    public int bosId() {
        return bosId;
    }

    @Override
    public int eosId() {
        return eosId;
    }

    @Override
    public int vocabSize() {
        return vocabSize;
    }

    @Override
    public String sha256() {
        return sha256;
    }

    @Override
    public void close() {
        tokenizer.close();
    }
}
