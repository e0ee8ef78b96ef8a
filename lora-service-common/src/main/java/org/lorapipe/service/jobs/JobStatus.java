package org.lorapipe.service.jobs;

import java.time.Instant;

/**
 * One stage's view of one request, as {@code GET /api/jobs/{requestId}} shows it.
 *
 * @param message what happened last, in words (for a failure: the cause and how to fix it)
 */
public record JobStatus(
        String requestId,
        String stage,
        JobState state,
        Instant receivedAt,
        Instant startedAt,
        Instant finishedAt,
        String message) {

    JobStatus with(JobState next, Instant now, String text) {
        Instant started = next == JobState.RUNNING && startedAt == null ? now : startedAt;
        Instant finished = next == JobState.DONE || next == JobState.FAILED ? now : finishedAt;
        return new JobStatus(requestId, stage, next, receivedAt, started, finished, text);
    }
}
