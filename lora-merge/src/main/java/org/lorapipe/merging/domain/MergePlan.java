package org.lorapipe.merging.domain;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.lorapipe.model.io.TensorInfo;
import org.lorapipe.model.io.TensorSource;
import org.lorapipe.tuning.peft.AdapterModule;
import org.lorapipe.tuning.peft.PeftAdapterFile;

/**
 * What the merged checkpoint will hold, decided and checked before a byte is written: every base
 * tensor in base order, each either copied or merged with one {@link AdapterModule}, plus an untied
 * {@code lm_head.weight} when a tied head is adapted. Every mismatch between adapter and base is
 * collected into one {@link MergeException} naming the tensor and both shapes.
 */
record MergePlan(List<Entry> entries, boolean untiesLmHead) {

    static final String EMBED = "model.embed_tokens.weight";
    static final String LM_HEAD = "lm_head";

    /**
     * One output tensor.
     *
     * @param name tensor name in the output
     * @param source base tensor it is computed from (differs from name only for an untied lm_head)
     * @param shape [out, in] or any shape for copied tensors
     * @param adapter the delta to add, or null to copy
     */
    record Entry(String name, String source, long[] shape, AdapterModule adapter) {}

    /**
     * @param tied the base config's {@code tie_word_embeddings}
     */
    static MergePlan of(TensorSource base, PeftAdapterFile adapter, boolean tied) {
        List<String> problems = new ArrayList<>();
        Map<String, AdapterModule> byWeight = new LinkedHashMap<>();
        AdapterModule head = null;
        for (AdapterModule m : adapter.modules().values()) {
            String source = m.weightName();
            boolean tiedHead = m.module().equals(LM_HEAD) && tied;
            if (tiedHead) {
                source = EMBED;
                head = m;
            }
            if (!base.contains(source)) {
                problems.add("the adapter targets module " + m.module() + " but the base has no tensor '" + source
                        + "'; was the adapter trained on another base model?");
                continue;
            }
            long[] shape = base.info(source).shape();
            if (!Arrays.equals(shape, m.deltaShape())) {
                problems.add("tensor '" + source + "' has shape " + Arrays.toString(shape) + " in the base but the"
                        + " adapter's B @ A is " + Arrays.toString(m.deltaShape()) + " ('" + m.bKey() + "' "
                        + Arrays.toString(m.bShape()) + " @ '" + m.aKey() + "' " + Arrays.toString(m.aShape())
                        + "); was the adapter trained on another base model?");
                continue;
            }
            if (!tiedHead) {
                byWeight.put(source, m);
            }
        }
        if (!problems.isEmpty()) {
            throw new MergeException("adapter " + adapter.dir() + " does not fit the base model", problems);
        }
        List<Entry> entries = new ArrayList<>();
        for (String name : base.names()) {
            if (head != null && name.equals(LM_HEAD + ".weight")) {
                continue; // a stored copy of a tied head: replaced by the untied, merged one below
            }
            TensorInfo info = base.info(name);
            entries.add(new Entry(name, name, info.shape(), byWeight.get(name)));
        }
        if (head != null) {
            entries.add(new Entry(LM_HEAD + ".weight", EMBED, base.info(EMBED).shape(), head));
        }
        return new MergePlan(List.copyOf(entries), head != null);
    }

    List<Entry> merged() {
        return entries.stream().filter(e -> e.adapter() != null).toList();
    }
}
