package org.lorapipe.contract.request;

import java.util.List;

/**
 * One benchmark, scored for the base model and for base + adapter.
 *
 * @param name {@code perplexity}, {@code arc} or {@code generation}
 * @param uri s3:// URI of the benchmark file (ARC-layout JSONL for {@code arc}; JSONL of checks for
 *     {@code generation}); not used by {@code perplexity}, which reads the held-out split
 * @param limit score only the first N items; null = all
 * @param prompts inline generation checks
 * @param maxTokens tokens generated per prompt ({@code generation})
 * @param label the key of this task's results (and of {@code merge.gate.task}); null = the name,
 *     numbered from the second task of the same name on ({@code generation_2}). An extension of the
 *     contract.
 */
public record EvalTask(
        EvalTaskName name, String uri, Integer limit, List<GenerationCheck> prompts, int maxTokens, String label) {
    public static final int DEFAULT_MAX_TOKENS = 64;

    public EvalTask {
        prompts = prompts == null ? List.of() : List.copyOf(prompts);
    }
}
