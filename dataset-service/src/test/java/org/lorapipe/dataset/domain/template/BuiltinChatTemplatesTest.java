package org.lorapipe.dataset.domain.template;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.lorapipe.contract.request.PromptTemplate;
import org.lorapipe.dataset.domain.Example;
import org.lorapipe.dataset.domain.Exchange;
import org.lorapipe.dataset.domain.template.ChatTemplate.Message;

/**
 * The Jinja chat template written into the adapter and the merged model for each built-in prompt
 * template renders a conversation exactly as {@link PromptTemplates} does (BOS and EOS written out as
 * the tokenizer's strings): the whole conversation, and the prompt of every answer with {@code
 * add_generation_prompt}. {@link ChatTemplateReferenceTest} renders the same templates with jinja2.
 */
class BuiltinChatTemplatesTest {
    static final Map<String, Object> TOKENS = Map.of("bos_token", "<s>", "eos_token", "</s>");

    static final List<Example> EXAMPLES = List.of(
            new Example(0, null, List.of(new Exchange("Name a colour.", "", "Blue.")), null),
            new Example(1, "Be brief.", List.of(new Exchange("Add the numbers.", "2 and 3", "5")), null),
            new Example(
                    2,
                    "You answer in one word.",
                    List.of(
                            new Exchange("Name a colour.", "", "Blue."),
                            new Exchange("Translate.", "Haus", "House."),
                            new Exchange("Another?", "", "  Red. \n")),
                    null),
            new Example(
                    3,
                    null,
                    List.of(
                            new Exchange("Grüße {{ eos_token }}", "", "Hallo 🙂"),
                            new Exchange("Und?", "x\ny", "Gut.")),
                    null));

    /** The text of {@link PromptTemplates#apply}, and where each answer starts in it. */
    record Rendered(String text, List<Integer> answerStarts) {}

    static Rendered java(PromptTemplate template, Example example) {
        StringBuilder text = new StringBuilder();
        List<Integer> starts = new ArrayList<>();
        boolean inAnswer = false;
        for (Segment s : PromptTemplates.apply(template, example)) {
            if (s.kind() == Segment.Kind.TEXT && s.trainable() && !inAnswer) {
                starts.add(text.length());
            }
            inAnswer = s.trainable();
            text.append(
                    switch (s.kind()) {
                        case BOS -> "<s>";
                        case EOS -> "</s>";
                        case TEXT -> s.text();
                    });
        }
        return new Rendered(text.toString(), starts);
    }

    @Test
    void eachBuiltInChatTemplateRendersAsPromptTemplatesDo() {
        int compared = 0;
        for (PromptTemplate template : List.of(
                PromptTemplate.ALPACA, PromptTemplate.CHATML, PromptTemplate.LLAMA2_CHAT, PromptTemplate.PLAIN)) {
            ChatTemplate jinja =
                    ChatTemplate.compile(PromptTemplates.chatTemplate(template), TOKENS, ChatTemplate.Bounds.DEFAULT);
            for (Example example : EXAMPLES) {
                Rendered ours = java(template, example);
                List<Message> messages = Conversation.of(example, true);
                assertThat(jinja.render(messages, false))
                        .as(template.wire() + ", record " + example.index())
                        .isEqualTo(ours.text());
                int firstUser = example.system() != null ? 1 : 0;
                for (int i = 0; i < example.exchanges().size(); i++) {
                    assertThat(jinja.render(messages.subList(0, firstUser + 2 * i + 1), true))
                            .as(template.wire() + ", record " + example.index() + ", prompt of answer " + (i + 1))
                            .isEqualTo(
                                    ours.text().substring(0, ours.answerStarts().get(i)));
                    compared++;
                }
            }
        }
        assertThat(compared).isEqualTo(4 * 7); // 7 answers in the examples, 4 templates
    }

    @Test
    void theModelsOwnTemplateIsPassedOnAsItIs(@TempDir Path tmp) {
        ChatTemplate qwen = ChatTemplates.compile(ChatTemplates.QWEN25, tmp);
        assertThat(new ModelTemplate(qwen).chatTemplate()).isEqualTo(qwen.source());
    }
}
