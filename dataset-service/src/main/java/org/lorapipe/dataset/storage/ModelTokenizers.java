package org.lorapipe.dataset.storage;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.lorapipe.contract.ErrorCodes;
import org.lorapipe.dataset.domain.DatasetException;
import org.lorapipe.dataset.domain.template.ChatTemplateConfig;
import org.lorapipe.model.tokenizer.TextTokenizer;
import org.lorapipe.model.tokenizer.Tokenizers;
import org.lorapipe.storage.ObjectInfo;
import org.lorapipe.storage.ObjectStore;
import org.lorapipe.storage.S3Uri;

/**
 * The base model's tokenizer, fetched from the model folder in storage: only the tokenizer files
 * ({@code tokenizer.json} or llama2.c's {@code tokenizer.bin}, with {@code config.json} and
 * {@code tokenizer_config.json} for the special ids and the chat template, and {@code
 * chat_template.jinja} when the model has one), never the weights.
 */
@ApplicationScoped
public class ModelTokenizers {
    private static final List<String> FILES = List.of(
            "config.json",
            "tokenizer.json",
            ChatTemplateConfig.TOKENIZER_CONFIG,
            ChatTemplateConfig.JINJA_FILE,
            Tokenizers.LLAMA2C_FILE);

    /** Largest tokenizer or model config file read: the tokenizer libraries hold a file whole. */
    static final long MAX_FILE_BYTES = 64L << 20;

    private final ObjectStore store;

    private final long maxFileBytes;

    @Inject
    public ModelTokenizers(ObjectStore store) {
        this(store, MAX_FILE_BYTES);
    }

    ModelTokenizers(ObjectStore store, long maxFileBytes) {
        this.store = store;
        this.maxFileBytes = maxFileBytes;
    }

    /** Loads the tokenizer of the model at {@code baseModel} (an s3:// folder) via a local folder. */
    public TextTokenizer load(String baseModel, Path localDir) {
        S3Uri folder = S3Uri.parse(baseModel.endsWith("/") ? baseModel : baseModel + "/");
        if (!store.exists(folder.resolve("config.json"))) {
            throw new DatasetException(
                    ErrorCodes.INPUT_NOT_FOUND,
                    "no model at " + folder + " (its config.json is"
                            + " missing): import one with `lora import ... --name NAME` and point baseModel at"
                            + " s3://" + folder.bucket() + "/models/NAME");
        }
        try {
            Files.createDirectories(localDir);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        for (String name : FILES) {
            S3Uri file = folder.resolve(name);
            Optional<ObjectInfo> info = store.stat(file);
            if (info.isEmpty()) {
                continue;
            }
            // read whole into memory by the tokenizer libraries: bounded first (real ones are under 20 MB)
            if (info.get().size() > maxFileBytes) {
                throw new DatasetException(
                        ErrorCodes.INVALID_INPUT,
                        file + " has " + info.get().size() + " bytes; a tokenizer file may have at most " + maxFileBytes
                                + " (the largest real ones have about 20 MB): is it the right file?");
            }
            store.download(file, localDir.resolve(name));
        }
        try {
            return Tokenizers.load(localDir);
        } catch (RuntimeException e) {
            throw new DatasetException(
                    ErrorCodes.INVALID_INPUT,
                    "the model at " + folder + " has no usable" + " tokenizer: " + e.getMessage());
        }
    }
}
