package org.lorapipe.dataset.domain.template;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.lorapipe.dataset.domain.template.ChatTemplate.Message;

/**
 * The Jinja renderer on real-world chat templates (resources, see {@link ChatTemplates}): each renders
 * the conversation its model card documents, special tokens in either form, {@code raise_exception}
 * surfaced with the template's message, and a hostile template stopped by its bounds.
 * {@link ChatTemplateReferenceTest} compares every template with Python's jinja2.
 */
class ChatTemplateTest {
    private static final Message SYSTEM = Message.of("system", "You are terse.");
    private static final Message HI = Message.of("user", "Hi");
    private static final Message HELLO = Message.of("assistant", "Hello");
    private static final Message MORE = Message.of("user", "More?");
    private static final Message SURE = Message.of("assistant", "Sure.");

    @TempDir
    Path tmp;

    private String render(String model, boolean generationPrompt, Message... messages) {
        return ChatTemplates.compile(model, tmp).render(List.of(messages), generationPrompt);
    }

    @Test
    void qwen25IsChatMlWithItsDefaultSystemPrompt() {
        assertThat(render(ChatTemplates.QWEN25, false, SYSTEM, HI, HELLO))
                .isEqualTo("<|im_start|>system\nYou are terse.<|im_end|>\n<|im_start|>user\nHi<|im_end|>\n"
                        + "<|im_start|>assistant\nHello<|im_end|>\n");
        assertThat(render(ChatTemplates.QWEN25, true, HI))
                .isEqualTo("<|im_start|>system\nYou are Qwen, created by Alibaba Cloud. You are a helpful"
                        + " assistant.<|im_end|>\n<|im_start|>user\nHi<|im_end|>\n<|im_start|>assistant\n");
    }

    @Test
    void llama31HasHeadersEotAndItsSystemBlock() {
        assertThat(render(ChatTemplates.LLAMA31, false, SYSTEM, HI, HELLO))
                .isEqualTo("<|begin_of_text|><|start_header_id|>system<|end_header_id|>\n\n"
                        + "Cutting Knowledge Date: December 2023\nToday Date: 26 Jul 2024\n\nYou are terse.<|eot_id|>"
                        + "<|start_header_id|>user<|end_header_id|>\n\nHi<|eot_id|>"
                        + "<|start_header_id|>assistant<|end_header_id|>\n\nHello<|eot_id|>");
        assertThat(render(ChatTemplates.LLAMA31, true, HI))
                .endsWith("<|eot_id|><|start_header_id|>user<|end_header_id|>\n\nHi<|eot_id|>"
                        + "<|start_header_id|>assistant<|end_header_id|>\n\n");
    }

    @Test
    void mistralInstTurnsAndItsRefusalOfASystemRole() {
        assertThat(render(ChatTemplates.MISTRAL_V02, false, HI, HELLO, MORE, SURE))
                .isEqualTo("<s>[INST] Hi [/INST]Hello</s>[INST] More? [/INST]Sure.</s>");
        assertThatThrownBy(() -> render(ChatTemplates.MISTRAL_V02, false, SYSTEM, HI, HELLO))
                .isInstanceOfSatisfying(
                        ChatTemplateException.class, e -> assertThat(e.raised()).isTrue())
                .hasMessage("Conversation roles must alternate user/assistant/user/assistant/...");
        // v0.3 puts the system message into the last user turn
        assertThat(render(ChatTemplates.MISTRAL_V03, true, SYSTEM, HI))
                .isEqualTo("<s>[INST] You are terse.\n\nHi[/INST]");
        assertThat(render(ChatTemplates.MISTRAL_V03, false, SYSTEM, HI, HELLO))
                .isEqualTo("<s>[INST] Hi[/INST] Hello</s>");
    }

    @Test
    void gemmaTurnsAndItsRefusalOfASystemRole() {
        assertThat(render(ChatTemplates.GEMMA2, false, HI, HELLO))
                .isEqualTo("<bos><start_of_turn>user\nHi<end_of_turn>\n<start_of_turn>model\nHello<end_of_turn>\n");
        assertThat(render(ChatTemplates.GEMMA2, true, Message.of("user", "  Hi  ")))
                .isEqualTo("<bos><start_of_turn>user\nHi<end_of_turn>\n<start_of_turn>model\n");
        assertThatThrownBy(() -> render(ChatTemplates.GEMMA2, false, SYSTEM, HI, HELLO))
                .isInstanceOf(ChatTemplateException.class)
                .hasMessage("System role not supported");
    }

    @Test
    void phi3EndsWithEosOnlyWithoutAGenerationPrompt() {
        assertThat(render(ChatTemplates.PHI3, false, SYSTEM, HI, HELLO))
                .isEqualTo("<|system|>\nYou are terse.<|end|>\n<|user|>\nHi<|end|>\n<|assistant|>\nHello<|end|>\n"
                        + "<|endoftext|>");
        assertThat(render(ChatTemplates.PHI3, true, HI)).isEqualTo("<|user|>\nHi<|end|>\n<|assistant|>\n");
    }

    @Test
    void llama2StripsWithPythonsMeaningAndReadsAddedTokenObjects() {
        // U+00A0 is white space to Python's str.strip(), not to Java's String.strip()
        assertThat(render(ChatTemplates.LLAMA2, false, SYSTEM, Message.of("user", "\u00a0Hi "), HELLO))
                .isEqualTo("<s>[INST] <<SYS>>\nYou are terse.\n<</SYS>>\n\n\u00a0Hi [/INST] Hello </s>");
        assertThat(render(ChatTemplates.LLAMA2, false, Message.of("user", "\u00a0Hi "), HELLO))
                .isEqualTo("<s>[INST] Hi [/INST] Hello </s>");
    }

    @Test
    void qwen3KeepsThinkingOnlyAfterTheLastQuestion() {
        Message thought = Message.of("assistant", "<think>\nadd\n</think>\n\n4");
        assertThat(render(ChatTemplates.QWEN3, false, Message.of("user", "2+2?"), thought, MORE, SURE))
                .isEqualTo(
                        "<|im_start|>user\n2+2?<|im_end|>\n<|im_start|>assistant\n4<|im_end|>\n"
                                + "<|im_start|>user\nMore?<|im_end|>\n<|im_start|>assistant\n<think>\n\n</think>\n\nSure.<|im_end|>\n");
    }

    @Test
    void whatJinjavaLacksFailsRatherThanRendersSomethingElse() {
        for (String lacking :
                List.of("{% for m in messages %}{% break %}{% endfor %}", "{{ '%s!' % messages[0]['content'] }}")) {
            assertThatThrownBy(() -> ChatTemplate.compile(lacking, Map.of(), ChatTemplate.Bounds.DEFAULT)
                            .render(List.of(HI), false))
                    .as(lacking)
                    .isInstanceOf(ChatTemplateException.class);
        }
    }

    @Test
    void specialTokensAreStringsOrAddedTokenObjects() {
        assertThat(ChatTemplates.config(ChatTemplates.LLAMA2, tmp).specialTokens())
                .containsEntry("bos_token", "<s>")
                .containsEntry("eos_token", "</s>")
                .containsEntry("unk_token", "<unk>")
                .doesNotContainKey("pad_token");
        assertThat(ChatTemplates.config(ChatTemplates.GEMMA2, tmp).specialTokens())
                .containsEntry("additional_special_tokens", List.of("<start_of_turn>", "<end_of_turn>"));
        assertThat(render(ChatTemplates.QWEN25, false, HI, Message.of("assistant", "{{ eos_token }}")))
                .as("message text is data, never template")
                .contains("assistant\n{{ eos_token }}<|im_end|>");
    }

    @Test
    void chatTemplateJinjaWinsOverTheConfigAndNamedTemplatesUseDefault() throws Exception {
        Path dir = ChatTemplates.folder(ChatTemplates.PHI3, tmp);
        Files.writeString(dir.resolve(ChatTemplateConfig.JINJA_FILE), "{{ bos_token }}{{ messages[0]['content'] }}");
        ChatTemplateConfig config = ChatTemplateConfig.read(dir).orElseThrow();
        assertThat(config.compile(ChatTemplate.Bounds.DEFAULT).render(List.of(HI), false))
                .isEqualTo("<s>Hi");

        Path named = Files.createDirectories(tmp.resolve("named"));
        Files.writeString(
                named.resolve(ChatTemplateConfig.TOKENIZER_CONFIG),
                "{\"eos_token\": \"</s>\", \"chat_template\": [{\"name\": \"tool_use\", \"template\": \"T\"},"
                        + " {\"name\": \"default\", \"template\": \"D{{ eos_token }}\"}]}");
        assertThat(ChatTemplateConfig.read(named).orElseThrow().source()).isEqualTo("D{{ eos_token }}");

        Path none = Files.createDirectories(tmp.resolve("none"));
        Files.writeString(none.resolve(ChatTemplateConfig.TOKENIZER_CONFIG), "{\"eos_token\": \"</s>\"}");
        assertThat(ChatTemplateConfig.read(none)).isEmpty();
        assertThat(ChatTemplateConfig.read(tmp.resolve("absent"))).isEmpty();
    }

    @Test
    void aHostileTemplateIsStoppedByItsBounds() {
        ChatTemplate.Bounds small = new ChatTemplate.Bounds(10_000, Duration.ofMillis(300));
        String huge = "{% for i in range(100000) %}{% for j in range(100000) %}xxxxxxxx{% endfor %}{% endfor %}";
        assertThatThrownBy(() -> ChatTemplate.compile(huge, Map.of(), small).render(List.of(HI), false))
                .isInstanceOf(ChatTemplateException.class);
        String slow = "{% for i in range(100000) %}{% for j in range(100000) %}{% endfor %}{% endfor %}done";
        long t0 = System.nanoTime();
        assertThatThrownBy(() -> ChatTemplate.compile(slow, Map.of(), small).render(List.of(HI), false))
                .isInstanceOf(ChatTemplateException.class)
                .hasMessageContaining("longer than 300 ms");
        assertThat((System.nanoTime() - t0) / 1e9).as("seconds until stopped").isLessThan(5);
    }

    @Test
    void aTemplateReadsNothingOutsideItself() {
        for (String reach : List.of(
                "{% include 'application.properties' %}",
                "{% import 'application.properties' as x %}", "{% extends 'application.properties' %}")) {
            String out;
            try {
                out = ChatTemplate.compile(reach + "end", Map.of(), ChatTemplate.Bounds.DEFAULT)
                        .render(List.of(HI), false);
            } catch (ChatTemplateException e) {
                continue;
            }
            assertThat(out).as(reach).isEqualTo("end");
        }
        assertThatThrownBy(() -> ChatTemplate.compile(
                                "{{ messages.getClass().getClassLoader() }}", Map.of(), ChatTemplate.Bounds.DEFAULT)
                        .render(List.of(HI), false))
                .isInstanceOf(ChatTemplateException.class);
    }

    @Test
    void brokenJinjaIsRefusedWhenCompiled() {
        assertThatThrownBy(() -> ChatTemplate.compile(
                        "{% for m in messages %}{{ m.content }}", Map.of(), ChatTemplate.Bounds.DEFAULT))
                .isInstanceOf(ChatTemplateException.class)
                .hasMessageContaining("not valid Jinja");
    }
}
