package org.lorapipe.cli;

import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.lorapipe.model.DjlRuntime;
import org.lorapipe.model.LlamaModel;
import org.lorapipe.model.ModelFormatException;
import org.lorapipe.model.generate.Generation;
import org.lorapipe.model.generate.GenerationConfig;
import org.lorapipe.model.generate.GenerationResult;
import org.lorapipe.model.tokenizer.TextTokenizer;
import org.lorapipe.model.tokenizer.Tokenizers;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code lora generate}: prints the prompt and its continuation exactly as llama2.c's {@code run.c}
 * does (stdout: the text, streamed piece by piece, then a newline; stderr: download progress and the
 * tokens/s figure). With {@code --temperature 0} the output equals run.c's for the same model.
 */
@Command(
        name = "generate",
        mixinStandardHelpOptions = true,
        sortOptions = false,
        description = {
            "Generate text with a model (optionally base + LoRA adapter) and print it as llama2.c's run.c"
                    + " does: the prompt, then its continuation, streamed as it is produced.",
            "",
            "Options mirror run.c: --max-tokens is run.c's -n, the total number of positions including BOS and"
                    + " the prompt; generation also stops at BOS/EOS. --temperature 0 is greedy decoding and"
                    + " reproduces run.c's output exactly; otherwise top-p (nucleus) and top-k sampling with"
                    + " run.c's xorshift RNG, so the same --seed gives run.c's sample.",
            "",
            "s3:// models are downloaded once into a local cache (--cache-dir) and reused while their"
                    + " published manifest is unchanged.",
        },
        footerHeading = "%nExamples:%n",
        footer = {
            "  lora generate --model s3://lora/models/stories260K \\",
            "                --prompt \"\" --max-tokens 256 --temperature 0",
            "  lora generate --model ./models/stories260K \\",
            "                --prompt \"Once upon a time\" --temperature 0.8 --seed 42",
            "  lora generate --model s3://lora/models/stories260K \\",
            "                --adapter s3://lora/runs/stories-r8/adapter \\",
            "                --prompt \"Lily and the cat\" --max-tokens 128 --temperature 0",
        })
public final class GenerateCommand implements Callable<Integer> {

    @Option(
            names = "--model",
            required = true,
            paramLabel = "DIR|s3://URI",
            description = "A model in Hugging Face layout: a local directory or s3://<bucket>/models/NAME.")
    String model;

    @Option(
            names = "--adapter",
            paramLabel = "DIR|s3://URI",
            description = "A PEFT LoRA adapter to apply, e.g. s3://lora/runs/ID/adapter.")
    String adapter;

    @Option(
            names = {"--prompt", "-i"},
            paramLabel = "TEXT",
            defaultValue = "",
            description = "The prompt (default: empty, i.e. BOS only).")
    String prompt;

    @Option(
            names = {"--max-tokens", "-n"},
            paramLabel = "N",
            defaultValue = "256",
            description = "Total positions incl. BOS + prompt, as run.c's -n (default: ${DEFAULT-VALUE};"
                    + " 0 = the model's context length).")
    int maxTokens;

    @Option(
            names = {"--temperature", "-t"},
            paramLabel = "T",
            defaultValue = "1.0",
            description = "Sampling temperature; 0 = greedy (default: ${DEFAULT-VALUE}).")
    float temperature;

    @Option(
            names = {"--top-p", "-p"},
            paramLabel = "P",
            defaultValue = "0.9",
            description = "Nucleus sampling threshold in [0, 1]; 0 or 1 disables it (default: ${DEFAULT-VALUE}).")
    float topP;

    @Option(
            names = {"--top-k", "-k"},
            paramLabel = "K",
            defaultValue = "0",
            description = "Keep only the K most likely tokens; 0 disables it (default: ${DEFAULT-VALUE}).")
    int topK;

    @Option(
            names = {"--seed", "-s"},
            paramLabel = "S",
            description = "Random seed (default: the current time, as run.c).")
    Long seed;

    @Option(
            names = "--cache-dir",
            paramLabel = "DIR",
            description = "Where s3:// models are cached (default: $LORA_CACHE_DIR or ~/.cache/lora/models).")
    Path cacheDir;

    @Mixin
    StorageOptions storage;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        validate();
        PrintWriter err = spec.commandLine().getErr();
        Path cache = cacheDir != null ? cacheDir : ModelLocation.defaultCache();
        Path dir = ModelLocation.resolve(model, "model", storage.config(), cache, err);
        Path adapterDir =
                adapter == null ? null : ModelLocation.resolve(adapter, "adapter", storage.config(), cache, err);
        GenerationConfig config = new GenerationConfig(
                maxTokens, temperature, topK, topP, seed != null ? seed : System.currentTimeMillis() / 1000);
        // run.c writes bytes: so does this, UTF-8, whatever the platform's default charset
        PrintStream out = System.out;
        GenerationResult result;
        try (LlamaModel base = load(dir);
                TextTokenizer tokenizer = Tokenizers.load(dir)) {
            LlamaModel runModel = AdapterSupport.apply(base, adapterDir);
            result = new Generation(runModel, tokenizer).generate(prompt, config, piece -> {
                byte[] bytes = piece.getBytes(StandardCharsets.UTF_8);
                out.write(bytes, 0, bytes.length);
                out.flush();
            });
        } catch (ModelFormatException e) {
            throw new UsageProblem(e.getMessage());
        }
        out.write('\n');
        out.flush();
        int generated = result.tokens().length - 1;
        if (generated > 0) {
            err.printf("achieved tok/s: %f%n", generated / (result.nanos() / 1e9)); // run.c's line, on stderr as there
            err.flush();
        }
        return 0;
    }

    private static LlamaModel load(Path dir) {
        DjlRuntime.inferenceMode();
        return LlamaModel.load(dir);
    }

    private void validate() {
        List<String> problems = new ArrayList<>();
        if (maxTokens < 0) {
            problems.add("--max-tokens must be >= 0, got " + maxTokens);
        }
        if (!(temperature >= 0)) {
            problems.add("--temperature must be >= 0 (0 = greedy), got " + temperature);
        }
        if (!(topP >= 0 && topP <= 1)) {
            problems.add("--top-p must be in [0, 1], got " + topP);
        }
        if (topK < 0) {
            problems.add("--top-k must be >= 0, got " + topK);
        }
        if (!problems.isEmpty()) {
            throw new UsageProblem(String.join("\n       ", problems));
        }
    }
}
