package org.lorapipe.contract.artifact;

/**
 * The chat template a run was trained with travels as {@value #FILE} (the Jinja source, UTF-8): the
 * dataset stage publishes it beside the shards ({@code datasets/{id}/}), the trainer copies it into the
 * adapter ({@code runs/{id}/adapter/}, where {@code transformers} 4.47 and later read it when a tokenizer
 * is loaded from the folder), and the merge writes it as the {@value #CONFIG_KEY} of the merged model's
 * {@code tokenizer_config.json}. A {@code text} dataset has none: the merged model keeps the base's.
 */
public final class ChatTemplateFile {
    public static final String FILE = "chat_template.jinja";

    /** The key of {@code tokenizer_config.json} that holds a chat template. */
    public static final String CONFIG_KEY = "chat_template";

    /** Longest chat template read back; real ones have a few ten thousand characters. */
    public static final int MAX_BYTES = 1 << 20;

    private ChatTemplateFile() {}
}
