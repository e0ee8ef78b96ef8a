package org.lorapipe.service.testing;

import java.time.Instant;
import java.util.Map;
import org.lorapipe.contract.event.AdapterTrained;
import org.lorapipe.contract.event.DatasetManifest;
import org.lorapipe.contract.event.DatasetPrepared;
import org.lorapipe.contract.event.EvaluationCompleted;
import org.lorapipe.contract.event.PipelineEvent;
import org.lorapipe.contract.event.TaskResult;
import org.lorapipe.contract.event.TrainingMetrics;
import org.lorapipe.contract.json.Json;
import org.lorapipe.contract.request.RequestParser;
import org.lorapipe.contract.request.TrainingRequest;

/** Well-formed events of each stage, for tests of the stage that consumes them. */
public final class SampleEvents {
    private SampleEvents() {}

    public static String requestJson(String id) {
        return "{\"requestId\": \"" + id + "\", \"baseModel\": \"s3://lora/models/stories260K\","
                + " \"dataset\": {\"uri\": \"s3://lora/data/" + id + ".jsonl\"}}";
    }

    public static TrainingRequest request(String id) {
        return new RequestParser("lora").parse(requestJson(id));
    }

    /** An event whose embedded request has r = 0 and neither baseModel nor dataset. */
    public static String withInvalidRequest(String id) {
        return "{\"schemaVersion\": 1, \"requestId\": \"" + id + "\", \"request\": {\"requestId\": \"" + id
                + "\", \"lora\": {\"r\": 0}}}";
    }

    public static String datasetPrepared(String id) {
        var manifest = new DatasetManifest(
                10, 9, Map.of("empty", 1L), 0, 0, 8, 1, 800, 100, 120, "alpaca", "0".repeat(64), "</s>", null);
        return Json.write(DatasetPrepared.of(request(id), "s3://lora/datasets/" + id + "/", manifest));
    }

    public static String adapterTrained(String id) {
        var metrics = new TrainingMetrics(1.5, 1.6, 800, 1000, 1L << 28, 800, 1000, 260_000);
        return Json.write(new AdapterTrained(
                PipelineEvent.SCHEMA_VERSION,
                id,
                Instant.now(),
                request(id),
                "s3://lora/runs/" + id + "/adapter/",
                metrics));
    }

    public static String evaluationCompleted(String id) {
        var results = Map.of("perplexity", new TaskResult(Map.of("perplexity", 9.0), Map.of("perplexity", 7.5)));
        return Json.write(new EvaluationCompleted(
                PipelineEvent.SCHEMA_VERSION,
                id,
                Instant.now(),
                request(id),
                "s3://lora/runs/" + id + "/adapter/",
                results,
                "s3://lora/runs/" + id + "/eval/report.json"));
    }
}
