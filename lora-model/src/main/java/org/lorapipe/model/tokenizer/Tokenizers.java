package org.lorapipe.model.tokenizer;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.lorapipe.model.ModelFormatException;

/** Picks the tokenizer implementation for a model directory or a tokenizer file. */
public final class Tokenizers {

    /** llama2.c tokenizer file name inside a model directory (when there is no tokenizer.json). */
    public static final String LLAMA2C_FILE = "tokenizer.bin";

    private static final ObjectMapper JSON = new ObjectMapper();

    private Tokenizers() {}

    /**
     * A model directory: {@code tokenizer.json} (Hugging Face; BOS/EOS ids from config.json, else from
     * tokenizer_config.json) or else {@code tokenizer.bin} (llama2.c). A file: by its extension.
     */
    public static TextTokenizer load(Path path) {
        if (Files.isRegularFile(path)) {
            String name = path.getFileName().toString();
            return name.endsWith(".json") ? HfTokenizer.load(path, -1, -1) : Llama2cTokenizer.load(path);
        }
        if (!Files.isDirectory(path)) {
            throw new ModelFormatException("tokenizer not found: " + path + " does not exist");
        }
        Path json = path.resolve("tokenizer.json");
        if (Files.isRegularFile(json)) {
            JsonNode config = readConfig(path.resolve("config.json"));
            return HfTokenizer.load(json, intOr(config, "bos_token_id"), intOr(config, "eos_token_id"));
        }
        Path bin = path.resolve(LLAMA2C_FILE);
        if (Files.isRegularFile(bin)) {
            return Llama2cTokenizer.load(bin);
        }
        String hint = Files.isRegularFile(path.resolve("tokenizer.model"))
                ? " (tokenizer.model, a sentencepiece model, is not supported: convert it to tokenizer.json)"
                : "";
        throw new ModelFormatException("no tokenizer in " + path + ": expected tokenizer.json (Hugging Face) or "
                + LLAMA2C_FILE + " (llama2.c)" + hint);
    }

    private static JsonNode readConfig(Path p) {
        if (!Files.isRegularFile(p)) {
            return null;
        }
        try {
            return JSON.readTree(p.toFile());
        } catch (IOException e) {
            throw new ModelFormatException(p + " is not valid JSON: " + e.getMessage(), e);
        }
    }

    private static int intOr(JsonNode config, String field) {
        if (config == null || !config.hasNonNull(field)) {
            return -1;
        }
        JsonNode n = config.get(field);
        if (n.isArray()) {
            return n.isEmpty() ? -1 : n.get(0).asInt(-1);
        }
        return n.asInt(-1);
    }
}
