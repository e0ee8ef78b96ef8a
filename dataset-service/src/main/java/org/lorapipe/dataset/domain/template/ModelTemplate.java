package org.lorapipe.dataset.domain.template;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.lorapipe.contract.ErrorCodes;
import org.lorapipe.dataset.domain.DatasetException;
import org.lorapipe.dataset.domain.Example;
import org.lorapipe.dataset.domain.Exchange;
import org.lorapipe.dataset.domain.template.ChatTemplate.Message;

/**
 * {@code promptTemplate: "model"}: a conversation rendered by the base model's own chat template, with
 * the assistant's turns found by rendering it prefix by prefix.
 *
 * <p>For the conversation {@code m} with user turns {@code i = 1..n}:
 *
 * <pre>
 *   full = render(m, add_generation_prompt=false)
 *   P_i  = render(m[..user i], add_generation_prompt=true)      the prompt of answer i
 *   F_i  = render(m[..assistant i], add_generation_prompt=false) (F_n = full)
 *   answer i = full[|P_i| .. |P_i| + common prefix of F_i and full after P_i], at most up to P_(i+1)
 * </pre>
 *
 * Each answer is trained with what the template writes after it ({@code <|im_end|>\n}, {@code
 * <|eot_id|>}, {@code </s>}); the rest (system, user turns, role headers) is prompt. Every {@code P_i}
 * must be where {@code full} starts, and every answer must hold the assistant's text: a template that
 * renders an earlier turn differently once later turns follow (Mistral v0.3 moves the system prompt
 * into the last user turn; Qwen3 drops the thinking block of earlier answers) is refused with the
 * record and the place the renders part. Comparing with {@code full} rather than chaining {@code F_i}
 * into {@code P_(i+1)} lets a template end the conversation with EOS (Phi-3): the last answer is trained
 * with it.
 *
 * <p>BOS: the text is tokenized as it is, with no special token added, as {@code
 * apply_chat_template(tokenize=True)} does: a template that writes {@code bos_token} gets exactly one
 * BOS, one that does not (Qwen) gets none.
 */
public final class ModelTemplate implements ExampleTemplate {
    private static final String PROBE_ANSWER = "Hello";
    private static final int CONTEXT_CHARS = 40;

    private final ChatTemplate template;
    private final Optional<String> endOfTurn;

    /**
     * @throws DatasetException ({@code INVALID_REQUEST}) when the template cannot render a one-turn
     *     conversation with a prompt and an answer
     */
    public ModelTemplate(ChatTemplate template) {
        this.template = template;
        this.endOfTurn = probeEndOfTurn();
    }

    @Override
    public Optional<String> endOfTurn() {
        return endOfTurn;
    }

    @Override
    public String chatTemplate() {
        return template.source();
    }

    @Override
    public List<Segment> apply(Example example) {
        if (example.isDocument()) {
            return PromptTemplates.document(example);
        }
        List<Message> messages = Conversation.of(example, false);
        int firstUser = example.system() != null ? 1 : 0;
        int n = example.exchanges().size();
        String full = render(example, messages, false);
        int[] prompt = new int[n + 1];
        for (int i = 0; i < n; i++) {
            String p = render(example, messages.subList(0, firstUser + 2 * i + 1), true);
            if (!full.startsWith(p)) {
                throw unstable(example, "the prompt of answer " + (i + 1), p, full);
            }
            prompt[i] = p.length();
        }
        prompt[n] = full.length();
        List<Segment> out = new ArrayList<>();
        int cursor = 0;
        for (int i = 0; i < n; i++) {
            String turn = i == n - 1 ? full : render(example, messages.subList(0, firstUser + 2 * i + 2), false);
            if (!turn.startsWith(full.substring(0, prompt[i]))) {
                throw unstable(example, "the conversation up to answer " + (i + 1), turn, full);
            }
            int end = Math.min(prompt[i] + common(turn, full, prompt[i]), prompt[i + 1]);
            String answer = full.substring(prompt[i], end);
            String response = PyStringMethods.strip(example.exchanges().get(i).response(), null, true, true);
            if (!answer.contains(response)) {
                throw unstable(example, "answer " + (i + 1) + " once later turns follow", turn, full);
            }
            if (prompt[i] > cursor) {
                out.add(Segment.prompt(full.substring(cursor, prompt[i])));
            }
            out.add(Segment.response(answer));
            cursor = end;
        }
        if (cursor < full.length()) {
            out.add(Segment.prompt(full.substring(cursor)));
        }
        return out;
    }

    private String render(Example example, List<Message> messages, boolean generationPrompt) {
        try {
            return template.render(messages, generationPrompt);
        } catch (ChatTemplateException e) {
            throw new DatasetException(
                    ErrorCodes.INVALID_REQUEST,
                    "record " + example.index() + ": the base model's chat_template "
                            + (e.raised() ? "refuses the conversation: " : "cannot render it: ") + e.getMessage()
                            + " (promptTemplate 'model'); fix such records (e.g. leave out the system prompt for a"
                            + " template without a system role), or choose a built-in promptTemplate (alpaca,"
                            + " chatml, llama2-chat, plain)");
        }
    }

    /** The text the template writes after an answer, from a one-turn conversation. */
    private Optional<String> probeEndOfTurn() {
        Example probe = new Example(-1, null, List.of(new Exchange("Hi", "", PROBE_ANSWER)), null);
        List<Segment> segments;
        try {
            segments = apply(probe);
        } catch (DatasetException e) {
            throw new DatasetException(
                    ErrorCodes.INVALID_REQUEST,
                    "the base model's chat_template cannot render a one-turn conversation (user 'Hi', assistant"
                            + " 'Hello'): " + e.getMessage().replaceFirst("^record -1: ", ""));
        }
        String answer = segments.stream()
                .filter(Segment::trainable)
                .findFirst()
                .map(Segment::text)
                .orElse("");
        String after = answer.substring(answer.lastIndexOf(PROBE_ANSWER) + PROBE_ANSWER.length())
                .strip();
        return after.isEmpty() ? Optional.empty() : Optional.of(after);
    }

    /** Length of the common prefix of {@code a} and {@code b} from {@code from} on. */
    private static int common(String a, String b, int from) {
        int i = from;
        int end = Math.min(a.length(), b.length());
        while (i < end && a.charAt(i) == b.charAt(i)) {
            i++;
        }
        return i - from;
    }

    private static DatasetException unstable(Example example, String what, String part, String full) {
        int at = common(part, full, 0);
        return new DatasetException(
                ErrorCodes.INVALID_REQUEST,
                "record " + example.index() + ": the base model's chat_template is not prefix-stable: " + what
                        + " renders as ..." + quote(part, at) + "... where the whole conversation has ..."
                        + quote(full, at) + "... (character " + at + "). promptTemplate 'model' finds the trained"
                        + " answers by rendering the conversation turn by turn, so each turn must render the same"
                        + " whatever follows; use a built-in promptTemplate (alpaca, chatml, llama2-chat, plain),"
                        + " or records this template renders stably (e.g. without a system prompt, or one turn)");
    }

    private static String quote(String s, int at) {
        int from = Math.max(0, at - CONTEXT_CHARS);
        int to = Math.min(s.length(), at + CONTEXT_CHARS);
        return "'" + s.substring(from, to).replace("\n", "\\n") + "'";
    }
}
