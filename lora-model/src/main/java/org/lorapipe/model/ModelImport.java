package org.lorapipe.model;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;
import org.lorapipe.model.io.HfModelExporter;
import org.lorapipe.model.io.Llama2cCheckpoint;
import org.lorapipe.model.io.SafetensorsCheckpoint;
import org.lorapipe.model.tokenizer.HfTokenizer;
import org.lorapipe.model.tokenizer.Llama2cTokenizer;
import org.lorapipe.model.tokenizer.Llama2cTokenizerExport;
import org.lorapipe.model.tokenizer.Tokenizers;

/**
 * Puts a base model into our layout, a complete Hugging Face model directory: config.json,
 * model.safetensors (or shards + index), tokenizer.json, tokenizer_config.json, generation_config.json.
 * The directory is assembled under a temporary sibling name and renamed into place when complete.
 */
public final class ModelImport {

    /** Sentences the exported tokenizer must encode exactly like the original. */
    private static final List<String> PROBES = List.of(
            "Once upon a time, there was a little girl named Lily.",
            "  two  spaces\tand a tab\nnew line",
            "Ünïcödé ✓ 你好 🙂",
            "");

    /** What an import produced. */
    public record Result(Path dir, LlamaConfig config, List<Path> files) {}

    private ModelImport() {}

    /**
     * Converts a llama2.c checkpoint and its tokenizer: weights to HF names and the rotate-half RoPE
     * convention (fp32), the tokenizer to an equivalent tokenizer.json (checked on probe sentences).
     */
    public static Result fromLlama2c(Path bin, Path tokenizerBin, Path outDir) {
        try (Llama2cCheckpoint ckpt = Llama2cCheckpoint.open(bin);
                Llama2cTokenizer tok = Llama2cTokenizer.load(tokenizerBin)) {
            LlamaConfig config = ckpt.config();
            if (tok.vocabSize() != config.vocabSize()) {
                throw new ModelFormatException(tokenizerBin + " holds " + tok.vocabSize() + " tokens but " + bin
                        + " has vocab_size " + config.vocabSize() + "; pass the tokenizer the model was trained with");
            }
            return staged(outDir, stage -> {
                List<Path> files =
                        new ArrayList<>(HfModelExporter.write(config, ckpt, stage, HfModelExporter.Options.defaults()));
                Llama2cTokenizerExport.write(tok, stage, config.maxPositionEmbeddings());
                files.add(stage.resolve("tokenizer.json"));
                files.add(stage.resolve("tokenizer_config.json"));
                try (HfTokenizer hf =
                        HfTokenizer.load(stage.resolve("tokenizer.json"), config.bosTokenId(), config.eosTokenId())) {
                    for (String probe : PROBES) {
                        if (!Arrays.equals(hf.encode(probe, true), tok.encode(probe, true))) {
                            throw new IllegalStateException("exported tokenizer.json encodes '" + probe
                                    + "' differently from " + tokenizerBin + "; please report this tokenizer");
                        }
                    }
                }
                return new Result(outDir, config, relocate(files, stage, outDir));
            });
        }
    }

    /**
     * Validates a Hugging Face model directory (supported architecture, every tensor present with the
     * shape config.json implies, readable headers, a loadable tokenizer.json) and copies it; missing
     * tokenizer_config.json / generation_config.json are written.
     */
    public static Result fromHuggingFace(Path dir, Path outDir) {
        if (!Files.isDirectory(dir)) {
            throw new ModelFormatException("model directory not found: " + dir);
        }
        LlamaConfig config = LlamaConfig.read(dir.resolve("config.json"));
        List<Path> weightFiles;
        try (SafetensorsCheckpoint ckpt = SafetensorsCheckpoint.open(dir)) {
            List<String> problems = LlamaModel.weightProblems(config, ckpt);
            if (!problems.isEmpty()) {
                throw new ModelFormatException(
                        dir + ": weights do not match config.json: " + String.join("; ", problems));
            }
            weightFiles = new ArrayList<>(ckpt.files());
        }
        if (Files.isRegularFile(dir.resolve(SafetensorsCheckpoint.INDEX_FILE))) {
            weightFiles.add(dir.resolve(SafetensorsCheckpoint.INDEX_FILE));
        }
        Path tokenizerJson = dir.resolve("tokenizer.json");
        if (!Files.isRegularFile(tokenizerJson)) {
            throw new ModelFormatException(dir + " has no tokenizer.json; our model layout needs the Hugging Face fast"
                    + " tokenizer file (convert tokenizer.model with transformers' LlamaTokenizerFast and save it)");
        }
        Tokenizers.load(dir).close(); // must load
        return staged(outDir, stage -> {
            List<Path> files = new ArrayList<>();
            for (Path f : weightFiles) {
                files.add(copy(f, stage));
            }
            files.add(copy(dir.resolve("config.json"), stage));
            files.add(copy(tokenizerJson, stage));
            // chat_template.jinja: where newer Hugging Face repositories keep the chat template
            for (String optional : List.of(
                    "tokenizer_config.json",
                    "special_tokens_map.json",
                    "generation_config.json",
                    "chat_template.jinja")) {
                if (Files.isRegularFile(dir.resolve(optional))) {
                    files.add(copy(dir.resolve(optional), stage));
                }
            }
            if (!Files.isRegularFile(stage.resolve("generation_config.json"))) {
                HfModelExporter.writeGenerationConfig(config, stage);
                files.add(stage.resolve("generation_config.json"));
            }
            if (!Files.isRegularFile(stage.resolve("tokenizer_config.json"))) {
                Files.writeString(
                        stage.resolve("tokenizer_config.json"),
                        "{\n  \"model_max_length\": " + config.maxPositionEmbeddings()
                                + ",\n  \"clean_up_tokenization_spaces\": false\n}\n");
                files.add(stage.resolve("tokenizer_config.json"));
            }
            return new Result(outDir, config, relocate(files, stage, outDir));
        });
    }

    private static Path copy(Path file, Path dir) throws IOException {
        Path target = dir.resolve(file.getFileName().toString());
        Files.copy(file, target, StandardCopyOption.REPLACE_EXISTING);
        return target;
    }

    @FunctionalInterface
    private interface StageWork {
        Result run(Path stage) throws IOException;
    }

    /** Runs {@code work} in a temporary sibling directory, then renames it to {@code outDir}. */
    private static Result staged(Path outDir, StageWork work) {
        Path out = outDir.toAbsolutePath().normalize();
        try {
            if (Files.isDirectory(out)) {
                try (DirectoryStream<Path> ds = Files.newDirectoryStream(out)) {
                    if (ds.iterator().hasNext()) {
                        throw new IllegalArgumentException(
                                "output directory " + out + " is not empty; choose a new directory or delete it first");
                    }
                }
            } else if (Files.exists(out)) {
                throw new IllegalArgumentException("output path " + out + " exists and is not a directory");
            }
            Files.createDirectories(out.getParent());
            Path stage = Files.createTempDirectory(out.getParent(), "." + out.getFileName() + ".partial-");
            try {
                Result r = work.run(stage);
                Files.deleteIfExists(out);
                Files.move(stage, out, StandardCopyOption.ATOMIC_MOVE);
                return r;
            } finally {
                deleteTree(stage);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write model directory " + out + ": " + e.getMessage(), e);
        }
    }

    private static List<Path> relocate(List<Path> files, Path stage, Path outDir) {
        return files.stream()
                .map(f -> outDir.resolve(stage.relativize(f).toString()))
                .toList();
    }

    private static void deleteTree(Path p) throws IOException {
        if (!Files.exists(p)) {
            return;
        }
        try (Stream<Path> s = Files.walk(p)) {
            for (Path x : s.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(x);
            }
        }
    }
}
