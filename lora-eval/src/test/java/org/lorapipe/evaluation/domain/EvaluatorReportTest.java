package org.lorapipe.evaluation.domain;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.ByteArrayInputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.lorapipe.contract.artifact.LossPoint;
import org.lorapipe.contract.dataset.ShardFormat;
import org.lorapipe.contract.json.Json;
import org.lorapipe.contract.request.EvalTask;
import org.lorapipe.contract.request.EvalTaskName;
import org.lorapipe.contract.request.GenerationCheck;
import org.w3c.dom.Document;

/** The evaluator end to end on stories260K (base) and a perturbed copy (tuned), and the report files. */
class EvaluatorReportTest {

    @TempDir
    Path tmp;

    static List<LossPoint> lossCurve() {
        Random rnd = new Random(1);
        List<LossPoint> points = new ArrayList<>();
        for (int step = 1; step <= 200; step++) {
            points.add(new LossPoint(step, 1.35 + 2.4 * Math.exp(-step / 45.0) + 0.12 * rnd.nextGaussian(), 3e-4));
        }
        return points;
    }

    @Test
    void evaluatesEveryTaskForBothVariantsAndWritesTheReport() throws Exception {
        Path data = Files.createDirectories(tmp.resolve("dataset"));
        PerplexityTaskTestSupport.writeValidation(data);
        List<EvalTask> tasks = List.of(
                new EvalTask(EvalTaskName.ARC, EvalTestData.arcEasy().toString(), 40, null, 0, null),
                new EvalTask(EvalTaskName.PERPLEXITY, null, null, null, 0, null),
                new EvalTask(
                        EvalTaskName.GENERATION,
                        null,
                        null,
                        List.of(
                                new GenerationCheck("Once upon a time", List.of("girl"), null),
                                new GenerationCheck("Lily and Ben", List.of("park"), "\\."),
                                new GenerationCheck("The dog", List.of(), null)),
                        24,
                        "story-checks"));
        ModelVariant base = ModelVariant.directory(EvalTestData.stories());
        // "tuned": the base with its last MLP output halved (in place), standing in for base + adapter
        ModelVariant tuned = base.map(m -> {
            m.weights().get("model.layers.4.mlp.down_proj.weight").muli(0.5f);
            return m;
        });
        EvaluationReport report = new Evaluator(EvalSources.local(data), 16, Evaluator.Bounds.DEFAULT)
                .evaluate("stories-test", tasks, base, tuned);

        assertThat(report.results()).containsOnlyKeys("arc", "perplexity", "story-checks"); // a label names its results
        assertThat(report.results().get("arc").base()).containsKeys("acc", "acc_norm", "acc_stderr", "n");
        assertThat(report.results().get("arc").base().get("n")).isEqualTo(40.0);
        assertThat(report.results().get("perplexity").tuned()).containsKeys("perplexity", "nll");
        assertThat(report.results().get("story-checks").tuned().get("n")).isEqualTo(3.0);
        double basePpl = report.results().get("perplexity").base().get("perplexity");
        double tunedPpl = report.results().get("perplexity").tuned().get("perplexity");
        assertThat(tunedPpl).isNotEqualTo(basePpl);
        Comparison ppl = report.tasks().get(1).comparisons().get(0);
        assertThat(ppl.metric()).isEqualTo("perplexity");
        assertThat(ppl.difference()).isEqualTo(tunedPpl - basePpl);
        assertThat(ppl.stderr()).isPositive();

        report = report.withTrainingLoss(lossCurve());
        List<Path> files = ReportWriter.write(report, tmp.resolve("eval"));
        assertThat(files)
                .extracting(p -> p.getFileName().toString())
                .containsExactly("report.json", "report.md", "metrics.svg", "loss.svg");
        JsonNode json = Json.mapper().readTree(files.get(0).toFile());
        assertThat(json.path("tasks")).hasSize(3);
        JsonNode arc = json.path("tasks").get(0);
        assertThat(arc.path("baseDetails")).hasSize(40);
        assertThat(arc.path("baseDetails").get(0).path("logLikelihoods")).hasSize(4);
        assertThat(arc.path("comparisons").get(0).path("stderr").isNumber()).isTrue();
        assertThat(json.path("tasks")
                        .get(2)
                        .path("tunedDetails")
                        .get(0)
                        .path("continuation")
                        .isTextual())
                .isTrue();
        assertThat(json.path("trainingLoss")).hasSize(200);
        // lm-evaluation-harness's keys beside ours, with the same values
        for (TaskReport t : report.tasks()) {
            JsonNode lmTuned = json.path("results").path(t.key());
            JsonNode lmBase = json.path("results_base").path(t.key());
            assertThat(lmTuned.path("alias").asText()).isEqualTo(t.key());
            t.tuned().forEach((metric, value) -> assertThat(
                            lmTuned.path(metric + ",none").asDouble())
                    .as(t.key() + " " + metric)
                    .isEqualTo(value));
            t.base().forEach((metric, value) -> assertThat(
                            lmBase.path(metric + ",none").asDouble())
                    .as(t.key() + " base " + metric)
                    .isEqualTo(value));
            assertThat(json.path("n-shot").path(t.key()).asInt(-1)).isZero();
            assertThat(json.path("configs").path(t.key()).path("num_fewshot").asInt(-1))
                    .isZero();
        }
        assertThat(json.path("results").path("arc").path("acc,none").asDouble())
                .isEqualTo(report.results().get("arc").tuned().get("acc"));
        assertThat(json.path("results").path("arc").has("acc_stderr,none")).isTrue();
        assertThat(json.path("results").path("arc").has("acc_norm,none")).isTrue();
        assertThat(json.path("n-samples").path("arc").path("effective").asLong())
                .isEqualTo(40);
        String md = Files.readString(files.get(1));
        assertThat(md)
                .contains("| task | metric | base | tuned | Δ | 2·SE(Δ) | beyond 2 SE |")
                .contains("| arc | acc ↑ |")
                .contains("| perplexity | perplexity ↓ |")
                .contains("![base vs tuned](metrics.svg)")
                .contains("![training loss](loss.svg)");
        for (Path svg : files.subList(2, 4)) {
            Document doc = DocumentBuilderFactory.newInstance()
                    .newDocumentBuilder()
                    .parse(new ByteArrayInputStream(Files.readAllBytes(svg)));
            assertThat(doc.getDocumentElement().getTagName()).isEqualTo("svg");
        }
        assertThat(Files.readString(files.get(2)))
                .contains("arc · acc")
                .contains(">perplexity<")
                .contains("story-checks · pass_rate");
        assertThat(Files.readString(files.get(3))).contains("Training loss").contains("step");

        // a copy to look at (target/ is the module's build directory)
        Path sample = Path.of("target", "report-sample");
        ReportWriter.write(report, sample);
    }

    @Test
    void badBenchmarkFailsBeforeAnyModelIsLoaded() {
        List<EvalTask> tasks =
                List.of(new EvalTask(EvalTaskName.ARC, tmp.resolve("nope.jsonl").toString(), null, null, 0, null));
        ModelVariant never = () -> {
            throw new AssertionError("no model should be loaded");
        };
        assertThatThrownBy(() -> new Evaluator(EvalSources.local(tmp)).evaluate("x", tasks, never, never))
                .isInstanceOf(BenchmarkFormatException.class)
                .hasMessageContaining("nope.jsonl: benchmark file not found");
    }

    @Test
    void aTaskOverTheItemOrTokenBoundIsRefusedBeforeAnyModelIsLoaded() {
        ModelVariant never = () -> {
            throw new AssertionError("no model should be loaded");
        };
        List<EvalTask> arc =
                List.of(new EvalTask(EvalTaskName.ARC, EvalTestData.arcEasy().toString(), 40, null, 0, null));
        assertThatThrownBy(() -> new Evaluator(EvalSources.local(tmp), 16, new Evaluator.Bounds(39, 64))
                        .evaluate("x", arc, never, never))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("arc has 40 items, more than the 39")
                .hasMessageContaining("lora.limits.eval-items");
        List<EvalTask> generation = List.of(new EvalTask(
                EvalTaskName.GENERATION, null, null, List.of(new GenerationCheck("Once", List.of(), null)), 65, null));
        assertThatThrownBy(() -> new Evaluator(EvalSources.local(tmp), 16, new Evaluator.Bounds(39, 64))
                        .evaluate("x", generation, never, never))
                .hasMessageContaining("asks for 65 tokens per prompt")
                .hasMessageContaining("lora.limits.generation-tokens");
    }

    /** Validation shards for the evaluator test. */
    static final class PerplexityTaskTestSupport {
        static void writeValidation(Path dir) throws Exception {
            try (EvalModel m = ModelVariant.directory(EvalTestData.stories()).load()) {
                PerplexityTaskTest.model = m;
                PerplexityTaskTest.writeShard(
                        dir.resolve(ShardFormat.fileName("validation", 0)), PerplexityTaskTest.sequences());
            } finally {
                PerplexityTaskTest.model = null;
            }
        }
    }
}
