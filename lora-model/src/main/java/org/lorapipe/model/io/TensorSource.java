package org.lorapipe.model.io;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.io.Closeable;
import java.util.List;

/**
 * A set of named tensors that can be materialised one at a time as fp32 NDArrays: a safetensors file,
 * a sharded checkpoint, a llama2.c file, or arrays already in memory. Never loads more than one tensor.
 */
public interface TensorSource extends Closeable {

    /** Tensor names in storage order. */
    List<String> names();

    boolean contains(String name);

    /** Storage dtype and shape; throws {@link org.lorapipe.model.ModelFormatException} for unknown names. */
    TensorInfo info(String name);

    /** Reads the tensor as a new fp32 array attached to {@code manager}. */
    NDArray load(String name, NDManager manager);

    @Override
    default void close() {}
}
