package org.lorapipe.service.consumer;

import java.util.List;

/**
 * What the door of a stage made of one input record: a decoded input to work on, or a refusal whose
 * answer (a failure event, and for bytes that are not JSON a dead letter too) is ready to publish.
 *
 * @param <T> the input event
 */
public sealed interface Admission<T> {

    record Admitted<T>(T input) implements Admission<T> {}

    /**
     * @param requestId the request refused, or the record's key when no requestId could be read
     * @param code the failure's error code ({@code ErrorCodes}), for the metrics
     * @param message the failure message, for the job view
     */
    record Refused<T>(String requestId, String code, String message, List<OutgoingEvent> answer)
            implements Admission<T> {}
}
