package org.lorapipe.sweepservice;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.lorapipe.contract.Stage;
import org.lorapipe.contract.Topics;
import org.lorapipe.contract.event.FailureError;
import org.lorapipe.contract.event.PipelineEvent;
import org.lorapipe.contract.json.Json;
import org.lorapipe.contract.sweep.SweepIds;
import org.lorapipe.contract.sweep.SweepPlan;
import org.lorapipe.contract.sweep.SweepRunEnded;
import org.lorapipe.service.consumer.OutgoingEvent;
import org.lorapipe.sweepservice.messaging.RecordHandler;
import org.lorapipe.sweepservice.storage.SweepStore;

/**
 * {@code lora.model.merged} and {@code lora.pipeline.failed}: the last event of every run. The end of a
 * sweep's run ({@code {sweepId}-{n}}, listed in the sweep's plan) is re-keyed by the sweep id onto
 * {@code lora.sweep.runs}, so that the one replica owning the sweep's partition assembles its report.
 * Everything else is not ours and is passed by without an answer.
 */
public final class RunFollower implements RecordHandler {
    /** Largest event read; a run's last event is a few kilobytes (the merged model's file list included). */
    static final int MAX_EVENT_BYTES = 4 * 1024 * 1024;

    private final SweepStore store;

    public RunFollower(SweepStore store) {
        this.store = store;
    }

    @Override
    public List<OutgoingEvent> handle(ConsumerRecord<String, byte[]> record) {
        if (record.value() == null || record.value().length > MAX_EVENT_BYTES) {
            return List.of();
        }
        JsonNode event;
        try {
            event = Json.mapper().readTree(new String(record.value(), StandardCharsets.UTF_8));
        } catch (IOException e) {
            return List.of(); // not an event of a run: the stage that wrote it answered for it
        }
        if (event == null || !event.isObject()) {
            return List.of();
        }
        String requestId = event.path("requestId").asText(null);
        Optional<SweepIds.RunRef> ref = SweepIds.parse(requestId);
        if (ref.isEmpty()) {
            return List.of();
        }
        boolean failed = record.topic().equals(Topics.PIPELINE_FAILED);
        if (failed && Stage.SWEEP.wire().equals(event.path("stage").asText())) {
            return List.of(); // a refused sweep, not a run
        }
        Optional<SweepPlan> plan = store.plan(ref.get().sweepId());
        if (plan.isEmpty() || !plan.get().hasRun(requestId)) {
            return List.of();
        }
        SweepRunEnded end;
        if (failed) {
            JsonNode error = event.path("error");
            end = new SweepRunEnded(
                    PipelineEvent.SCHEMA_VERSION,
                    ref.get().sweepId(),
                    Instant.now(),
                    ref.get().n(),
                    requestId,
                    SweepRunEnded.FAILED,
                    event.path("stage").asText(null),
                    new FailureError(
                            error.path("code").asText("INTERNAL"),
                            error.path("message").asText("")));
        } else {
            boolean merged = event.path("merged").asBoolean(true);
            end = new SweepRunEnded(
                    PipelineEvent.SCHEMA_VERSION,
                    ref.get().sweepId(),
                    Instant.now(),
                    ref.get().n(),
                    requestId,
                    merged ? SweepRunEnded.MERGED : SweepRunEnded.NOT_MERGED,
                    null,
                    null);
        }
        return List.of(OutgoingEvent.json(Topics.SWEEP_RUNS, end.sweepId(), end));
    }
}
