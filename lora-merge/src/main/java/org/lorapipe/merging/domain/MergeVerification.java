package org.lorapipe.merging.domain;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.lorapipe.model.DjlRuntime;
import org.lorapipe.model.LlamaModel;
import org.lorapipe.tuning.peft.PeftAdapter;

/**
 * Checks a merged model against what it replaces: base + adapter (the trainer's own LoRA layers,
 * lora-tuning's {@link PeftAdapter}, so the check does not share the merge's arithmetic) on held-out
 * token sequences. The result is the largest absolute logit
 * difference over every position and vocabulary entry; for a float32 merge it is rounding noise
 * (well under 1e-4), for float16/bfloat16 it measures the storage rounding.
 *
 * <p>Both models are held in memory at once (2x the fp32 model), on the CPU.
 */
public final class MergeVerification {

    private MergeVerification() {}

    /**
     * @param sequences token id sequences (e.g. from the validation shards), each non-empty and no
     *     longer than max_position_embeddings
     * @return max |logits(merged) - logits(base + adapter)|
     */
    public static double maxAbsLogitDiff(Path baseDir, Path adapterDir, Path mergedDir, int[][] sequences) {
        DjlRuntime.inferenceMode();
        try (LlamaModel reference = LlamaModel.load(baseDir, DjlRuntime.defaultDevice())) {
            PeftAdapter.load(adapterDir).applyTo(reference);
            try (LlamaModel merged = LlamaModel.load(mergedDir, DjlRuntime.defaultDevice())) {
                return maxAbsLogitDiff(reference, merged, sequences);
            }
        }
    }

    /** max |logits(a) - logits(b)| over {@code sequences}, one sequence per forward pass. */
    public static double maxAbsLogitDiff(LlamaModel a, LlamaModel b, int[][] sequences) {
        DjlRuntime.inferenceMode();
        List<String> problems = check(a, sequences);
        if (a.config().vocabSize() != b.config().vocabSize()) {
            problems.add("the models have different vocabularies (" + a.config().vocabSize() + " vs "
                    + b.config().vocabSize() + ")");
        }
        if (!problems.isEmpty()) {
            throw new IllegalArgumentException("cannot verify: " + String.join("; ", problems));
        }
        double max = 0;
        for (int[] seq : sequences) {
            try (NDManager m = DjlRuntime.newManager(a.device())) {
                long[] ids = new long[seq.length];
                for (int i = 0; i < seq.length; i++) {
                    ids[i] = seq[i];
                }
                NDArray x = m.create(ids).reshape(1, seq.length); // [1, T]
                NDArray la = a.forward(x, null, null); // [1, T, V]
                NDArray lb = b.forward(x, null, null); // [1, T, V]
                max = Math.max(max, la.sub(lb).abs().max().getFloat());
            }
        }
        return max;
    }

    private static List<String> check(LlamaModel model, int[][] sequences) {
        List<String> problems = new ArrayList<>();
        if (sequences.length == 0) {
            problems.add("no sequences given");
        }
        int vocab = model.config().vocabSize();
        int maxPos = model.config().maxPositionEmbeddings();
        for (int s = 0; s < sequences.length; s++) {
            int[] seq = sequences[s];
            if (seq.length == 0 || seq.length > maxPos) {
                problems.add("sequence " + s + " has " + seq.length + " tokens (must be 1.." + maxPos + ")");
                continue;
            }
            for (int id : seq) {
                if (id < 0 || id >= vocab) {
                    problems.add(
                            "sequence " + s + " holds token id " + id + " outside the vocabulary [0, " + vocab + ")");
                    break;
                }
            }
        }
        return problems;
    }
}
