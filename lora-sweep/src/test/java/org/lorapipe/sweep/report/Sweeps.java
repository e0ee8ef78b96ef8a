package org.lorapipe.sweep.report;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.lorapipe.contract.artifact.LossPoint;
import org.lorapipe.contract.artifact.TrainingRecord;
import org.lorapipe.contract.event.FailureError;
import org.lorapipe.contract.event.TrainingMetrics;
import org.lorapipe.contract.json.Json;
import org.lorapipe.contract.sweep.SweepIds;
import org.lorapipe.contract.sweep.SweepParser;
import org.lorapipe.contract.sweep.SweepPlan;
import org.lorapipe.contract.sweep.SweepRun;
import org.lorapipe.contract.sweep.SweepRunEnded;

/** Test inputs: plans from real sweep requests, run ends, training records and evaluation reports. */
final class Sweeps {

    static final Instant AT = Instant.parse("2026-11-30T12:00:00Z");
    static final double MIB = 1024.0 * 1024.0;

    static final String BASE =
            """
            "base": { "baseModel": "s3://lora/models/stories260K",
                      "dataset": { "uri": "s3://lora/data/stories-instruct/train.jsonl" },
                      "lora": { "r": 8, "alpha": 16 },
                      "merge": { "enabled": false } }""";

    private Sweeps() {}

    /** The plan of a sweep request; {@code %s} in it stands for {@link #BASE}. */
    static SweepPlan plan(String request) {
        return new SweepParser("lora", 256).parse(request.formatted(BASE)).plan();
    }

    /** The end of a run that trained (the base request does not merge). */
    static SweepRunEnded trained(SweepRun run) {
        return new SweepRunEnded(1, sweepOf(run), AT, run.n(), run.requestId(), SweepRunEnded.NOT_MERGED, null, null);
    }

    /** The end of a run that trained and was merged. */
    static SweepRunEnded merged(SweepRun run) {
        return new SweepRunEnded(1, sweepOf(run), AT, run.n(), run.requestId(), SweepRunEnded.MERGED, null, null);
    }

    static SweepRunEnded failed(SweepRun run, String stage, String code, String message) {
        return new SweepRunEnded(
                1,
                sweepOf(run),
                AT,
                run.n(),
                run.requestId(),
                SweepRunEnded.FAILED,
                stage,
                new FailureError(code, message));
    }

    private static String sweepOf(SweepRun run) {
        return SweepIds.parse(run.requestId()).orElseThrow().sweepId();
    }

    static TrainingRecord training(
            double trainLoss, Double validationLoss, double peakMib, double tokensPerSecond, long durationMs) {
        return new TrainingRecord(
                new TrainingMetrics(
                        trainLoss,
                        validationLoss,
                        71_666,
                        durationMs,
                        (long) (peakMib * MIB),
                        tokensPerSecond,
                        50_848,
                        260_032),
                curve(trainLoss, 60));
    }

    /** A falling loss curve of {@code steps} steps that ends near {@code last}. */
    static List<LossPoint> curve(double last, int steps) {
        List<LossPoint> points = new ArrayList<>();
        for (int step = 1; step <= steps; step++) {
            points.add(new LossPoint(step, last + 2.0 * Math.exp(-step / (steps / 5.0)), 3e-3));
        }
        return points;
    }

    /** An evaluation report in the shape lora-eval's ReportWriter writes (the fields the sweep reads). */
    static final class Evaluation {
        private final ObjectNode root = Json.mapper().createObjectNode();
        private final ArrayNode tasks = root.putArray("tasks");
        private ObjectNode task;

        Evaluation task(String key, String name) {
            task = tasks.addObject();
            task.put("key", key).put("task", name).put("source", "test");
            task.putObject("base");
            task.putObject("tuned");
            task.putArray("comparisons");
            return this;
        }

        /** A metric the report compares: both values, its own stderr, the paired one. */
        Evaluation compared(String metric, double base, double tuned, double pairedStderr, boolean higherIsBetter) {
            metric(metric, base, tuned);
            ((ObjectNode) task.get("base")).put(metric + "_stderr", 0.07);
            ((ObjectNode) task.get("tuned")).put(metric + "_stderr", 0.07);
            ObjectNode c = ((ArrayNode) task.get("comparisons")).addObject();
            c.put("metric", metric).put("base", base).put("tuned", tuned).put("difference", tuned - base);
            if (Double.isNaN(pairedStderr)) {
                c.put("stderr", "NaN"); // how Jackson writes a NaN double
            } else {
                c.put("stderr", pairedStderr);
            }
            c.put("significant", Math.abs(tuned - base) > 2 * pairedStderr)
                    .put("higherIsBetter", higherIsBetter)
                    .put("improved", higherIsBetter == tuned > base);
            return this;
        }

        /** A metric of the task the report does not compare. */
        Evaluation metric(String metric, double base, double tuned) {
            ((ObjectNode) task.get("base")).put(metric, base);
            ((ObjectNode) task.get("tuned")).put(metric, tuned);
            return this;
        }

        /** A value the writer could not give (it spells NaN as a string). */
        Evaluation nan(String path) {
            String[] p = path.split("/");
            ((ObjectNode) task.get(p[0])).put(p[1], "NaN");
            return this;
        }

        JsonNode json() {
            return root.deepCopy();
        }
    }

    /** Every run of the plan trained, with the training record and evaluation the functions give it. */
    static List<RunResult> allTrained(
            SweepPlan plan, Function<SweepRun, TrainingRecord> training, Function<SweepRun, JsonNode> evaluation) {
        List<RunResult> results = new ArrayList<>();
        for (SweepRun run : plan.runs()) {
            results.add(new RunResult(run, trained(run), training.apply(run), evaluation.apply(run), null));
        }
        return results;
    }

    static JsonNode arc(double tuned, double pairedStderr) {
        return new Evaluation()
                .task("arc", "arc")
                .compared("acc", 0.25, tuned, pairedStderr, true)
                .metric("n", 40, 40)
                .json();
    }

    static JsonNode resource(String name) {
        try (var in = Sweeps.class.getResourceAsStream(name)) {
            return Json.mapper().readTree(new String(in.readAllBytes(), StandardCharsets.UTF_8));
        } catch (Exception e) {
            throw new AssertionError("cannot read test resource " + name, e);
        }
    }

    static String text(Map<String, byte[]> files, String name) {
        byte[] bytes = files.get(name);
        if (bytes == null) {
            throw new AssertionError("no " + name + " among " + files.keySet());
        }
        return new String(bytes, StandardCharsets.UTF_8);
    }
}
