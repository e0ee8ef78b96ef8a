package org.lorapipe.service.jobs;

import java.time.Instant;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

/**
 * One stage's view of one request, as {@code GET /api/jobs/{requestId}} shows it.
 *
 * @param message what happened last, in words (for a failure: the cause and how to fix it)
 */
@Schema(description = "One stage's view of one request")
public record JobStatus(
        String requestId,
        @Schema(description = "dataset, training, evaluation or merge") String stage,
        @Schema(description = "accepted (durably recorded, not started), running, done or failed") JobState state,
        @Schema(description = "When this replica took the request in; none when the answer comes from storage")
                Instant receivedAt,
        @Schema(description = "When work started here") Instant startedAt,
        @Schema(description = "When it ended here") Instant finishedAt,
        @Schema(description = "What happened last, in words; for a failure the cause and how to fix it")
                String message) {

    JobStatus with(JobState next, Instant now, String text) {
        Instant started = next == JobState.RUNNING && startedAt == null ? now : startedAt;
        Instant finished = next == JobState.DONE || next == JobState.FAILED ? now : finishedAt;
        return new JobStatus(requestId, stage, next, receivedAt, started, finished, text);
    }
}
