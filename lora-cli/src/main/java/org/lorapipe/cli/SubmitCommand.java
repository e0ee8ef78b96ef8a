package org.lorapipe.cli;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.lorapipe.contract.Topics;
import org.lorapipe.contract.json.Json;
import org.lorapipe.contract.request.InvalidRequestException;
import org.lorapipe.contract.request.NotJsonException;
import org.lorapipe.contract.request.RequestParser;
import org.lorapipe.contract.request.TrainingRequest;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code lora submit REQUEST.json}: validates the request with the services' own parser, prints every
 * problem before anything is sent, then publishes it on {@code lora.training.requested} and prints its id.
 */
@Command(
        name = "submit",
        mixinStandardHelpOptions = true,
        description = "Validate a training request locally, then publish it; prints the requestId.")
public final class SubmitCommand implements Callable<Integer> {
    @Parameters(paramLabel = "REQUEST.json", description = "The TrainingRequested JSON (see docs/).")
    Path file;

    @Option(names = "--request-id", paramLabel = "ID", description = "Override the file's requestId.")
    String requestId;

    @Option(names = "--dry-run", description = "Only validate and print the request with every default filled.")
    boolean dryRun;

    @Mixin
    Endpoints endpoints;

    @Override
    public Integer call() throws IOException {
        TrainingRequest request = read(file, requestId, endpoints.bucket());
        if (dryRun) {
            System.out.println(Json.writePretty(request));
            return 0;
        }
        TraceParent trace = publish(endpoints.kafka(), request);
        System.out.println(request.requestId());
        System.err.println("trace " + trace.traceId() + " (every stage's spans, when tracing is on)");
        return 0;
    }

    /**
     * The request in {@code file}, validated as the dataset stage will (with {@code idOverride} as its id
     * when given); a bad file is a {@link UsageProblem} listing every problem.
     */
    static TrainingRequest read(Path file, String idOverride, String bucket) throws IOException {
        String json = readJson(file, "TrainingRequested", "requestId", idOverride);
        try {
            return new RequestParser(bucket).parse(json);
        } catch (InvalidRequestException | NotJsonException e) {
            throw new UsageProblem(file + ": " + e.getMessage());
        }
    }

    /**
     * The JSON text of a request file (a {@code kind} such as "TrainingRequested"), with {@code idField}
     * set to {@code idOverride} when one is given; a missing file is a {@link UsageProblem}.
     */
    public static String readJson(Path file, String kind, String idField, String idOverride) throws IOException {
        if (!Files.isRegularFile(file)) {
            throw new UsageProblem("no request file at " + file + ": pass the path of a " + kind + " JSON file");
        }
        String json = Files.readString(file, StandardCharsets.UTF_8);
        if (idOverride == null) {
            return json;
        }
        var node =
                (com.fasterxml.jackson.databind.node.ObjectNode) Json.mapper().readTree(json);
        node.put(idField, idOverride);
        return Json.write(node);
    }

    /**
     * Publishes {@code request} to {@code lora.training.requested}, keyed by its id; returns the trace the
     * run's spans belong to.
     */
    static TraceParent publish(KafkaConnection kafka, TrainingRequest request) {
        return send(kafka, Topics.TRAINING_REQUESTED, request.requestId(), Json.write(request));
    }

    /**
     * Publishes {@code body} to {@code topic} with the CloudEvents headers of {@code /lora/cli} and a new
     * trace's {@code traceparent}; waits for the ack. Returns that trace.
     */
    public static TraceParent send(KafkaConnection kafka, String topic, String key, String body) {
        TraceParent trace = TraceParent.random();
        Map<String, String> defaults = Map.of(
                ProducerConfig.ACKS_CONFIG, "all",
                ProducerConfig.MAX_BLOCK_MS_CONFIG, "15000",
                ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, "20000",
                ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, "15000");
        try (var producer = kafka.producer(defaults)) {
            var record = new ProducerRecord<>(topic, key, body);
            record.headers()
                    .add("ce_specversion", bytes("1.0"))
                    .add("ce_id", bytes(UUID.randomUUID().toString()))
                    .add("ce_type", bytes(topic))
                    .add("ce_source", bytes("/lora/cli"))
                    .add("ce_time", bytes(Instant.now().toString()))
                    .add("content-type", bytes("application/json"))
                    .add(TraceParent.HEADER, bytes(trace.header()));
            producer.send(record).get(30, TimeUnit.SECONDS);
            return trace;
        } catch (Exception e) {
            throw new IllegalStateException("could not publish to Kafka at " + kafka.bootstrapServers()
                    + " (is the stack up? try `lora stack status`; for a secured broker set -X, --kafka-config"
                    + " or KAFKA_SECURITY_PROTOCOL/KAFKA_SASL_*): " + rootMessage(e));
        }
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static String rootMessage(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null) {
            t = t.getCause();
        }
        return t.getMessage();
    }
}
