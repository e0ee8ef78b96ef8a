package org.lorapipe.model.io;

import java.util.Arrays;

/**
 * Where one tensor lives: its name, storage dtype, shape and byte range (relative to the start of the
 * data section of its file).
 */
public record TensorInfo(String name, DType dtype, long[] shape, long begin, long end) {

    public TensorInfo {
        shape = shape.clone();
    }

    public static TensorInfo of(String name, DType dtype, long... shape) {
        long n = elementCount(shape);
        return new TensorInfo(name, dtype, shape, 0, n * dtype.bytes());
    }

    @Override
    public long[] shape() {
        return shape.clone();
    }

    public long numel() {
        return elementCount(shape);
    }

    public long byteSize() {
        return end - begin;
    }

    public static long elementCount(long[] shape) {
        long n = 1;
        for (long d : shape) {
            n = Math.multiplyExact(n, d);
        }
        return n;
    }

    public String shapeString() {
        return Arrays.toString(shape);
    }
}
