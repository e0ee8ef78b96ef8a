package org.lorapipe.model.tokenizer;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.PriorityQueue;
import org.lorapipe.model.ModelFormatException;

/**
 * The llama2.c tokenizer ({@code tokenizer.bin}, {@code tok512.bin}), behaving exactly like run.c.
 *
 * <p>File: int32 max_token_length, then per token: float32 score, int32 byte length, bytes. Id 0 is
 * {@code <unk>}, 1 BOS, 2 EOS; byte fallbacks {@code <0xNN>} sit at id NN + 3.
 *
 * <p>Encoding (run.c {@code encode}): BOS if asked; a dummy-prefix " " token when the text is not
 * empty; each UTF-8 character becomes its token, or its bytes' fallback tokens (byte + 3); then,
 * repeatedly, the adjacent pair whose concatenation is a token with the highest score (leftmost on
 * ties) is merged until no pair merges.
 */
public final class Llama2cTokenizer implements TextTokenizer {

    public static final int UNK = 0;
    public static final int BOS = 1;
    public static final int EOS = 2;
    public static final int BYTE_OFFSET = 3;

    private final String[] pieces;
    private final float[] scores;
    private final int maxTokenLength;
    private final Map<String, Integer> lookup;
    private final String sha256;

    private Llama2cTokenizer(String[] pieces, float[] scores, int maxTokenLength, String sha256) {
        this.pieces = pieces;
        this.scores = scores;
        this.maxTokenLength = maxTokenLength;
        this.sha256 = sha256;
        this.lookup = new HashMap<>(pieces.length * 2);
        for (int i = 0; i < pieces.length; i++) {
            lookup.putIfAbsent(pieces[i], i); // run.c's bsearch finds one of equal strings; keep the first
        }
    }

    /** Reads a llama2.c tokenizer file; the token count is whatever the file holds. */
    public static Llama2cTokenizer load(Path file) {
        byte[] data;
        try {
            data = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            throw new ModelFormatException("llama2.c tokenizer not found: " + file);
        } catch (IOException e) {
            throw new ModelFormatException("cannot read llama2.c tokenizer " + file + ": " + e.getMessage(), e);
        }
        ByteBuffer b = ByteBuffer.wrap(data).order(ByteOrder.LITTLE_ENDIAN);
        if (data.length < 4) {
            throw new ModelFormatException(file + ": too short for a llama2.c tokenizer (expected int32"
                    + " max_token_length, then score/length/bytes per token)");
        }
        int maxLen = b.getInt();
        if (maxLen <= 0 || maxLen > 1024) {
            throw new ModelFormatException(
                    file + ": implausible max_token_length " + maxLen + "; not a llama2.c tokenizer.bin");
        }
        List<String> pieces = new ArrayList<>();
        List<Float> scores = new ArrayList<>();
        while (b.hasRemaining()) {
            int id = pieces.size();
            if (b.remaining() < 8) {
                throw new ModelFormatException(file + ": truncated at token " + id + " (expected float32 score and"
                        + " int32 length, " + b.remaining() + " bytes left)");
            }
            float score = b.getFloat();
            int len = b.getInt();
            if (len < 0 || len > maxLen * 4 || len > b.remaining()) {
                throw new ModelFormatException(file + ": token " + id + " claims " + len + " bytes but " + b.remaining()
                        + " remain (max_token_length " + maxLen + "); the file is truncated or corrupt");
            }
            byte[] s = new byte[len];
            b.get(s);
            pieces.add(new String(s, StandardCharsets.UTF_8));
            scores.add(score);
        }
        if (pieces.size() < BYTE_OFFSET + 256) {
            throw new ModelFormatException(file + ": " + pieces.size() + " tokens; a llama2.c tokenizer has <unk>,"
                    + " BOS, EOS and 256 byte tokens at least");
        }
        float[] sc = new float[scores.size()];
        for (int i = 0; i < sc.length; i++) {
            sc[i] = scores.get(i);
        }
        return new Llama2cTokenizer(pieces.toArray(String[]::new), sc, maxLen, RuncPieces.sha256(data));
    }

    @Override
    public int[] encode(String text, boolean addBos) {
        int[] tokens = new int[text.length() + 3];
        int n = 0;
        if (addBos) {
            tokens[n++] = BOS;
        }
        if (!text.isEmpty()) {
            tokens[n++] = tokenOf(" "); // add_dummy_prefix
        }
        for (int i = 0; i < text.length(); ) {
            int cp = text.codePointAt(i);
            String ch = new String(Character.toChars(cp));
            i += Character.charCount(cp);
            Integer id = lookup.get(ch);
            if (n + 4 > tokens.length) {
                tokens = Arrays.copyOf(tokens, tokens.length * 2 + 8);
            }
            if (id != null) {
                tokens[n++] = id;
            } else {
                for (byte by : ch.getBytes(StandardCharsets.UTF_8)) {
                    tokens[n++] = (by & 0xFF) + BYTE_OFFSET; // byte fallback
                }
            }
        }
        return mergeByScore(tokens, n);
    }

    /**
     * run.c's merge loop with run.c's result: while some adjacent pair's concatenation is a token, merge
     * the pair with the highest score, the leftmost of equal scores. run.c scans the whole sequence for
     * every merge (quadratic: hours for a 1 MiB record); here the candidate pairs wait in a heap ordered
     * by (score, position) and the sequence is a linked list, so each merge costs O(log n). A candidate
     * is stale when either side has changed since it was queued ({@code version}), and is skipped.
     */
    private int[] mergeByScore(int[] tokens, int n) {
        int[] next = new int[n];
        int[] prev = new int[n];
        int[] version = new int[n];
        for (int i = 0; i < n; i++) {
            next[i] = i + 1 < n ? i + 1 : -1;
            prev[i] = i - 1;
        }
        PriorityQueue<Candidate> queue = new PriorityQueue<>(Math.max(1, n), Candidate.ORDER);
        for (int i = 0; i + 1 < n; i++) {
            offer(queue, tokens, version, i, i + 1);
        }
        int alive = n;
        for (Candidate c; (c = queue.poll()) != null; ) {
            if (next[c.left] != c.right || version[c.left] != c.leftVersion || version[c.right] != c.rightVersion) {
                continue; // a neighbour merged first
            }
            tokens[c.left] = c.merged;
            version[c.left]++;
            version[c.right] = -1; // gone: every candidate naming it is stale
            int after = next[c.right];
            next[c.left] = after;
            if (after >= 0) {
                prev[after] = c.left;
                offer(queue, tokens, version, c.left, after);
            }
            if (prev[c.left] >= 0) {
                offer(queue, tokens, version, prev[c.left], c.left);
            }
            alive--;
        }
        int[] out = new int[alive];
        int k = 0;
        for (int i = n > 0 ? 0 : -1; i >= 0; i = next[i]) {
            out[k++] = tokens[i];
        }
        return out;
    }

    /** Queues the pair (left, right) when its concatenation is a token run.c would merge. */
    private void offer(PriorityQueue<Candidate> queue, int[] tokens, int[] version, int left, int right) {
        int id = pair(tokens[left], tokens[right]);
        // run.c starts its best score at -1e10 and compares with '>': lower scores and NaN never merge
        if (id >= 0 && scores[id] > -1e10f) {
            queue.add(new Candidate(scores[id], left, right, id, version[left], version[right]));
        }
    }

    /** A pair that may merge; positions are the list's node indices, which keep the text's order. */
    private record Candidate(float score, int left, int right, int merged, int leftVersion, int rightVersion) {
        /** Highest score first; equal scores (0.0 equals -0.0, as with run.c's '>') leftmost first. */
        static final Comparator<Candidate> ORDER = (a, b) -> {
            if (a.score > b.score) {
                return -1;
            }
            if (a.score < b.score) {
                return 1;
            }
            return Integer.compare(a.left, b.left);
        };
    }

    private int pair(int a, int b) {
        Integer id = lookup.get(pieces[a] + pieces[b]);
        return id == null ? -1 : id;
    }

    private int tokenOf(String s) {
        Integer id = lookup.get(s);
        if (id == null) {
            throw new ModelFormatException("llama2.c tokenizer has no token for '" + s + "'");
        }
        return id;
    }

    @Override
    public String decodePiece(int prev, int id) {
        String piece = pieces[id];
        if (prev == BOS && piece.startsWith(" ")) {
            piece = piece.substring(1); // sentencepiece strips the leading space after BOS
        }
        int b = RuncPieces.byteValue(piece);
        if (b >= 0) {
            return RuncPieces.printableByte(b);
        }
        return RuncPieces.printable(piece);
    }

    @Override
    public String decode(int[] ids) {
        return decode(ids, false);
    }

    /**
     * As {@link #decode}, with {@code <unk>}, {@code <s>} and {@code </s>} written out; the space a
     * word carries after {@code <s>} stays, as Hugging Face's Llama decoders keep it.
     */
    @Override
    public String decodeWithSpecialTokens(int[] ids) {
        return decode(ids, true);
    }

    private String decode(int[] ids, boolean specials) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (int id : ids) {
            if (id == UNK || id == BOS || id == EOS) {
                if (specials) {
                    out.writeBytes((id == UNK ? "<unk>" : id == BOS ? "<s>" : "</s>").getBytes(StandardCharsets.UTF_8));
                }
                continue;
            }
            String piece = pieces[id];
            int b = isByteToken(id) ? RuncPieces.byteValue(piece) : -1;
            if (b >= 0) {
                out.write(b);
            } else {
                out.writeBytes(piece.getBytes(StandardCharsets.UTF_8));
            }
        }
        String s = out.toString(StandardCharsets.UTF_8);
        return s.startsWith(" ") ? s.substring(1) : s;
    }

    /** Ids 3..258 are the byte fallbacks {@code <0x00>..<0xFF>}. */
    public boolean isByteToken(int id) {
        return id >= BYTE_OFFSET && id < BYTE_OFFSET + 256;
    }

    /** The raw piece (spaces as ' ', BOS/EOS as run.c stores them: "\n<s>\n", "\n</s>\n"). */
    public String piece(int id) {
        return pieces[id];
    }

    public float score(int id) {
        return scores[id];
    }

    /** Every character becomes a piece or byte pieces (never {@code <unk>}): the longest piece bounds it. */
    @Override
    public OptionalInt longestPieceChars() {
        int longest = 1;
        for (String piece : pieces) {
            longest = Math.max(longest, piece.length());
        }
        return OptionalInt.of(longest);
    }

    public int maxTokenLength() {
        return maxTokenLength;
    }

    @Override
    public int bosId() {
        return BOS;
    }

    @Override
    public int eosId() {
        return EOS;
    }

    @Override
    public int vocabSize() {
        return pieces.length;
    }

    @Override
    public String sha256() {
        return sha256;
    }
}
