package org.lorapipe.dataset.domain.template;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.lorapipe.contract.request.PromptTemplate;
import org.lorapipe.dataset.domain.Example;
import org.lorapipe.dataset.domain.template.ChatTemplate.Message;
import org.lorapipe.testkit.NeedsTools;

/**
 * Our Jinja renderer against Python's jinja2 in transformers' environment ({@link PythonJinja}): every
 * real-world template of the tests, on conversations with and without a system prompt, several turns,
 * white space and characters that differ between Python and Java, template syntax inside a message, with
 * and without the generation prompt. Each case must give the same text, or the same refusal
 * ({@code raise_exception}). And the chat templates written for the built-in prompt templates render in
 * jinja2 what {@link PromptTemplates} renders.
 */
@NeedsTools
class ChatTemplateReferenceTest {
    static final Message SYSTEM = Message.of("system", "You are terse.");

    static final List<List<Message>> CONVERSATIONS = List.of(
            List.of(Message.of("user", "Hi")),
            List.of(Message.of("user", "Hi"), Message.of("assistant", "Hello")),
            List.of(SYSTEM, Message.of("user", "Hi"), Message.of("assistant", "Hello")),
            List.of(
                    SYSTEM,
                    Message.of("user", "Name a colour."),
                    Message.of("assistant", "Blue."),
                    Message.of("user", "Another?"),
                    Message.of("assistant", "Red.")),
            List.of(
                    Message.of("user", " \u00a0Grüße,\n\n wie geht's?\t"),
                    Message.of("assistant", "  Gut — danke! 🙂\n"),
                    Message.of("user", "{{ eos_token }} {% raw %}\\n [INST]"),
                    Message.of("assistant", "'quoted' \"double\" \\ back")),
            List.of(
                    Message.of("user", "2+2?"),
                    Message.of("assistant", "<think>\nadd them\n</think>\n\n4"),
                    Message.of("user", "And 3+3?"),
                    Message.of("assistant", "6")));

    @TempDir
    Path tmp;

    @Test
    void everyRealTemplateRendersAsJinja2Does() throws Exception {
        List<PythonJinja.Case> cases = new ArrayList<>();
        List<ChatTemplate> templates = new ArrayList<>();
        for (String name : ChatTemplates.ALL) {
            ChatTemplateConfig config = ChatTemplates.config(name, tmp);
            ChatTemplate template = config.compile(ChatTemplate.Bounds.DEFAULT);
            for (List<Message> conversation : CONVERSATIONS) {
                for (boolean generationPrompt : new boolean[] {false, true}) {
                    cases.add(new PythonJinja.Case(
                            config.source(), conversation, generationPrompt, config.specialTokens()));
                    templates.add(template);
                }
            }
        }
        List<PythonJinja.Outcome> expected = PythonJinja.render(cases, tmp);
        SoftAssertions soft = new SoftAssertions();
        int rendered = 0;
        for (int i = 0; i < cases.size(); i++) {
            PythonJinja.Case c = cases.get(i);
            PythonJinja.Outcome reference = expected.get(i);
            String ours;
            ChatTemplateException failure = null;
            try {
                ours = templates.get(i).render(c.messages(), c.addGenerationPrompt());
            } catch (ChatTemplateException e) {
                ours = null;
                failure = e;
            }
            String what = ChatTemplates.ALL.get(i / (2 * CONVERSATIONS.size())) + " case " + i;
            if (reference.text() != null) {
                soft.assertThat(failure).as(what).isNull();
                soft.assertThat(ours).as(what).isEqualTo(reference.text());
                rendered++;
            } else if (reference.raised() != null) {
                soft.assertThat(failure)
                        .as(what + ": jinja2 raised " + reference.raised())
                        .isNotNull();
                if (failure != null) {
                    soft.assertThat(failure.raised()).as(what).isTrue();
                    soft.assertThat(failure.getMessage()).as(what).isEqualTo(reference.raised());
                }
            } else {
                soft.assertThat(ours)
                        .as(what + ": jinja2 failed with " + reference.error())
                        .isNull();
            }
        }
        soft.assertAll();
        assertThat(rendered).as("cases both rendered").isGreaterThan(60);
    }

    @Test
    void eachBuiltInChatTemplateRendersInJinja2AsPromptTemplatesDo() throws Exception {
        List<PythonJinja.Case> cases = new ArrayList<>();
        List<String> expected = new ArrayList<>();
        for (PromptTemplate template : List.of(
                PromptTemplate.ALPACA, PromptTemplate.CHATML, PromptTemplate.LLAMA2_CHAT, PromptTemplate.PLAIN)) {
            for (Example example : BuiltinChatTemplatesTest.EXAMPLES) {
                cases.add(new PythonJinja.Case(
                        PromptTemplates.chatTemplate(template),
                        Conversation.of(example, true),
                        false,
                        BuiltinChatTemplatesTest.TOKENS));
                expected.add(BuiltinChatTemplatesTest.java(template, example).text());
            }
        }
        List<PythonJinja.Outcome> rendered = PythonJinja.render(cases, tmp);
        for (int i = 0; i < cases.size(); i++) {
            assertThat(rendered.get(i).text()).as("case " + i).isEqualTo(expected.get(i));
        }
    }
}
