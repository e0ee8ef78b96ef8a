package org.lorapipe.merging.domain;

import java.nio.file.Path;
import java.util.List;
import org.lorapipe.contract.event.ModelFile;
import org.lorapipe.model.io.DType;

/**
 * A completed merge.
 *
 * @param dir the merged model folder (complete: written under a temporary name, then renamed)
 * @param dtype storage dtype of the weights
 * @param files every file of the folder (path relative to it, bytes, sha256), {@code SHA256SUMS}
 *     last (it cannot list itself), the others sorted by path: the {@code files} of ModelMerged
 * @param mergedTensors output tensor names that received a LoRA delta, in write order
 * @param untiedLmHead a tied lm_head was adapted, so {@code lm_head.weight} was written and
 *     {@code tie_word_embeddings} set to false
 * @param weightBytes bytes of tensor data written
 */
public record MergeResult(
        Path dir,
        DType dtype,
        List<ModelFile> files,
        List<String> mergedTensors,
        boolean untiedLmHead,
        long weightBytes) {

    public MergeResult {
        files = List.copyOf(files);
        mergedTensors = List.copyOf(mergedTensors);
    }
}
