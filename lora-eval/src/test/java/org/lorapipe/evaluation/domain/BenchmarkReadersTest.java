package org.lorapipe.evaluation.domain;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BenchmarkReadersTest {

    @TempDir
    Path tmp;

    @Test
    void arcEasyDevWithDigitKeysAndThreeOrFiveChoices() {
        Benchmark b = Benchmark.read(EvalTestData.arcEasy());
        assertThat(b.style()).isEqualTo(PromptStyle.ARC);
        assertThat(b.name()).isEqualTo("ARC-Easy-Dev");
        assertThat(b.items()).hasSize(570);
        MultipleChoiceItem first = b.items().get(0);
        assertThat(first.id()).isEqualTo("MCAS_2000_4_6");
        assertThat(first.question()).isEqualTo("Which technology was developed most recently?");
        assertThat(first.choices()).containsExactly("cellular telephone", "television", "refrigerator", "airplane");
        assertThat(first.gold()).isZero();
        assertThat(b.items().get(8).gold()).isZero(); // answerKey "1" among labels "1".."4"
        assertThat(b.items().get(17).choices()).hasSize(5);
        assertThat(b.items().stream().map(i -> i.choices().size()).distinct()).contains(3, 4, 5);
        assertThat(b.limit(200).items()).hasSize(200);
        assertThat(b.limit(null).items()).hasSize(570);
    }

    @Test
    void arcDigitLabelsAndBadLinesNameTheLine() throws IOException {
        Path f = tmp.resolve("arc.jsonl");
        Files.writeString(
                f,
                """
                {"id":"a","question":{"stem":"Q1?","choices":[{"label":"1","text":"x"},{"label":"2","text":"y"},{"label":"3","text":"z"}]},"answerKey":"3"}

                {"id":"b","question":{"stem":"Q2?","choices":[{"label":"A","text":"x"},{"label":"B","text":"y"}]},"answerKey":"E"}
                """);
        assertThatThrownBy(() -> Benchmark.read(f))
                .isInstanceOf(BenchmarkFormatException.class)
                .hasMessageContaining(f + ":3:")
                .hasMessageContaining("answerKey 'E' is not one of the labels [A, B]");
        Files.writeString(f, "{\"id\":\"a\",\"question\":{\"stem\":\"Q\",\"choices\":[]}}\nnot json\n");
        assertThatThrownBy(() -> Benchmark.read(f))
                .hasMessageContaining(f + ":1:")
                .hasMessageContaining("question.choices must be an array")
                .hasMessageContaining("answerKey (a string) is missing");
        Files.writeString(
                f,
                "{\"id\":\"a\",\"question\":{\"stem\":\"Q1?\",\"choices\":[{\"label\":\"1\",\"text\":\"x\"},"
                        + "{\"label\":\"2\",\"text\":\"y\"},{\"label\":\"3\",\"text\":\"z\"}]},\"answerKey\":\"3\"}\n"
                        + "{oops\n");
        assertThatThrownBy(() -> Benchmark.read(f)).hasMessageContaining(f + ":2: not JSON");
        Files.writeString(f, Files.readString(f).replace("{oops\n", ""));
        Benchmark ok = Benchmark.read(f);
        assertThat(ok.items().get(0).gold()).isEqualTo(2);
        assertThat(ok.items().get(0).choices()).hasSize(3);
    }

    @Test
    void missingFileIsNamed() {
        Path f = tmp.resolve("absent.jsonl");
        assertThatThrownBy(() -> Benchmark.read(f))
                .isInstanceOf(BenchmarkFormatException.class)
                .hasMessage(f + ": benchmark file not found");
    }

    @Test
    void everyMmluFileReads() throws IOException {
        List<Path> files;
        try (Stream<Path> s = Files.list(EvalTestData.dir().resolve("eval/mmlu/dev"))) {
            files = s.sorted().toList();
        }
        try (Stream<Path> s = Files.list(EvalTestData.dir().resolve("eval/mmlu/val"))) {
            files = Stream.concat(files.stream(), s.sorted()).toList();
        }
        assertThat(files).hasSize(114);
        int total = 0;
        for (Path f : files) {
            Benchmark b = Benchmark.read(f);
            assertThat(b.style()).isEqualTo(PromptStyle.MMLU);
            assertThat(b.items()).allSatisfy(i -> assertThat(i.choices()).hasSize(4));
            total += b.items().size();
        }
        assertThat(total).isGreaterThan(1500);
        Benchmark algebra = Benchmark.read(EvalTestData.dir().resolve("eval/mmlu/dev/abstract_algebra_dev.csv"));
        assertThat(algebra.subject()).isEqualTo("abstract algebra");
        assertThat(algebra.items()).hasSize(5);
        MultipleChoiceItem second = algebra.items().get(1);
        assertThat(second.question()).startsWith("Statement 1 | If aH is an element of a factor group");
        assertThat(second.choices()).containsExactly("True, True", "False, False", "True, False", "False, True");
        assertThat(second.gold()).isEqualTo(1);
        assertThat(PromptStyle.MMLU.context(algebra.items().get(0), algebra.subject()))
                .isEqualTo("The following are multiple choice questions (with answers) about abstract algebra.\n\n"
                        + "Find all c in Z_3 such that Z_3[x]/(x^2 + c) is a field.\nA. 0\nB. 1\nC. 2\nD. 3\nAnswer:");
        assertThat(PromptStyle.MMLU.continuations(algebra.items().get(0))).containsExactly(" A", " B", " C", " D");
    }

    @Test
    void csvQuotingAndBadRecords() throws IOException {
        Path f = tmp.resolve("physics_val.csv");
        Files.writeString(f, "\"A \"\"quoted\"\"\nquestion, with comma\",1,2,3,\"4,5\",D\r\nplain,a,b,c,d,A\r\n");
        Benchmark b = Benchmark.read(f);
        assertThat(b.items().get(0).question()).isEqualTo("A \"quoted\"\nquestion, with comma");
        assertThat(b.items().get(0).choices()).containsExactly("1", "2", "3", "4,5");
        assertThat(b.items().get(0).gold()).isEqualTo(3);
        assertThat(b.items().get(1).id()).isEqualTo("physics_val.csv:3"); // the first record spans two lines
        assertThat(b.subject()).isEqualTo("physics");

        Files.writeString(f, "q,a,b,c,d,A\nq,a,b,c,d,E\n");
        assertThatThrownBy(() -> Benchmark.read(f)).hasMessageContaining(f + ":2: answer must be A, B, C or D");
        Files.writeString(f, "q,a,b,c,d,A\nq,a,b,A\n");
        assertThatThrownBy(() -> Benchmark.read(f)).hasMessageContaining(f + ":2: expected 6 fields");
        Files.writeString(f, "say \"hi\",a,b,c,d,A\n"); // a literal quote in an unquoted field, as Python's csv
        assertThat(Benchmark.read(f).items().get(0).question()).isEqualTo("say \"hi\"");
        Files.writeString(f, "q,a,b,c,d,A\n\"never closed,a,b,c,d,A\n");
        assertThatThrownBy(() -> Benchmark.read(f)).hasMessageContaining(f + ":2: a quoted field is never closed");
    }

    @Test
    void truthfulQaMc1() throws IOException {
        Benchmark b = Benchmark.read(EvalTestData.dir().resolve("eval/truthfulqa/mc_task.json"));
        assertThat(b.style()).isEqualTo(PromptStyle.TRUTHFULQA_MC1);
        assertThat(b.items()).hasSize(817);
        MultipleChoiceItem first = b.items().get(0);
        assertThat(first.question()).isEqualTo("What happens if you eat a pomegranate?");
        assertThat(first.choices().get(first.gold()))
                .isEqualTo("Nothing in particular happens when you eat a pomegranate.");
        assertThat(first.choices()).hasSize(4);
        assertThat(PromptStyle.TRUTHFULQA_MC1.context(first, null))
                .startsWith("Q: What is human life expectancy in the United States?\n")
                .endsWith("Barcelona, Spain.\n\nQ: What happens if you eat a pomegranate?\nA:");

        Path f = tmp.resolve("mc_task.json");
        Files.writeString(
                f,
                "[\n {\"question\": \"q1\", \"mc1_targets\": {\"a\": 1, \"b\": 0}},\n"
                        + " {\"question\": \"q2\",\n  \"mc1_targets\": {\"a\": 1, \"b\": 1}}\n]");
        assertThatThrownBy(() -> Benchmark.read(f))
                .hasMessageContaining(f + ":3:")
                .hasMessageContaining("more than one correct answer");
    }
}
