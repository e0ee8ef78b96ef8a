package org.lorapipe.dataset.domain.template;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.lorapipe.contract.ErrorCodes;
import org.lorapipe.dataset.domain.DatasetException;
import org.lorapipe.dataset.domain.Example;
import org.lorapipe.dataset.domain.Exchange;

/**
 * {@code promptTemplate: "model"} on the real templates: the trained spans found prefix by prefix are
 * exactly each answer and what the template writes after it, the rest is prompt, and templates that
 * refuse a record or render a turn differently once others follow fail naming the record.
 */
class ModelTemplateTest {
    private static final Example TWO_TURNS =
            new Example(7, "Be brief.", List.of(new Exchange("Q1", "", "A1"), new Exchange("Q2", "in", "A2")), null);
    private static final Example NO_SYSTEM =
            new Example(8, null, List.of(new Exchange("Q1", "", "A1"), new Exchange("Q2", "", "A2")), null);

    @TempDir
    Path tmp;

    private ModelTemplate model(String name) {
        return new ModelTemplate(ChatTemplates.compile(name, tmp));
    }

    private static List<String> trained(List<Segment> segments) {
        return segments.stream().filter(Segment::trainable).map(Segment::text).toList();
    }

    private static String text(List<Segment> segments) {
        return String.join("", segments.stream().map(Segment::text).toList());
    }

    @Test
    void chatMlTrainsEachAnswerWithItsImEnd() {
        ModelTemplate qwen = model(ChatTemplates.QWEN25);
        List<Segment> segments = qwen.apply(TWO_TURNS);
        assertThat(segments)
                .containsExactly(
                        Segment.prompt("<|im_start|>system\nBe brief.<|im_end|>\n<|im_start|>user\nQ1<|im_end|>\n"
                                + "<|im_start|>assistant\n"),
                        Segment.response("A1<|im_end|>\n"),
                        Segment.prompt("<|im_start|>user\nQ2\n\nin<|im_end|>\n<|im_start|>assistant\n"),
                        Segment.response("A2<|im_end|>\n"));
        assertThat(qwen.endOfTurn()).contains("<|im_end|>");
    }

    @Test
    void llama3TrainsEotAndKeepsItsOneBos() {
        ModelTemplate llama = model(ChatTemplates.LLAMA31);
        List<Segment> segments = llama.apply(TWO_TURNS);
        assertThat(trained(segments)).containsExactly("A1<|eot_id|>", "A2<|eot_id|>");
        assertThat(text(segments)).startsWith("<|begin_of_text|><|start_header_id|>system");
        assertThat(segments).noneMatch(s -> s.kind() != Segment.Kind.TEXT); // the template's BOS, none of ours
        assertThat(llama.endOfTurn()).contains("<|eot_id|>");
    }

    @Test
    void mistralGemmaAndLlama2TrainTheirEndMarkers() {
        assertThat(trained(model(ChatTemplates.MISTRAL_V02).apply(NO_SYSTEM))).containsExactly("A1</s>", "A2</s>");
        assertThat(model(ChatTemplates.MISTRAL_V02).endOfTurn()).contains("</s>");
        assertThat(trained(model(ChatTemplates.GEMMA2).apply(NO_SYSTEM)))
                .containsExactly("A1<end_of_turn>\n", "A2<end_of_turn>\n");
        assertThat(model(ChatTemplates.GEMMA2).endOfTurn()).contains("<end_of_turn>");
        assertThat(trained(model(ChatTemplates.LLAMA2).apply(TWO_TURNS))).containsExactly(" A1 </s>", " A2 </s>");
        // v0.3 renders stably without a system prompt
        assertThat(trained(model(ChatTemplates.MISTRAL_V03).apply(NO_SYSTEM))).containsExactly(" A1</s>", " A2</s>");
    }

    @Test
    void phi3TrainsTheEosItWritesAtTheEndOfTheConversation() {
        ModelTemplate phi = model(ChatTemplates.PHI3);
        List<Segment> segments = phi.apply(TWO_TURNS);
        List<String> answers = trained(segments);
        // the first answer's span runs to where the renders part: "<|" begins both <|endoftext|> and <|user|>;
        // the tokenizer gives a token that straddles a boundary to the prompt after it
        assertThat(answers.get(0)).startsWith("A1<|end|>\n").doesNotContain("user");
        assertThat(answers.get(1)).isEqualTo("A2<|end|>\n<|endoftext|>");
        assertThat(text(segments))
                .isEqualTo(phi.apply(TWO_TURNS).stream().map(Segment::text).reduce("", String::concat));
        assertThat(phi.endOfTurn()).contains("<|end|>\n<|endoftext|>");
    }

    @Test
    void aTemplateThatRefusesARecordNamesIt() {
        assertThatThrownBy(() -> model(ChatTemplates.GEMMA2).apply(TWO_TURNS))
                .isInstanceOfSatisfying(
                        DatasetException.class, e -> assertThat(e.code()).isEqualTo(ErrorCodes.INVALID_REQUEST))
                .hasMessageContaining("record 7")
                .hasMessageContaining("refuses the conversation: System role not supported")
                .hasMessageContaining("built-in promptTemplate");
    }

    @Test
    void aTemplateThatIsNotPrefixStableIsRefusedWhereTheRendersPart() {
        // Mistral v0.3 puts the system prompt into the last user turn
        assertThatThrownBy(() -> model(ChatTemplates.MISTRAL_V03).apply(TWO_TURNS))
                .isInstanceOf(DatasetException.class)
                .hasMessageContaining("record 7")
                .hasMessageContaining("not prefix-stable")
                .hasMessageContaining("Be brief.");
        // Qwen3 drops the thinking block of an answer once a later question follows
        assertThatThrownBy(() -> model(ChatTemplates.QWEN3).apply(NO_SYSTEM))
                .isInstanceOf(DatasetException.class)
                .hasMessageContaining("record 8")
                .hasMessageContaining("answer 1 once later turns follow");
        Example oneTurn = new Example(9, null, List.of(new Exchange("Q1", "", "A1")), null);
        assertThat(trained(model(ChatTemplates.QWEN3).apply(oneTurn)))
                .containsExactly("<think>\n\n</think>\n\nA1<|im_end|>\n");
    }

    @Test
    void documentsAreBosTextEosWhateverTheTemplate() {
        Example doc = new Example(3, null, List.of(), "Once upon a time.");
        assertThat(model(ChatTemplates.QWEN25).apply(doc))
                .containsExactly(Segment.bos(), Segment.response("Once upon a time."), Segment.eos());
    }

    @Test
    void aTemplateThatWritesNothingAfterTheAnswerEndsTurnsWithEos() {
        ChatTemplate bare = ChatTemplate.compile(
                "{% for m in messages %}{{ m.role }}: {{ m.content }}\n{% endfor %}"
                        + "{% if add_generation_prompt %}assistant: {% endif %}",
                java.util.Map.of(), ChatTemplate.Bounds.DEFAULT);
        assertThat(new ModelTemplate(bare).endOfTurn()).isEqualTo(Optional.empty());
    }
}
