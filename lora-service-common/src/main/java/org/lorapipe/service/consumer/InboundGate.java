package org.lorapipe.service.consumer;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.jboss.logging.Logger;
import org.lorapipe.contract.ErrorCodes;
import org.lorapipe.contract.Stage;
import org.lorapipe.contract.Topics;
import org.lorapipe.contract.event.PipelineFailed;
import org.lorapipe.contract.request.InvalidRequestException;
import org.lorapipe.contract.request.NotJsonException;
import org.lorapipe.contract.request.TrainingRequest;

/**
 * The door of every stage: decodes an incoming record and lets a valid event through. Anything else
 * is never silently dropped: an invalid event is answered by one {@code lora.pipeline.failed} listing
 * every problem, and a record that is not JSON at all also goes, bytes unchanged, to
 * {@code lora.dead-letter}. It only decides; the consumer publishes the answer together with the
 * record's offset.
 */
public final class InboundGate {
    private static final Logger LOG = Logger.getLogger(InboundGate.class);

    private final Stage stage;

    public InboundGate(Stage stage) {
        this.stage = stage;
    }

    public <T> Admission<T> admit(ConsumerRecord<String, byte[]> record, Function<String, T> parser) {
        byte[] bytes = record.value() == null ? new byte[0] : record.value();
        String text = new String(bytes, StandardCharsets.UTF_8);
        try {
            return new Admission.Admitted<>(parser.apply(text));
        } catch (NotJsonException e) {
            LOG.warnf(
                    "record at %s-%d@%d is not JSON: sent to %s",
                    record.topic(), record.partition(), record.offset(), Topics.DEAD_LETTER);
            OutgoingEvent dead = new OutgoingEvent(
                    Topics.DEAD_LETTER,
                    record.key(),
                    bytes,
                    "application/octet-stream",
                    Map.of("lora_reason", e.getMessage(), "lora_original_topic", record.topic()));
            return new Admission.Refused<>(
                    record.key(),
                    e.getMessage(),
                    List.of(dead, failure(record.key(), null, ErrorCodes.NOT_JSON, e.getMessage(), List.of(), false)));
        } catch (InvalidRequestException e) {
            String id = e.requestId() != null ? e.requestId() : record.key();
            LOG.infof("refused %s: %s", id, e.getMessage());
            return new Admission.Refused<>(
                    id,
                    e.getMessage(),
                    List.of(failure(id, null, ErrorCodes.INVALID_REQUEST, e.getMessage(), e.problems(), false)));
        }
    }

    /** The {@code lora.pipeline.failed} record of a request (its {@code request} travels with it when known). */
    public OutgoingEvent failure(
            String requestId,
            TrainingRequest request,
            String code,
            String message,
            List<String> problems,
            boolean retriable) {
        return OutgoingEvent.of(
                Topics.PIPELINE_FAILED,
                PipelineFailed.of(requestId, request, stage, code, message, retriable, problems));
    }
}
