package org.lorapipe.dataset.domain.template;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.lorapipe.contract.artifact.ChatTemplateFile;
import org.lorapipe.contract.json.Json;

/**
 * A model folder's chat template as {@code transformers} finds it: {@code chat_template.jinja} when
 * present (read first since transformers 4.47), else the {@code chat_template} of {@code
 * tokenizer_config.json} (a string, or a list of named templates of which {@code default} is used),
 * with the special tokens the template sees as variables. A special token is written as a string or
 * as an added-token object {@code {"content": ...}}; {@code additional_special_tokens} is a list.
 *
 * @param source the Jinja source
 * @param specialTokens {@code bos_token}, {@code eos_token}, ... (strings) and {@code
 *     additional_special_tokens} (list of strings): only those the config sets
 */
public record ChatTemplateConfig(String source, Map<String, Object> specialTokens) {
    public static final String TOKENIZER_CONFIG = "tokenizer_config.json";
    public static final String JINJA_FILE = ChatTemplateFile.FILE;

    /** The special-token attributes of a Hugging Face tokenizer that {@code apply_chat_template} passes on. */
    static final List<String> TOKEN_KEYS =
            List.of("bos_token", "eos_token", "unk_token", "sep_token", "pad_token", "cls_token", "mask_token");

    public ChatTemplateConfig {
        specialTokens = Map.copyOf(specialTokens);
    }

    /**
     * The chat template of the model folder {@code dir}, or empty when it has none.
     *
     * @throws ChatTemplateException when tokenizer_config.json is not valid JSON or its chat_template
     *     has an unreadable shape
     */
    public static Optional<ChatTemplateConfig> read(Path dir) {
        JsonNode config = null;
        Path configFile = dir.resolve(TOKENIZER_CONFIG);
        try {
            if (Files.isRegularFile(configFile)) {
                config = Json.mapper().readTree(configFile.toFile());
            }
            String source = null;
            Path jinja = dir.resolve(JINJA_FILE);
            if (Files.isRegularFile(jinja)) {
                source = Files.readString(jinja, StandardCharsets.UTF_8);
            } else if (config != null && config.isObject()) {
                source = inline(config.get("chat_template"));
            }
            if (source == null || source.isBlank()) {
                return Optional.empty();
            }
            return Optional.of(new ChatTemplateConfig(source, specialTokens(config)));
        } catch (IOException e) {
            throw new ChatTemplateException(configFile + " cannot be read: " + e.getMessage(), false);
        }
    }

    /** Compiles the template with its special tokens. */
    public ChatTemplate compile(ChatTemplate.Bounds bounds) {
        return ChatTemplate.compile(source, specialTokens, bounds);
    }

    private static String inline(JsonNode template) {
        if (template == null || template.isNull()) {
            return null;
        }
        if (template.isTextual()) {
            return template.textValue();
        }
        if (template.isArray()) { // [{"name": "default", "template": "..."}, {"name": "tool_use", ...}]
            for (JsonNode named : template) {
                if ("default".equals(named.path("name").asText())
                        && named.path("template").isTextual()) {
                    return named.path("template").textValue();
                }
            }
            throw new ChatTemplateException(
                    "tokenizer_config.json's chat_template lists named templates but none named 'default'", false);
        }
        throw new ChatTemplateException(
                "tokenizer_config.json's chat_template must be a string or a list of {name, template}, got "
                        + template.getNodeType(),
                false);
    }

    static Map<String, Object> specialTokens(JsonNode config) {
        Map<String, Object> tokens = new LinkedHashMap<>();
        if (config == null || !config.isObject()) {
            return tokens;
        }
        for (String key : TOKEN_KEYS) {
            String token = token(config.get(key));
            if (token != null) {
                tokens.put(key, token);
            }
        }
        JsonNode extra = config.get("additional_special_tokens");
        if (extra != null && extra.isArray()) {
            List<String> list = new ArrayList<>();
            for (JsonNode t : extra) {
                String token = token(t);
                if (token != null) {
                    list.add(token);
                }
            }
            tokens.put("additional_special_tokens", List.copyOf(list));
        }
        return tokens;
    }

    private static String token(JsonNode n) {
        if (n == null || n.isNull()) {
            return null;
        }
        if (n.isObject()) {
            return n.path("content").isTextual() ? n.path("content").textValue() : null;
        }
        return n.isTextual() ? n.textValue() : null;
    }
}
