package org.lorapipe.dataset.domain.template;

import com.hubspot.jinjava.Jinjava;
import com.hubspot.jinjava.interpret.Context;
import com.hubspot.jinjava.interpret.JinjavaInterpreter;
import com.hubspot.jinjava.interpret.TemplateError;
import com.hubspot.jinjava.tree.Node;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A Hugging Face chat template, compiled once and rendered as {@code tokenizer.apply_chat_template(
 * messages, tokenize=False, add_generation_prompt=...)} renders it: the conversation as
 * {@code messages} (a list of {@code {role, content}}), {@code add_generation_prompt}, and the
 * tokenizer's special tokens ({@code bos_token}, {@code eos_token}, ... as strings) as variables.
 *
 * <p>The template is untrusted (it comes with a model someone imported): one render may take at most
 * {@link Bounds#maxRenderTime} and write at most {@link Bounds#maxOutputChars}; the environment
 * ({@link HfJinja}) reads no file and calls nothing outside the template. Not thread-safe: one
 * instance renders one conversation at a time.
 */
public final class ChatTemplate {
    /** Longest template source accepted; the longest real ones have a few ten thousand characters. */
    public static final int MAX_SOURCE_CHARS = 1 << 20;

    /**
     * One message. {@code input} is the optional Alpaca input of a user turn, passed as an extra key
     * that only the built-in templates read; a model's own template gets it inside {@code content}.
     */
    public record Message(String role, String content, String input) {
        public static Message of(String role, String content) {
            return new Message(role, content, null);
        }

        Map<String, Object> toMap() {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("role", role);
            m.put("content", content);
            if (input != null) {
                m.put("input", input);
            }
            return m;
        }
    }

    /**
     * What one render may cost.
     *
     * @param maxOutputChars the longest text one render may produce
     * @param maxRenderTime the longest one render may take
     */
    public record Bounds(long maxOutputChars, Duration maxRenderTime) {
        public static final Bounds DEFAULT = new Bounds(8L << 20, Duration.ofSeconds(2));

        /**
         * The bounds for records of at most {@code recordChars} characters ({@code
         * lora.limits.record-chars}): a render writes the record once plus the template's own text, so
         * twice the record and 1 MiB, and never less than the default.
         */
        public static Bounds forRecords(long recordChars) {
            return new Bounds(
                    Math.max(DEFAULT.maxOutputChars(), 2 * recordChars + (1L << 20)), DEFAULT.maxRenderTime());
        }
    }

    private final String source;
    private final Map<String, Object> specialTokens;
    private final Bounds bounds;
    private final Jinjava jinjava;
    private final Node tree;
    private long deadline;

    private ChatTemplate(String source, Map<String, Object> specialTokens, Bounds bounds) {
        this.source = source;
        this.specialTokens = Map.copyOf(specialTokens);
        this.bounds = bounds;
        this.jinjava = HfJinja.environment(bounds.maxOutputChars(), (node, interpreter) -> {
            if (System.nanoTime() - deadline > 0) {
                throw new ChatTemplateException(
                        "rendering took longer than " + bounds.maxRenderTime().toMillis() + " ms", false);
            }
        });
        JinjavaInterpreter parser = jinjava.newInterpreter();
        this.tree = parser.parse(JinjaSource.adapt(source));
        String problem = firstFatal(parser.getErrorsCopy());
        if (problem != null) {
            throw new ChatTemplateException("the chat_template is not valid Jinja: " + problem, false);
        }
    }

    /**
     * Compiles {@code source}.
     *
     * @param specialTokens variables such as {@code bos_token} (strings) and {@code
     *     additional_special_tokens} (a list of strings), as {@link ChatTemplateConfig} reads them
     * @throws ChatTemplateException when the source is too long or not valid Jinja
     */
    public static ChatTemplate compile(String source, Map<String, Object> specialTokens, Bounds bounds) {
        if (source.length() > MAX_SOURCE_CHARS) {
            throw new ChatTemplateException(
                    "the chat_template has " + source.length() + " characters, more than the " + MAX_SOURCE_CHARS
                            + " accepted (real ones have a few ten thousand)",
                    false);
        }
        return new ChatTemplate(source, specialTokens, bounds);
    }

    /** The template's Jinja source, as the model publishes it. */
    public String source() {
        return source;
    }

    /**
     * The text of {@code messages}.
     *
     * @throws ChatTemplateException the template called {@code raise_exception} ({@link
     *     ChatTemplateException#raised()}), failed, or went over its bounds
     */
    public String render(List<Message> messages, boolean addGenerationPrompt) {
        List<Map<String, Object>> list = new ArrayList<>(messages.size());
        for (Message m : messages) {
            list.add(m.toMap());
        }
        Map<String, Object> bindings = new HashMap<>(specialTokens);
        bindings.put("messages", list);
        bindings.put("add_generation_prompt", addGenerationPrompt);
        Context context = new Context(
                jinjava.getGlobalContext(), bindings, jinjava.getGlobalConfig().getDisabled());
        JinjavaInterpreter interpreter = new JinjavaInterpreter(jinjava, context, jinjava.getGlobalConfig());
        deadline = System.nanoTime() + bounds.maxRenderTime().toNanos();
        String out;
        JinjavaInterpreter.pushCurrent(interpreter);
        try {
            out = interpreter.render(tree, true);
        } catch (RuntimeException e) {
            throw ours(e).orElseGet(() -> new ChatTemplateException("rendering failed: " + e, false));
        } finally {
            JinjavaInterpreter.popCurrent();
        }
        for (TemplateError error : interpreter.getErrorsCopy()) {
            if (error.getSeverity() == TemplateError.ErrorType.FATAL) {
                throw ours(error.getException()).orElseGet(() -> new ChatTemplateException(describe(error), false));
            }
        }
        return out;
    }

    /** A refusal ({@code raise_exception}) or a bound, wherever jinjava wrapped it. */
    private static Optional<ChatTemplateException> ours(Throwable thrown) {
        for (Throwable t = thrown; t != null && t.getCause() != t; t = t.getCause()) {
            if (t instanceof HfJinja.Raised raised) {
                return Optional.of(new ChatTemplateException(raised.getMessage(), true));
            }
            if (t instanceof ChatTemplateException bound) {
                return Optional.of(bound);
            }
        }
        return Optional.empty();
    }

    private static String firstFatal(List<TemplateError> errors) {
        for (TemplateError e : errors) {
            if (e.getSeverity() == TemplateError.ErrorType.FATAL) {
                return describe(e);
            }
        }
        return null;
    }

    private static String describe(TemplateError e) {
        return "line " + e.getLineno() + ": " + e.getMessage();
    }
}
