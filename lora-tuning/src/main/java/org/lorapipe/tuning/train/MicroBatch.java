package org.lorapipe.tuning.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.List;
import org.lorapipe.contract.dataset.TokenizedSequence;
import org.lorapipe.model.AttentionMask;
import org.lorapipe.model.LlamaConfig;

/**
 * One forward pass worth of sequences as arrays, right-padded to the longest sequence.
 *
 * <p>Labels: {@code trainable[i]} means the model's prediction for position i (made at position i - 1
 * from ids[&lt; i]) counts in the loss, so targets are ids[1:] with weights trainable[1:]. Padding never
 * counts. With packed sequences ({@code starts} of more than one entry) the attention mask is block
 * diagonal (a token attends only to earlier tokens of its own example) and positions restart at 0 for
 * each example, so a packed example sees exactly what it would see alone; the first token of an
 * example is never a label (nothing of its own example precedes it). Right padding needs no key mask:
 * causal attention never lets a real token see a later pad.
 *
 * @param ids [B, T] int64
 * @param positions [B, T] float32 RoPE positions
 * @param mask additive attention mask [1|B, 1, T, T] of globally attending layers, or null when every layer
 *     is windowed
 * @param windowMask the same with the sliding window applied, for windowed layers; null without a window
 * @param targets [B, T-1] int64, ids shifted left
 * @param weights [B, T-1] float32, 1 where the label counts
 * @param weightValues the same weights on the heap (for exact loss sums)
 * @param countedTokens number of labels that count
 * @param tokens real (non-padding) tokens
 */
public record MicroBatch(
        NDArray ids,
        NDArray positions,
        NDArray mask,
        NDArray windowMask,
        NDArray targets,
        NDArray weights,
        float[] weightValues,
        int countedTokens,
        long tokens) {

    /** Builds the arrays in {@code m} for full causal attention; sequences must be non-empty. */
    public static MicroBatch of(NDManager m, List<TokenizedSequence> seqs) {
        return of(m, seqs, 0, true);
    }

    /** As {@link #of(NDManager, List)} with the masks {@code config}'s layers read (global, windowed or both). */
    public static MicroBatch of(NDManager m, List<TokenizedSequence> seqs, LlamaConfig config) {
        return of(m, seqs, config.hasWindowedLayers() ? config.slidingWindow() : 0, config.hasGlobalLayers());
    }

    /** Both masks, the window one of {@code window} keys (0: windowed layers attend globally too). */
    public static MicroBatch of(NDManager m, List<TokenizedSequence> seqs, int window) {
        return of(m, seqs, window, true);
    }

    /**
     * As {@link #of(NDManager, List)} plus a window mask of {@code window} keys (0: none); the global mask
     * only when {@code global} (a model whose every layer is windowed never reads it).
     */
    public static MicroBatch of(NDManager m, List<TokenizedSequence> seqs, int window, boolean global) {
        int b = seqs.size();
        int t = seqs.stream().mapToInt(TokenizedSequence::length).max().orElse(0);
        if (b == 0 || t < 2) {
            throw new IllegalArgumentException("a micro-batch needs sequences of at least 2 tokens");
        }
        boolean packed = seqs.stream().anyMatch(s -> s.starts().length > 1);
        long[] ids = new long[b * t];
        long[] targets = new long[b * (t - 1)];
        float[] weights = new float[b * (t - 1)];
        float[] positions = new float[b * t];
        int[] segment = new int[b * t];
        int counted = 0;
        long tokens = 0;
        for (int r = 0; r < b; r++) {
            TokenizedSequence s = seqs.get(r);
            int n = s.length();
            tokens += n;
            int seg = 0;
            int segStart = 0;
            for (int i = 0; i < t; i++) {
                int idx = r * t + i;
                if (i < n) {
                    if (seg + 1 < s.starts().length && s.starts()[seg + 1] == i) {
                        seg++;
                        segStart = i;
                    }
                    ids[idx] = s.ids()[i];
                    positions[idx] = i - segStart;
                    segment[idx] = seg;
                } else {
                    ids[idx] = 0; // padding: any valid id, never a counted label
                    positions[idx] = i - segStart;
                    segment[idx] = -1 - i; // each pad token alone
                }
                if (i >= 1) {
                    int j = r * (t - 1) + i - 1;
                    targets[j] = ids[idx];
                    boolean count = i < n && s.trainable()[i] && segment[idx] == segment[idx - 1];
                    weights[j] = count ? 1f : 0f;
                    counted += count ? 1 : 0;
                }
            }
        }
        NDArray idArr = m.create(ids, new Shape(b, t));
        NDArray posArr = packed
                ? m.create(positions, new Shape(b, t))
                : AttentionMask.build(m, b, t, 0, null, 0).positions(); // [B, T]
        return new MicroBatch(
                idArr,
                posArr,
                global ? mask(m, b, t, segment, packed, 0) : null,
                window > 0 ? mask(m, b, t, segment, packed, window) : null,
                m.create(targets, new Shape(b, t - 1)),
                m.create(weights, new Shape(b, t - 1)),
                weights,
                counted,
                tokens);
    }

    /** The additive mask [1|B, 1, T, T]: block diagonal over examples when packed, within {@code window} keys (0: all). */
    private static NDArray mask(NDManager m, int b, int t, int[] segment, boolean packed, int window) {
        if (!packed) {
            return AttentionMask.build(m, b, t, 0, null, window).additive(); // the model's own causal mask
        }
        float[] add = new float[b * t * t];
        for (int r = 0; r < b; r++) {
            for (int q = 0; q < t; q++) {
                for (int k = 0; k < t; k++) {
                    boolean ok = k <= q && segment[r * t + k] == segment[r * t + q] && (window == 0 || q - k < window);
                    add[(r * t + q) * t + k] = ok ? 0f : AttentionMask.BLOCKED;
                }
            }
        }
        return m.create(add, new Shape(b, 1, t, t));
    }

    /** Labels of {@code s} that count: i &gt;= 1, trainable[i], and i is not the first token of an example. */
    public static int countedLabels(TokenizedSequence s) {
        int n = 0;
        int seg = 0;
        for (int i = 1; i < s.length(); i++) {
            boolean start = seg + 1 < s.starts().length && s.starts()[seg + 1] == i;
            if (start) {
                seg++;
            } else if (s.trainable()[i]) {
                n++;
            }
        }
        return n;
    }

    public int batchSize() {
        return (int) ids.getShape().get(0);
    }

    public int length() {
        return (int) ids.getShape().get(1);
    }
}
