package org.lorapipe.evaluation.domain;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.data.Offset.offset;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.lorapipe.contract.request.GenerationCheck;
import org.lorapipe.model.DjlRuntime;
import org.lorapipe.model.generate.Generation;
import org.lorapipe.model.generate.GenerationConfig;

class GenerationTaskTest {

    @TempDir
    Path tmp;

    @Test
    void passNeedsEverySubstringIgnoringCaseAndTheRegex() {
        String text = " there was a little girl named Lily. She loved to play.";
        assertThat(GenerationTask.judge(new GenerationCheck("p", List.of("LILY", "play"), null), text, 5)
                        .passed())
                .isTrue();
        var missing = GenerationTask.judge(new GenerationCheck("p", List.of("lily", "dog"), null), text, 5);
        assertThat(missing.passed()).isFalse();
        assertThat(missing.missing()).containsExactly("dog");
        assertThat(missing.regexMatched()).isNull();
        var regex = GenerationTask.judge(new GenerationCheck("p", List.of("lily"), "named [A-Z]\\w+"), text, 5);
        assertThat(regex.passed()).isTrue();
        assertThat(regex.regexMatched()).isTrue();
        var noRegex = GenerationTask.judge(new GenerationCheck("p", List.of(), "\\d+"), text, 5);
        assertThat(noRegex.passed()).isFalse();
        assertThat(noRegex.regexMatched()).isFalse();
        assertThat(GenerationTask.judge(new GenerationCheck("p", List.of(), null), "", 0)
                        .passed())
                .isTrue();
    }

    @Test
    void passRateAndStandardError() {
        var checks = List.of(
                GenerationTask.judge(new GenerationCheck("a", List.of("x"), null), "x", 1),
                GenerationTask.judge(new GenerationCheck("b", List.of("x"), null), "y", 1),
                GenerationTask.judge(new GenerationCheck("c", List.of("x"), null), "X", 1),
                GenerationTask.judge(new GenerationCheck("d", List.of("x"), null), "xx", 1));
        var run = new GenerationTask.Run(checks);
        assertThat(run.metrics().get("pass_rate")).isEqualTo(0.75);
        assertThat(run.metrics().get("pass_rate_stderr")).isCloseTo(Math.sqrt(0.75 * 0.25 / 3), offset(1e-12));
        assertThat(run.metrics().get("n")).isEqualTo(4.0);
    }

    @Test
    void checksFileIsReadAndBadLinesNamed() throws Exception {
        Path f = tmp.resolve("checks.jsonl");
        Files.writeString(
                f, "{\"prompt\": \"Once\", \"expect\": [\"time\"]}\n\n{\"prompt\": \"Lily\", \"regex\": \"(\"}\n");
        assertThatThrownBy(() -> GenerationTask.readChecks(f))
                .hasMessageContaining(f + ":3: regex '(' is not valid RE2 syntax");
        Files.writeString(f, "{\"prompt\": \"Once\", \"expect\": [\"time\"]}\n[1]\n");
        assertThatThrownBy(() -> GenerationTask.readChecks(f)).hasMessageContaining(f + ":2:");
        Files.writeString(f, "{\"prompt\": \"Once\", \"expect\": [\"time\"]}\n");
        assertThat(GenerationTask.readChecks(f)).containsExactly(new GenerationCheck("Once", List.of("time"), null));
    }

    @Test
    void greedyContinuationOfTheRealModelIsKeptAndJudged() {
        DjlRuntime.inferenceMode();
        try (EvalModel model = ModelVariant.directory(EvalTestData.stories()).load()) {
            String prompt = "Once upon a time";
            var run = GenerationTask.run(
                    model,
                    List.of(
                            new GenerationCheck(prompt, List.of("LILY"), null),
                            new GenerationCheck(prompt, List.of("elephant"), null)),
                    24);
            var first = run.checks().get(0);
            int promptTokens = model.tokenizer().encode(prompt, true).length;
            String full = new Generation(model.model(), model.tokenizer())
                    .generate(prompt, GenerationConfig.greedy(promptTokens - 1 + 24))
                    .text();
            assertThat(prompt + first.continuation()).isEqualTo(full);
            assertThat(first.generatedTokens()).isLessThanOrEqualTo(24).isPositive();
            assertThat(first.passed())
                    .isEqualTo(first.continuation().toLowerCase().contains("lily"));
            assertThat(run.checks().get(1).passed()).isFalse();
            System.out.println("greedy: " + full);
        }
    }
}
