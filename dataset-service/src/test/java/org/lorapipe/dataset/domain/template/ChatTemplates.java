package org.lorapipe.dataset.domain.template;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;

/**
 * The real-world chat templates of the tests, as their models publish them: a {@code
 * tokenizer_config.json} each under {@code src/test/resources/chat-templates/NAME/}, written for these
 * tests in the shape of the published files (the template string and the special tokens; the
 * vocabulary entries are left out).
 */
public final class ChatTemplates {
    /** ChatML with Qwen's default system prompt and tool branches. */
    public static final String QWEN25 = "qwen2.5";
    /** Header tokens and {@code <|eot_id|>}, the system block with its dates. */
    public static final String LLAMA31 = "llama-3.1";
    /** {@code [INST]} turns, alternating roles enforced, no system role. */
    public static final String MISTRAL_V02 = "mistral-v0.2";
    /** {@code [INST]} with the system message put into the LAST user turn: not prefix-stable. */
    public static final String MISTRAL_V03 = "mistral-v0.3";
    /** {@code <start_of_turn>}, raises on a system role. */
    public static final String GEMMA2 = "gemma-2";
    /** {@code <|user|>} / {@code <|end|>}, EOS only when no generation prompt is asked for. */
    public static final String PHI3 = "phi-3";
    /** Llama 2 chat, {@code .strip()} in the template, special tokens as added-token objects. */
    public static final String LLAMA2 = "llama-2-chat";
    /** Qwen3: namespace(), [::-1], split/lstrip with arguments. */
    public static final String QWEN3 = "qwen3";

    public static final List<String> ALL =
            List.of(QWEN25, LLAMA31, MISTRAL_V02, MISTRAL_V03, GEMMA2, PHI3, LLAMA2, QWEN3);

    private ChatTemplates() {}

    /** A model folder holding only the template's tokenizer_config.json. */
    public static Path folder(String name, Path parent) {
        try (InputStream in = ChatTemplates.class.getResourceAsStream(
                "/chat-templates/" + name + "/" + ChatTemplateConfig.TOKENIZER_CONFIG)) {
            if (in == null) {
                throw new IllegalArgumentException("no chat template resource " + name);
            }
            Path dir = Files.createDirectories(parent.resolve(name));
            Files.copy(in, dir.resolve(ChatTemplateConfig.TOKENIZER_CONFIG), StandardCopyOption.REPLACE_EXISTING);
            return dir;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static ChatTemplateConfig config(String name, Path parent) {
        return ChatTemplateConfig.read(folder(name, parent)).orElseThrow();
    }

    public static ChatTemplate compile(String name, Path parent) {
        return config(name, parent).compile(ChatTemplate.Bounds.DEFAULT);
    }
}
