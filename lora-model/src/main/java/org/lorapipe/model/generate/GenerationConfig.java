package org.lorapipe.model.generate;

/**
 * Sampling settings.
 *
 * @param maxTokens run.c's {@code -n}: the total number of positions, BOS and prompt tokens included
 *     (generation stops when the position reaches it); 0 means the model's max_position_embeddings.
 *     Values above max_position_embeddings are capped to it, as run.c does.
 * @param temperature 0 for greedy argmax (bit-for-bit run.c), otherwise logits are divided by it
 * @param topK keep only the k most likely tokens (0 = off)
 * @param topP nucleus sampling threshold in (0, 1); 0 or >= 1 disables it (run.c's {@code -p})
 * @param seed RNG seed (run.c's xorshift, so the same seed reproduces run.c's samples); 0 picks a fixed
 *     non-zero seed
 */
public record GenerationConfig(int maxTokens, float temperature, int topK, float topP, long seed) {

    public GenerationConfig {
        if (maxTokens < 0) {
            throw new IllegalArgumentException("maxTokens must be >= 0, got " + maxTokens);
        }
        if (temperature < 0 || Float.isNaN(temperature)) {
            throw new IllegalArgumentException("temperature must be >= 0, got " + temperature);
        }
        if (topK < 0) {
            throw new IllegalArgumentException("topK must be >= 0, got " + topK);
        }
        if (topP < 0 || Float.isNaN(topP)) {
            throw new IllegalArgumentException("topP must be >= 0, got " + topP);
        }
    }

    /** Greedy decoding up to {@code maxTokens} positions. */
    public static GenerationConfig greedy(int maxTokens) {
        return new GenerationConfig(maxTokens, 0f, 0, 0f, 42);
    }

    /** run.c's defaults: temperature 1.0, top-p 0.9. */
    public static GenerationConfig runcDefaults(int maxTokens, long seed) {
        return new GenerationConfig(maxTokens, 1.0f, 0, 0.9f, seed);
    }
}
