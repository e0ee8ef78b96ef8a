package org.lorapipe.tuning.nf4;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.ndarray.types.SparseFormat;
import ai.djl.nn.core.Embedding;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import org.lorapipe.model.LinearLayer;

/**
 * A frozen linear whose weight is held only as NF4 codes + scales (bitsandbytes {@code Linear4bit}) and
 * dequantized to fp32 inside every forward call, in the caller's scope:
 *
 * <pre>
 *   pairs  = LUT[codes]                  // [n/2, 2]  LUT[byte] = (CODE[hi nibble], CODE[lo nibble])
 *   absmax = DYN[qabsmax] * absmax2 + offset        (double quant) or the fp32 absmax
 *   W      = (pairs.reshape(blocks, 64) * absmax[:, None]).reshape(out, in)
 *   y      = x W^T + b
 * </pre>
 *
 * No bitwise ops on NDArrays: a 256-entry table (looked up with an embedding gather) splits each byte.
 * Codes are UINT8 arrays (created from a ByteBuffer; {@code create(byte[])} would give int8).
 */
public final class Nf4Linear implements LinearLayer {

    private final int out;
    private final int in;
    private final NDArray codes; // [ceil(n/2)] uint8
    private final NDArray lut; // [256, 2] fp32
    private final NDArray absmax; // [blocks] fp32, or null with double quant
    private final NDArray qAbsmax; // [blocks rounded up to a multiple of 256] uint8
    private final NDArray dynamicMap; // [256] fp32
    private final NDArray absmax2; // [blocks / 256, 1] fp32
    private final NDArray bias; // [out] or null
    private final int blocks;
    private final int blockSize;
    private final int numel;
    private final float offset;
    private final long bytes; // codes + scales as held (bitsandbytes' accounting)

    public Nf4Linear(Nf4Tensor t, NDArray bias, NDManager manager) {
        if (t.shape().length != 2) {
            throw new IllegalArgumentException("NF4 linear needs a 2-d weight, got " + t.shape().length + " dims");
        }
        this.out = (int) t.shape()[0];
        this.in = (int) t.shape()[1];
        this.codes = uint8(manager, t.packed());
        float[] table = new float[512];
        for (int b = 0; b < 256; b++) {
            table[2 * b] = Nf4.CODE[b >>> 4];
            table[2 * b + 1] = Nf4.CODE[b & 15];
        }
        this.lut = manager.create(table, new Shape(256, 2));
        Nf4Tensor.Scales s = t.scales();
        if (s.doubleQuantized()) {
            this.absmax = null;
            // padded to whole blocks of 256 on the device so it reshapes to [blocks2, 256]
            this.qAbsmax =
                    uint8(manager, java.util.Arrays.copyOf(s.quantized(), s.absmax2().length * DoubleQuant.BLOCK));
            this.dynamicMap = manager.create(DynamicMap.CODE);
            this.absmax2 = manager.create(s.absmax2(), new Shape(s.absmax2().length, 1));
        } else {
            this.absmax = manager.create(s.plain());
            this.qAbsmax = null;
            this.dynamicMap = null;
            this.absmax2 = null;
        }
        this.bias = bias;
        this.blocks = t.blocks();
        this.blockSize = t.blockSize();
        this.numel = t.numel();
        this.offset = s.offset();
        this.bytes = t.bytes();
        // the heap copy of the codes is not kept: the device tensors above are the only 4-bit copy
    }

    private static NDArray uint8(NDManager m, byte[] bytes) {
        ByteBuffer buf = ByteBuffer.allocateDirect(bytes.length).order(ByteOrder.nativeOrder());
        buf.put(bytes).flip();
        return m.create(buf, new Shape(bytes.length), DataType.UINT8);
    }

    /** The fp32 weight [out, in], attached to {@code scope}. */
    public NDArray dequantize(NDManager scope) {
        // int32 indices and an in-place scale: every fresh buffer is page-faulted in (services return
        // freed memory to the OS), so fewer and smaller temporaries are most of the speed here
        NDArray idx = codes.toType(DataType.INT32, true); // [n/2], short-lived
        idx.attach(scope);
        NDArray pairs = Embedding.embedding(idx, lut, SparseFormat.DENSE).singletonOrThrow(); // [n/2, 2]
        pairs.attach(scope);
        idx.close();
        NDArray scales;
        if (absmax != null) {
            scales = absmax.reshape(blocks, 1); // [blocks, 1]
            scales.attach(scope);
        } else {
            NDArray q = qAbsmax.toType(DataType.INT64, true);
            q.attach(scope);
            NDArray centred = dynamicMap.take(scope, q).reshape(-1, DoubleQuant.BLOCK); // [blocks2, 256]
            NDArray all = centred.mul(absmax2).add(offset).reshape(-1); // [blocks2 * 256]
            scales = all.get(new NDIndex(":" + blocks)).reshape(blocks, 1); // [blocks, 1]
        }
        long padded = (long) blocks * blockSize;
        NDArray flat = pairs.reshape(-1); // [2 * ceil(n/2)]
        if (flat.getShape().size() != padded) {
            NDArray pad = scope.zeros(new Shape(padded - flat.getShape().size()));
            flat = flat.concat(pad);
        }
        NDArray w = flat.reshape(blocks, blockSize).muli(scales).reshape(-1); // [blocks * bs]
        if (padded != numel) {
            w = w.get(new NDIndex(":" + numel));
        }
        return w.reshape(out, in); // [out, in]
    }

    @Override
    public NDArray forward(NDArray x) {
        NDManager target = x.getManager();
        try (NDManager scope = target.newSubManager()) {
            NDArray w = dequantize(scope); // [out, in], freed when the scope closes (autograd keeps what it needs)
            NDArray y = ai.djl.nn.core.Linear.linear(x, w, bias).singletonOrThrow(); // [..., out]
            y.attach(target);
            return y;
        }
    }

    /** Bytes the weight is held in: codes + scales (a bias is a model weight of its own, held in fp32). */
    public long bytes() {
        return bytes;
    }

    @Override
    public int inFeatures() {
        return in;
    }

    @Override
    public int outFeatures() {
        return out;
    }
}
