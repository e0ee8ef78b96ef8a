package org.lorapipe.model.io;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.lorapipe.model.ModelFormatException;

/** Arrays already in memory (a loaded model, merged weights) seen as a {@link TensorSource}. */
public final class NDArrayTensorSource implements TensorSource {

    private final Map<String, NDArray> arrays;

    public NDArrayTensorSource(Map<String, NDArray> arrays) {
        this.arrays = new LinkedHashMap<>(arrays);
    }

    @Override
    public List<String> names() {
        return List.copyOf(arrays.keySet());
    }

    @Override
    public boolean contains(String name) {
        return arrays.containsKey(name);
    }

    @Override
    public TensorInfo info(String name) {
        return TensorInfo.of(name, DType.F32, array(name).getShape().getShape());
    }

    /** A fp32 copy attached to {@code manager}. */
    @Override
    public NDArray load(String name, NDManager manager) {
        NDArray a = array(name);
        NDArray copy = a.toType(DataType.FLOAT32, true);
        copy.attach(manager);
        return copy;
    }

    private NDArray array(String name) {
        NDArray a = arrays.get(name);
        if (a == null) {
            throw new ModelFormatException("no tensor named '" + name + "' among " + arrays.size() + " arrays");
        }
        return a;
    }
}
