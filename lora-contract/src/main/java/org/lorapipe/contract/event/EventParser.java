package org.lorapipe.contract.event;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.lorapipe.contract.BucketLayout;
import org.lorapipe.contract.json.Json;
import org.lorapipe.contract.request.InvalidRequestException;
import org.lorapipe.contract.request.NotJsonException;
import org.lorapipe.contract.request.Problems;
import org.lorapipe.contract.request.RequestParser;
import org.lorapipe.contract.request.TrainingRequest;

/**
 * Reads the events that flow between the stages. The embedded {@code request} goes through the same
 * {@link RequestParser} as a fresh request, so a stage never works on a request the first stage would
 * have refused; the event's own required fields are checked too, and every problem is reported at once.
 */
public final class EventParser {
    private static final Map<Class<?>, List<String>> REQUIRED = Map.of(
            DatasetPrepared.class, List.of("datasetUri", "manifest"),
            AdapterTrained.class, List.of("adapterUri"),
            EvaluationCompleted.class, List.of("adapterUri", "results"),
            ModelMerged.class, List.of(),
            TrainingProgress.class, List.of("step"),
            PipelineFailed.class, List.of("stage", "error"));

    /**
     * Where each URI field of an event must point, given the run's id: a forged event cannot make a
     * stage read another run's files or anything else the credentials reach.
     */
    private static final Map<String, java.util.function.Function<String, String>> CONFINED = Map.of(
            "datasetUri", BucketLayout::dataset,
            "adapterUri", BucketLayout::adapter,
            "reportUri", BucketLayout::evaluation);

    private final RequestParser requests;
    private final String bucket;

    public EventParser(String bucket) {
        this.requests = new RequestParser(bucket);
        this.bucket = bucket;
    }

    /** Whether {@code uri} is {@code folder} or a normalised key below it. */
    private static boolean inside(String uri, String folder) {
        if (!uri.startsWith(folder)) {
            return false;
        }
        String rest = uri.substring(folder.length());
        return RequestParser.isNormalisedKey(rest) && !RequestParser.hasControlCharacter(rest);
    }

    /**
     * The fields {@link #parse} demands of an event of {@code type} besides {@code requestId} and
     * {@code request} (which it demands of every event): the published JSON Schemas (docs/events/) list
     * them as required, and {@code EventSchemaTest} keeps the two equal.
     */
    public static List<String> requiredFields(Class<? extends PipelineEvent> type) {
        return REQUIRED.getOrDefault(type, List.of());
    }

    /** The request parser with the same bucket rules. */
    public RequestParser requests() {
        return requests;
    }

    /**
     * Parses {@code json} as an event of {@code type}.
     *
     * @throws NotJsonException when the text is not JSON at all
     * @throws InvalidRequestException with every problem, keyed by the event's requestId when usable
     */
    public <T extends PipelineEvent> T parse(String json, Class<T> type) {
        JsonNode node = RequestParser.readTree(json);
        if (!node.isObject()) {
            throw new InvalidRequestException(
                    null, List.of("the event must be a JSON object, got " + Problems.cut(node.toString())));
        }
        String requestId =
                node.path("requestId").isTextual() ? node.path("requestId").textValue() : null;
        List<String> problems = new ArrayList<>();
        Problems envelope = new Problems();
        RequestParser.checkEnvelope(node.path("schemaVersion"), node.path("occurredAt"), envelope);
        problems.addAll(envelope.list());
        if (requestId == null || !RequestParser.REQUEST_ID.matcher(requestId).matches()) {
            problems.add("requestId is required: the run's id (letters, digits, '.', '_' or '-')");
            requestId = null;
        }
        TrainingRequest request = null;
        if (!node.path("request").isObject()) {
            problems.add("request is required: the original TrainingRequested object travels with every event");
        } else {
            try {
                request = requests.parse(node.get("request"));
                if (requestId != null && !requestId.equals(request.requestId())) {
                    problems.add("requestId '" + requestId + "' differs from request.requestId '" + request.requestId()
                            + "'");
                }
            } catch (InvalidRequestException e) {
                e.problems().forEach(p -> problems.add("request: " + p));
            }
        }
        if (requestId != null) {
            for (var confined : CONFINED.entrySet()) {
                JsonNode value = node.path(confined.getKey());
                String folder = "s3://" + bucket + "/" + confined.getValue().apply(requestId);
                if (!value.isMissingNode() && !value.isNull() && !value.isTextual()) {
                    // Jackson would read 7 or true as the string "7": a URI must be written as one
                    problems.add(confined.getKey() + " must be a string (an s3:// URI in " + folder + "), got "
                            + Problems.cut(value.toString()));
                } else if (value.isTextual() && !inside(value.textValue(), folder)) {
                    problems.add(confined.getKey() + " must be in " + folder + " (the run's own folder), got '"
                            + Problems.cut(value.textValue()) + "'");
                }
            }
        }
        for (String field : REQUIRED.getOrDefault(type, List.of())) {
            JsonNode value = node.path(field);
            if (value.isMissingNode() || value.isNull()) {
                problems.add(field + " is required in " + type.getSimpleName());
            }
        }
        if (!problems.isEmpty()) {
            throw new InvalidRequestException(requestId, problems);
        }
        ObjectNode normalized = ((ObjectNode) node.deepCopy());
        normalized.set("request", Json.mapper().valueToTree(request));
        try {
            // 1.5 where a count belongs is an error, not 1
            return Json.mapper()
                    .readerFor(type)
                    .without(DeserializationFeature.ACCEPT_FLOAT_AS_INT)
                    .readValue(normalized);
        } catch (IOException | IllegalArgumentException e) {
            String detail = e instanceof JsonProcessingException j ? j.getOriginalMessage() : e.getMessage();
            throw new InvalidRequestException(
                    requestId,
                    List.of("the event is not a valid " + type.getSimpleName() + ": "
                            + Problems.cut(String.valueOf(detail))));
        }
    }
}
