package org.lorapipe.model.generate;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.function.Consumer;
import org.lorapipe.model.DjlRuntime;
import org.lorapipe.model.KvCache;
import org.lorapipe.model.LlamaModel;
import org.lorapipe.model.tokenizer.Llama2cTokenizer;
import org.lorapipe.model.tokenizer.TextTokenizer;
import org.lorapipe.model.tokenizer.Tokenizers;

/**
 * Text generation with a KV cache, following llama2.c's run.c step for step: the prompt is encoded
 * with BOS, its tokens are printed as they are "generated" (forced), then tokens are sampled until the
 * position reaches {@link GenerationConfig#maxTokens()} or the model emits BOS/EOS. The returned text
 * is what run.c prints (without its final newline).
 */
public final class Generation implements AutoCloseable {

    private final LlamaModel model;
    private final TextTokenizer tokenizer;
    private final boolean owned;

    /** Uses a model and tokenizer owned by the caller (they are not closed by {@link #close()}). */
    public Generation(LlamaModel model, TextTokenizer tokenizer) {
        this(model, tokenizer, false);
    }

    private Generation(LlamaModel model, TextTokenizer tokenizer, boolean owned) {
        this.model = model;
        this.tokenizer = tokenizer;
        this.owned = owned;
    }

    /** Loads a Hugging Face model directory (weights + tokenizer) on the default device. */
    public static Generation load(Path modelDir) {
        return load(modelDir, DjlRuntime.defaultDevice());
    }

    /** Loads a Hugging Face model directory (weights + tokenizer) on {@code device}. */
    public static Generation load(Path modelDir, Device device) {
        LlamaModel model = LlamaModel.load(modelDir, device);
        try {
            return new Generation(model, Tokenizers.load(modelDir), true);
        } catch (RuntimeException e) {
            model.close();
            throw e;
        }
    }

    /** Loads a llama2.c checkpoint and tokenizer directly (no import). */
    public static Generation fromLlama2c(Path bin, Path tokenizerBin) {
        LlamaModel model = LlamaModel.fromLlama2c(bin, DjlRuntime.defaultDevice());
        try {
            return new Generation(model, Llama2cTokenizer.load(tokenizerBin), true);
        } catch (RuntimeException e) {
            model.close();
            throw e;
        }
    }

    public GenerationResult generate(String prompt, GenerationConfig config) {
        return generate(prompt, config, piece -> {});
    }

    /**
     * Generates from {@code prompt}, handing every printed piece (prompt pieces included, as run.c
     * prints them) to {@code onPiece} as soon as it is known.
     */
    public GenerationResult generate(String prompt, GenerationConfig config, Consumer<String> onPiece) {
        DjlRuntime.inferenceMode();
        long start = System.nanoTime();
        int maxPos = model.config().maxPositionEmbeddings();
        int steps = config.maxTokens() == 0 || config.maxTokens() > maxPos ? maxPos : config.maxTokens();
        int[] prompted = tokenizer.encode(prompt, true);
        int n = prompted.length;
        if (n == 0) {
            throw new IllegalArgumentException("the tokenizer has no BOS token and the prompt is empty");
        }
        StringBuilder text = new StringBuilder();
        int[] tokens = Arrays.copyOf(prompted, Math.max(n, steps) + 1);
        int count = 1;
        // forced prompt tokens: run.c prints each as the "next" token of the position before it
        int forced = Math.min(n, steps + 1);
        for (int i = 1; i < forced; i++) {
            if (isStop(prompted[i])) {
                return done(text, tokens, count, n, GenerationResult.StopReason.END_OF_SEQUENCE, start);
            }
            emit(text, onPiece, tokenizer.decodePiece(prompted[i - 1], prompted[i]));
            count++;
        }
        if (n > steps) {
            return done(text, tokens, count, n, GenerationResult.StopReason.MAX_TOKENS, start);
        }
        Sampler sampler = new Sampler(config);
        try (KvCache cache = model.newCache()) {
            float[] logits = step(prompted, cache); // positions 0 .. n-1
            int pos = n - 1;
            int token = prompted[n - 1];
            while (true) {
                int next = sampler.sample(logits);
                pos++;
                if (isStop(next)) {
                    return done(text, tokens, count, n, GenerationResult.StopReason.END_OF_SEQUENCE, start);
                }
                emit(text, onPiece, tokenizer.decodePiece(token, next));
                tokens[count++] = next;
                token = next;
                if (pos >= steps) {
                    return done(text, tokens, count, n, GenerationResult.StopReason.MAX_TOKENS, start);
                }
                logits = step(new int[] {token}, cache); // position pos
            }
        }
    }

    private boolean isStop(int id) {
        return id == tokenizer.bosId() || id == tokenizer.eosId();
    }

    private static void emit(StringBuilder text, Consumer<String> onPiece, String piece) {
        if (!piece.isEmpty()) {
            text.append(piece);
            onPiece.accept(piece);
        }
    }

    private static GenerationResult done(
            StringBuilder text,
            int[] tokens,
            int count,
            int promptTokens,
            GenerationResult.StopReason reason,
            long start) {
        return new GenerationResult(
                text.toString(),
                Arrays.copyOf(tokens, count),
                Math.min(promptTokens, count),
                reason,
                System.nanoTime() - start);
    }

    /** Feeds {@code ids} at the cache's next positions and returns the last position's logits [V]. */
    private float[] step(int[] ids, KvCache cache) {
        try (NDManager m = model.manager().newSubManager()) {
            NDArray input = m.create(ids).reshape(1, ids.length); // [1, T]
            return model.forwardLast(input, null, cache).toFloatArray(); // [1, V]
        }
    }

    public LlamaModel model() {
        return model;
    }

    public TextTokenizer tokenizer() {
        return tokenizer;
    }

    @Override
    public void close() {
        if (owned) {
            tokenizer.close();
            model.close();
        }
    }

    /**
     * Manual use: {@code --model DIR | --llama2c BIN --tokenizer TOK} [{@code -i PROMPT}] [{@code -n
     * STEPS}] [{@code -t TEMP}] [{@code -p TOPP}] [{@code -k TOPK}] [{@code -s SEED}]; prints like run.c.
     */
    public static void main(String[] args) {
        String modelDir = null;
        String bin = null;
        String tok = null;
        String prompt = "";
        int steps = 256;
        float temp = 1.0f;
        float topP = 0.9f;
        int topK = 0;
        long seed = System.currentTimeMillis();
        for (int i = 0; i + 1 < args.length; i += 2) {
            String v = args[i + 1];
            switch (args[i]) {
                case "--model" -> modelDir = v;
                case "--llama2c" -> bin = v;
                case "--tokenizer", "-z" -> tok = v;
                case "--prompt", "-i" -> prompt = v;
                case "-n" -> steps = Integer.parseInt(v);
                case "-t" -> temp = Float.parseFloat(v);
                case "-p" -> topP = Float.parseFloat(v);
                case "-k" -> topK = Integer.parseInt(v);
                case "-s" -> seed = Long.parseLong(v);
                default -> throw new IllegalArgumentException("unknown option " + args[i]);
            }
        }
        if (modelDir == null && (bin == null || tok == null)) {
            System.err.println("usage: Generation --model DIR | --llama2c BIN --tokenizer TOK [-i prompt] [-n steps]"
                    + " [-t temperature] [-p topp] [-k topk] [-s seed]");
            System.exit(2);
        }
        PrintStream out = new PrintStream(System.out, true, StandardCharsets.UTF_8);
        try (Generation g = modelDir != null ? load(Path.of(modelDir)) : fromLlama2c(Path.of(bin), Path.of(tok))) {
            GenerationResult r = g.generate(prompt, new GenerationConfig(steps, temp, topK, topP, seed), out::print);
            out.println();
            System.err.printf(
                    "achieved tok/s: %.1f (%d tokens, %d threads)%n",
                    (r.tokens().length - 1) / (r.nanos() / 1e9), r.tokens().length - 1, DjlRuntime.threads());
        }
    }
}
