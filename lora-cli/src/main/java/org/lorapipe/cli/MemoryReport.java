package org.lorapipe.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Locale;
import org.lorapipe.contract.json.Json;
import org.lorapipe.model.LlamaConfig;
import org.lorapipe.tuning.memory.ByteSize;
import org.lorapipe.tuning.memory.MemoryEstimate;
import org.lorapipe.tuning.memory.RunShape;

/** A memory estimate for people (a table of its parts) and for scripts (JSON), as lora estimate prints it. */
final class MemoryReport {

    private MemoryReport() {}

    /** What was estimated, in one paragraph. */
    static String describe(MemoryEstimate e) {
        RunShape s = e.shape();
        LlamaConfig c = s.config();
        String trained = s.fullFineTuning()
                ? "every weight trained"
                : "LoRA r=" + s.lora().r() + " on " + String.join(", ", s.lora().targetModules());
        String base = s.nf4() ? "NF4 base" + (s.quantization().doubleQuant() ? " (double quant)" : "") : "fp32 base";
        return String.format(
                Locale.ROOT,
                "%s: %d layers, hidden %d, vocabulary %,d, %,d parameters%n%s (%,d trainable), %s, %s,"
                        + " micro-batch %d x %d tokens%nbackward: %s; the peak is in %s",
                c.architecture(),
                c.numHiddenLayers(),
                c.hiddenSize(),
                c.vocabSize(),
                c.parameterCount(),
                trained,
                e.trainableParameters(),
                base,
                s.training().optimizer().wire(),
                s.microBatch(),
                s.sequenceLength(),
                e.plan().description(),
                e.phase().description());
    }

    /** The parts, MiB, marked where they count in the peak, and the peak. */
    static String table(MemoryEstimate e) {
        StringBuilder out = new StringBuilder();
        out.append(String.format(Locale.ROOT, "%n  %-40s %12s  %s%n", "part", "MiB", "in the peak"));
        for (MemoryEstimate.Part p : e.parts()) {
            out.append(String.format(
                    Locale.ROOT, "  %-40s %12.1f  %s%n", p.label(), ByteSize.mib(p.bytes()), p.counted() ? "yes" : ""));
        }
        out.append(String.format(
                Locale.ROOT,
                "  %-40s %12.1f  = %s%n",
                "peak (estimate)",
                ByteSize.mib(e.total()),
                ByteSize.of(e.total())));
        out.append(String.format(
                Locale.ROOT,
                "%nThe training step, the optimizer step and the load each count with what is held, the largest"
                        + " alone.%nCalibrated on this engine (CPU, fp32 compute): the README's \"Memory estimate\""
                        + " says how,%nand how close it comes. The dataset the trainer holds (about 5 bytes a token)"
                        + " is counted%nat intake, where its size is known.%n"));
        return out.toString();
    }

    /** {"plan", "phase", "trainableParameters", "parts": {key: bytes}, "total"}. */
    static ObjectNode json(MemoryEstimate e) {
        ObjectNode root = Json.mapper().createObjectNode();
        root.put("plan", e.plan().name().toLowerCase(Locale.ROOT));
        root.put("phase", e.phase().name().toLowerCase(Locale.ROOT));
        root.put("trainableParameters", e.trainableParameters());
        root.put("microBatchSize", e.shape().microBatch());
        root.put("sequenceLength", e.shape().sequenceLength());
        ObjectNode parts = root.putObject("parts");
        e.parts().forEach(p -> parts.put(p.key(), p.bytes()));
        root.put("total", e.total());
        return root;
    }
}
