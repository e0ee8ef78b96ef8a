package org.lorapipe.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;

/**
 * How keys and values are laid out for the two attention products, shared by the model's forward and
 * the trainer's so that both compute the same numbers.
 *
 * <p>Heads narrower than {@link #WIDE_HEAD} (stories260K's are 8) are packed: with so few columns, the
 * products whose result has hs columns (att v, and in backward d(q) and d(att^T)) hit a slow path of the
 * engine's sgemm when their right operand is row-major: [32, 256, 128] x [32, 128, 8] takes 1.2 ms,
 * 0.6 ms with the right operand a transposed view (libtorch 2.7 with MKL, 2026-11-29). Copying k^T and
 * v^T into contiguous [hs, Tk] blocks makes those operands transposed views: attention forward and
 * backward of one stories260K layer 9.4 -> 6.8 ms. At hs = 64 both layouts time the same, and the copies
 * would be pure cost, so wider heads are used as they come.
 */
public final class HeadLayout {

    /** Head sizes from this one up are not packed. */
    public static final int WIDE_HEAD = 32;

    private HeadLayout() {}

    /**
     * A projection's output [B, T, h*hs] as heads [B, h, T, hs], through the per-head RMSNorm when the
     * architecture has one (Qwen3's q_norm / k_norm, applied before the rotary embedding).
     */
    public static NDArray split(NDArray x, long b, long t, int h, int hs, RmsNorm norm) {
        NDArray heads = x.reshape(b, t, h, hs); // [B, T, h, hs]
        if (norm != null) {
            heads = norm.forward(heads); // [B, T, h, hs]
        }
        return heads.transpose(0, 2, 1, 3); // [B, h, T, hs]
    }

    /** k [B, nkv, Tk, hs] as the right operand of q k^T: [B, nkv, hs, Tk]. */
    public static NDArray keysTransposed(NDArray k) {
        NDArray kt = k.transpose(0, 1, 3, 2); // [B, nkv, hs, Tk]
        return narrow(k) ? packed(kt) : kt;
    }

    /** v [B, nkv, Tk, hs] as the right operand of att v: [B, nkv, Tk, hs]. */
    public static NDArray values(NDArray v) {
        return narrow(v) ? packed(v.transpose(0, 1, 3, 2)).transpose(0, 1, 3, 2) : v; // over [B, nkv, hs, Tk]
    }

    private static boolean narrow(NDArray headsLast) {
        return headsLast.getShape().get(3) < WIDE_HEAD;
    }

    /**
     * {@code x} [a, b, c, d] (any strides) copied into contiguous memory of the same shape. A reshape that
     * cannot be a view copies, and its backward is a reshape: one copy each way, recorded by autograd.
     */
    private static NDArray packed(NDArray x) {
        Shape s = x.getShape();
        return x.reshape(s.get(0), s.get(1), s.get(2) * s.get(3)).reshape(s); // [a, b, c, d]
    }
}
