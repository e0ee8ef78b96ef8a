package org.lorapipe.tuning.train;

import ai.djl.ndarray.NDArray;
import java.util.Map;
import org.lorapipe.model.LinearLayer;
import org.lorapipe.model.LlamaModel;
import org.lorapipe.tuning.lora.LoraLinear;
import org.lorapipe.tuning.nf4.Nf4Linear;

/** Bytes held by a model's frozen base as it is actually stored (NF4 codes + scales where quantized). */
public final class ModelMemory {

    private ModelMemory() {}

    public static long weightBytes(LlamaModel model) {
        Map<String, LinearLayer> linears = model.linears().asMap();
        long total = 0;
        for (Map.Entry<String, NDArray> e : model.weights().entrySet()) {
            String name = e.getKey();
            String module = name.endsWith(".weight") ? name.substring(0, name.length() - ".weight".length()) : null;
            LinearLayer l = module == null ? null : linears.get(module);
            if (l != null && unwrap(l) instanceof Nf4Linear q) {
                total += q.bytes();
            } else {
                total += e.getValue().getShape().size()
                        * e.getValue().getDataType().getNumOfBytes();
            }
        }
        return total;
    }

    public static boolean hasQuantizedLinears(LlamaModel model) {
        return model.linears().asMap().values().stream().anyMatch(l -> unwrap(l) instanceof Nf4Linear);
    }

    static LinearLayer unwrap(LinearLayer l) {
        return l instanceof LoraLinear lora ? lora.base() : l;
    }
}
