package org.lorapipe.model.generate;

/**
 * The outcome of one generation.
 *
 * @param text what run.c prints (prompt + continuation) without run.c's final newline
 * @param tokens every token: BOS, prompt, continuation
 * @param promptTokens number of tokens of BOS + prompt
 * @param stopReason why generation ended
 * @param nanos wall time of the whole generation
 */
public record GenerationResult(String text, int[] tokens, int promptTokens, StopReason stopReason, long nanos) {

    public enum StopReason {
        /** The model produced EOS (or BOS, which run.c also treats as the end). */
        END_OF_SEQUENCE,
        /** maxTokens positions reached. */
        MAX_TOKENS
    }

    /** Number of tokens sampled after the prompt. */
    public int generatedTokens() {
        return tokens.length - promptTokens;
    }
}
