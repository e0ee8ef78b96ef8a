package org.lorapipe.service.consumer;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.jboss.logging.Logger;
import org.lorapipe.contract.ErrorCodes;
import org.lorapipe.contract.RecordKeys;
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

    /** {@code lora.limits.request-bytes}: a request is a few kilobytes of JSON. */
    public static final int DEFAULT_REQUEST_BYTES = 256 * 1024;

    private final Stage stage;
    private final int maxRequestBytes;

    /** @param maxRequestBytes larger records are refused unread ({@code lora.limits.request-bytes}) */
    public InboundGate(Stage stage, int maxRequestBytes) {
        this.stage = stage;
        this.maxRequestBytes = maxRequestBytes;
    }

    public <T> Admission<T> admit(ConsumerRecord<String, byte[]> record, Function<String, T> parser) {
        byte[] bytes = record.value() == null ? new byte[0] : record.value();
        String key = RecordKeys.answerKey(record.key());
        if (bytes.length > maxRequestBytes) {
            String message = "the record has " + bytes.length + " bytes, more than the " + maxRequestBytes
                    + " an event may have (lora.limits.request-bytes): a request is a few kilobytes of JSON;"
                    + " put data in object storage and point at it";
            LOG.infof("refused %s at %s-%d@%d: %s", key, record.topic(), record.partition(), record.offset(), message);
            // not copied to the dead-letter topic: the copy would be as large as what was refused
            return new Admission.Refused<>(
                    key,
                    ErrorCodes.INVALID_REQUEST,
                    message,
                    List.of(failure(key, null, ErrorCodes.INVALID_REQUEST, message, List.of(), false)));
        }
        String text = new String(bytes, StandardCharsets.UTF_8);
        try {
            return new Admission.Admitted<>(parser.apply(text));
        } catch (NotJsonException e) {
            LOG.warnf(
                    "record at %s-%d@%d is not JSON: sent to %s",
                    record.topic(), record.partition(), record.offset(), Topics.DEAD_LETTER);
            OutgoingEvent dead = new OutgoingEvent(
                    Topics.DEAD_LETTER,
                    key,
                    bytes,
                    "application/octet-stream",
                    Map.of("lora_reason", e.getMessage(), "lora_original_topic", record.topic()));
            return new Admission.Refused<>(
                    key,
                    ErrorCodes.NOT_JSON,
                    e.getMessage(),
                    List.of(dead, failure(key, null, ErrorCodes.NOT_JSON, e.getMessage(), List.of(), false)));
        } catch (InvalidRequestException e) {
            String id = e.requestId() != null ? e.requestId() : key;
            LOG.infof("refused %s: %s", id, e.getMessage());
            return new Admission.Refused<>(
                    id,
                    ErrorCodes.INVALID_REQUEST,
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
