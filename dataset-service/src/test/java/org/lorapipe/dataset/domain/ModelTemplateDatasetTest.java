package org.lorapipe.dataset.domain;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.lorapipe.contract.ErrorCodes;
import org.lorapipe.contract.dataset.ShardReader;
import org.lorapipe.contract.dataset.TokenizedSequence;
import org.lorapipe.contract.event.DatasetManifest;
import org.lorapipe.contract.event.RenderedExample;
import org.lorapipe.contract.request.DatasetFormat;
import org.lorapipe.contract.request.DatasetSpec;
import org.lorapipe.contract.request.PromptTemplate;
import org.lorapipe.dataset.domain.template.ChatTemplate;
import org.lorapipe.dataset.domain.template.ChatTemplateConfig;
import org.lorapipe.dataset.domain.template.ChatTemplates;
import org.lorapipe.dataset.domain.template.ModelTemplate;
import org.lorapipe.model.tokenizer.TextTokenizer;

/**
 * The dataset stage with {@code promptTemplate: "model"}: chat records rendered by the model's own
 * template, tokenized by a tokenizer that has the template's special tokens, masked so that exactly the
 * answers and their end-of-turn markers are trained; the manifest shows the first example with its mask;
 * datasets that would not teach the model to stop are refused.
 */
class ModelTemplateDatasetTest {
    private static final String RECORDS =
            """
            {"messages": [{"role": "system", "content": "Be brief."}, {"role": "user", "content": "Name a colour."}, {"role": "assistant", "content": "Blue."}, {"role": "user", "content": "Another one?"}, {"role": "assistant", "content": "Red."}]}
            {"messages": [{"role": "user", "content": "What is two plus two?"}, {"role": "assistant", "content": "Four."}]}
            {"messages": [{"role": "user", "content": "Spell cat backwards."}, {"role": "assistant", "content": "tac"}]}
            {"messages": [{"role": "user", "content": "Which planet is the largest?"}, {"role": "assistant", "content": "Jupiter."}]}
            """;

    @TempDir
    Path tmp;

    private static DatasetSpec spec(boolean truncate, int maxSeq) {
        return new DatasetSpec(
                "s3://lora/data/chat.jsonl",
                DatasetFormat.CHAT,
                PromptTemplate.MODEL,
                maxSeq,
                0.0,
                true,
                true,
                false,
                0.85,
                truncate,
                0.1);
    }

    private record Built(DatasetBuilder.Result result, List<TokenizedSequence> train, TextTokenizer tokenizer) {}

    private Built build(String template, DatasetSpec spec, String records) throws Exception {
        ChatTemplateConfig config = ChatTemplates.config(template, tmp);
        TextTokenizer tokenizer =
                new SpecialTokenTokenizer((String) config.specialTokens().get("bos_token"), (String)
                        config.specialTokens().get("eos_token"));
        ModelTemplate chat = new ModelTemplate(config.compile(ChatTemplate.Bounds.DEFAULT));
        Path out = Files.createDirectories(tmp.resolve("out-" + template));
        DatasetBuilder.Result result = new DatasetBuilder(
                        spec, tokenizer, out, DatasetBuilder.Bounds.DEFAULT, () -> {}, chat)
                .build(new ByteArrayInputStream(records.getBytes(StandardCharsets.UTF_8)), "chat.jsonl");
        List<TokenizedSequence> train = new ArrayList<>();
        for (Path f : result.files()) {
            try (InputStream in = Files.newInputStream(f);
                    ShardReader r = new ShardReader(in, f.toString())) {
                r.forEachRemaining(train::add);
            }
        }
        return new Built(result, train, tokenizer);
    }

    @Test
    void chatMlAnswersAndImEndAreTrainedAndTheManifestShowsTheMask() throws Exception {
        Built b = build("qwen2.5", spec(false, 256), RECORDS);
        DatasetManifest manifest = b.result().manifest();
        assertThat(manifest.template()).isEqualTo("model");
        assertThat(manifest.endOfTurnToken()).isEqualTo("<|im_end|>");
        RenderedExample shown = manifest.example();
        assertThat(shown.record()).isZero();
        assertThat(shown.spans())
                .containsExactly(
                        new RenderedExample.Span(
                                "<|im_start|>system\nBe brief.<|im_end|>\n<|im_start|>user\nName a colour.<|im_end|>\n"
                                        + "<|im_start|>assistant\n",
                                false),
                        new RenderedExample.Span("Blue.<|im_end|>\n", true),
                        new RenderedExample.Span(
                                "<|im_start|>user\nAnother one?<|im_end|>\n<|im_start|>assistant\n", false),
                        new RenderedExample.Span("Red.<|im_end|>\n", true));
        assertThat(shown.cut()).isFalse();

        int imEnd = SpecialTokenTokenizer.id("<|im_end|>");
        int imStart = SpecialTokenTokenizer.id("<|im_start|>");
        assertThat(b.train()).hasSize(4);
        for (TokenizedSequence s : b.train()) {
            assertThat(s.ids()[0])
                    .as("no BOS of ours: Qwen's template writes none")
                    .isEqualTo(imStart);
            int lastTrainedEnd = -1;
            for (int i = 0; i < s.length(); i++) {
                if (s.trainable()[i] && s.ids()[i] == imEnd) {
                    lastTrainedEnd = i;
                }
            }
            assertThat(lastTrainedEnd).as("the answer's <|im_end|> is trained").isPositive();
        }
        TokenizedSequence first = b.train().get(0);
        assertThat(shown.trainedTokens()).isEqualTo(first.trainableCount());
        assertThat(shown.trainedTokens() + shown.untrainedTokens()).isEqualTo(first.length());
    }

    @Test
    void llama3GetsExactlyTheOneBosItsTemplateWrites() throws Exception {
        Built b = build("llama-3.1", spec(false, 256), RECORDS);
        int bos = SpecialTokenTokenizer.id("<|begin_of_text|>");
        assertThat(b.tokenizer().bosId()).isEqualTo(bos);
        for (TokenizedSequence s : b.train()) {
            assertThat(s.ids()[0]).isEqualTo(bos);
            assertThat(s.ids()[1]).isNotEqualTo(bos);
            assertThat(s.trainable()[0]).isFalse();
        }
        assertThat(b.result().manifest().endOfTurnToken()).isEqualTo("<|eot_id|>");
        assertThat(b.result().manifest().example().spans().get(1))
                .isEqualTo(new RenderedExample.Span("Blue.<|eot_id|>", true));
    }

    @Test
    void aRecordTheTemplateRefusesFailsTheDatasetNamingIt() {
        assertThatThrownBy(() -> build("gemma-2", spec(false, 256), RECORDS))
                .isInstanceOfSatisfying(
                        DatasetException.class, e -> assertThat(e.code()).isEqualTo(ErrorCodes.INVALID_REQUEST))
                .hasMessageContaining("record 0")
                .hasMessageContaining("System role not supported");
    }

    @Test
    void anEndOfTurnTokenTrainedNowhereRefusesTheDataset() throws Exception {
        // every answer is cut before its <|im_end|>: the model would never learn to stop
        String longAnswers = RECORDS.replace("Four.", "Four. " + "And so on, ".repeat(60));
        String onlyLong =
                longAnswers.lines().filter(l -> l.contains("so on")).findFirst().orElseThrow() + "\n";
        assertThatThrownBy(() -> build("qwen2.5", spec(true, 200), onlyLong))
                .isInstanceOfSatisfying(
                        DatasetException.class, e -> assertThat(e.code()).isEqualTo(ErrorCodes.INVALID_REQUEST))
                .hasMessageContaining("'<|im_end|>'")
                .hasMessageContaining("trained in no example")
                .hasMessageContaining("dataset.truncate");
    }

    @Test
    void aTemplateThatEndsTurnsOutsideTheAnswerIsRefused() throws Exception {
        // the marker opens the next user turn instead of closing the answer: the answers end with nothing
        TextTokenizer tokenizer = new SpecialTokenTokenizer(null, "<|im_end|>");
        ChatTemplate outside = ChatTemplate.compile(
                "{% for m in messages %}{% if m.role == 'user' %}<|im_end|>user: {{ m.content }}\n"
                        + "{% else %}{{ m.role }}: {{ m.content }}\n{% endif %}{% endfor %}"
                        + "{% if add_generation_prompt %}assistant: {% endif %}",
                Map.of("eos_token", "<|im_end|>"), ChatTemplate.Bounds.DEFAULT);
        DatasetBuilder builder = new DatasetBuilder(
                spec(false, 256),
                tokenizer,
                Files.createDirectories(tmp.resolve("outside-out")),
                DatasetBuilder.Bounds.DEFAULT,
                () -> {},
                new ModelTemplate(outside));
        assertThatThrownBy(() -> builder.build(new ByteArrayInputStream(RECORDS.getBytes(StandardCharsets.UTF_8)), "x"))
                .isInstanceOf(DatasetException.class)
                .hasMessageContaining("trained in no example")
                .hasMessageContaining("does not write it inside the assistant's turn");
    }
}
