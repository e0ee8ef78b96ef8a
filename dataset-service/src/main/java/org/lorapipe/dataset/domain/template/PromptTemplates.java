package org.lorapipe.dataset.domain.template;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.lorapipe.contract.request.PromptTemplate;
import org.lorapipe.dataset.domain.Example;
import org.lorapipe.dataset.domain.Exchange;

/**
 * Turns an {@link Example} into the segments the model sees. Every response is followed by EOS, and
 * every assistant turn of a multi-turn record is a response (trained).
 *
 * <ul>
 *   <li>{@code alpaca}: the Stanford Alpaca prompt, with or without input; later turns repeat the
 *       "### Instruction / ### Response" block.
 *   <li>{@code chatml}: {@code <|im_start|>role\n...<|im_end|>} turns.
 *   <li>{@code llama2-chat}: {@code <s>[INST] <<SYS>>...<</SYS>> user [/INST] answer </s>} per turn.
 *   <li>{@code plain}: the instruction (and input) on their own lines, then the response.
 * </ul>
 *
 * ({@code model}, the base model's own chat template, is {@link ModelTemplate}.)
 *
 * A {@code text} document is one trained segment between BOS and EOS, whatever the template.
 */
public final class PromptTemplates {
    public static final String ALPACA_WITH_INPUT = "Below is an instruction that describes a task, paired with an"
            + " input that provides further context. Write a response that appropriately completes the request.\n\n"
            + "### Instruction:\n%s\n\n### Input:\n%s\n\n### Response:\n";
    public static final String ALPACA_NO_INPUT = "Below is an instruction that describes a task. Write a response"
            + " that appropriately completes the request.\n\n### Instruction:\n%s\n\n### Response:\n";

    private PromptTemplates() {}

    /**
     * A built-in template as an {@link ExampleTemplate}: every turn ends with the tokenizer's EOS.
     *
     * @throws IllegalArgumentException for {@code model}, which needs the model's chat template ({@link
     *     ModelTemplate})
     */
    public static ExampleTemplate builtin(PromptTemplate template) {
        if (template == PromptTemplate.MODEL) {
            throw new IllegalArgumentException("promptTemplate 'model' renders with the base model's chat_template:"
                    + " build a ModelTemplate from it");
        }
        return new ExampleTemplate() {
            @Override
            public List<Segment> apply(Example example) {
                return PromptTemplates.apply(template, example);
            }

            @Override
            public Optional<String> endOfTurn() {
                return Optional.empty();
            }

            @Override
            public String chatTemplate() {
                return PromptTemplates.chatTemplate(template);
            }
        };
    }

    /**
     * The Jinja chat template equivalent to a built-in template ({@code NAME.jinja} beside this class):
     * rendered with the tokenizer's {@code bos_token} and {@code eos_token}, a conversation gives the text
     * of {@link #apply} with BOS and EOS written out. A user message may carry the Alpaca input as an
     * extra {@code input} key.
     */
    public static String chatTemplate(PromptTemplate template) {
        try (InputStream in = PromptTemplates.class.getResourceAsStream(template.wire() + ".jinja")) {
            if (in == null) {
                throw new IllegalArgumentException("no built-in chat template for " + template.wire());
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A {@code text} document: BOS, the document (trained), EOS. */
    static List<Segment> document(Example example) {
        return List.of(Segment.bos(), Segment.response(example.document()), Segment.eos());
    }

    public static List<Segment> apply(PromptTemplate template, Example example) {
        if (example.isDocument()) {
            return document(example);
        }
        List<Segment> out = new ArrayList<>();
        out.add(Segment.bos());
        List<Exchange> turns = example.exchanges();
        for (int i = 0; i < turns.size(); i++) {
            Exchange turn = turns.get(i);
            switch (template) {
                case ALPACA -> alpaca(out, example.system(), turn, i);
                case CHATML -> chatml(out, example.system(), turn, i);
                case LLAMA2_CHAT -> llama2(out, example.system(), turn, i);
                case PLAIN -> plain(out, example.system(), turn, i);
                case MODEL -> throw new IllegalArgumentException("promptTemplate 'model' is not built in");
            }
        }
        return out;
    }

    private static void alpaca(List<Segment> out, String system, Exchange turn, int i) {
        String prompt;
        if (i == 0) {
            prompt = turn.hasInput()
                    ? String.format(ALPACA_WITH_INPUT, turn.instruction(), turn.input())
                    : String.format(ALPACA_NO_INPUT, turn.instruction());
            if (system != null) {
                prompt = system + "\n\n" + prompt;
            }
        } else {
            prompt = "\n\n### Instruction:\n" + turn.instruction()
                    + (turn.hasInput() ? "\n\n### Input:\n" + turn.input() : "") + "\n\n### Response:\n";
        }
        out.add(Segment.prompt(prompt));
        out.add(Segment.response(turn.response()));
        out.add(Segment.eos());
    }

    private static void chatml(List<Segment> out, String system, Exchange turn, int i) {
        StringBuilder prompt = new StringBuilder(i == 0 ? "" : "\n");
        if (i == 0 && system != null) {
            prompt.append("<|im_start|>system\n").append(system).append("<|im_end|>\n");
        }
        prompt.append("<|im_start|>user\n")
                .append(Conversation.userText(turn))
                .append("<|im_end|>\n<|im_start|>assistant\n");
        out.add(Segment.prompt(prompt.toString()));
        out.add(Segment.response(turn.response() + "<|im_end|>"));
        out.add(Segment.eos());
    }

    private static void llama2(List<Segment> out, String system, Exchange turn, int i) {
        if (i > 0) {
            out.add(Segment.bos());
        }
        String sys = i == 0 && system != null ? "<<SYS>>\n" + system + "\n<</SYS>>\n\n" : "";
        out.add(Segment.prompt("[INST] " + sys + Conversation.userText(turn) + " [/INST]"));
        out.add(Segment.response(" " + turn.response() + " "));
        out.add(Segment.eos());
    }

    private static void plain(List<Segment> out, String system, Exchange turn, int i) {
        String prefix = i == 0 && system != null ? system + "\n\n" : i > 0 ? "\n" : "";
        out.add(Segment.prompt(prefix + Conversation.userText(turn) + "\n"));
        out.add(Segment.response(turn.response()));
        out.add(Segment.eos());
    }
}
