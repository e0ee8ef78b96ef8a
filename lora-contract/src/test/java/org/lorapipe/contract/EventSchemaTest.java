package org.lorapipe.contract;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.IntNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SchemaValidatorsConfig;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import java.io.IOException;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.RecordComponent;
import java.lang.reflect.Type;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.lorapipe.contract.event.AdapterTrained;
import org.lorapipe.contract.event.DatasetManifest;
import org.lorapipe.contract.event.DatasetPrepared;
import org.lorapipe.contract.event.EvaluationCompleted;
import org.lorapipe.contract.event.EventParser;
import org.lorapipe.contract.event.FailureError;
import org.lorapipe.contract.event.ModelFile;
import org.lorapipe.contract.event.ModelMerged;
import org.lorapipe.contract.event.PipelineEvent;
import org.lorapipe.contract.event.PipelineFailed;
import org.lorapipe.contract.event.RenderedExample;
import org.lorapipe.contract.event.RunMemory;
import org.lorapipe.contract.event.TaskResult;
import org.lorapipe.contract.event.TrainingProgress;
import org.lorapipe.contract.json.Json;
import org.lorapipe.contract.request.RequestParser;
import org.lorapipe.contract.request.TrainingRequest;
import org.lorapipe.contract.sweep.SweepCompleted;
import org.lorapipe.contract.sweep.SweepProgress;
import org.lorapipe.contract.sweep.SweepRunEnded;
import org.lorapipe.contract.sweep.SweepRunStatus;
import org.lorapipe.contract.sweep.SweepSetting;

/**
 * The JSON Schema of every event in docs/events/ ({@code {topic}.schema.json}) must describe its record
 * exactly, as {@code RequestSchemaTest} keeps the request's schema equal to the parser:
 *
 * <ul>
 *   <li>every record component is a property and every property a component, with the JSON type
 *       {@link Json} writes for it (nested records, lists and maps recursively; {@code Instant} as a
 *       {@code date-time} string; the request as a {@code $ref} to docs/training-requested.schema.json);
 *   <li>a property is required exactly when a reader can count on it: primitives (Json writes them
 *       always, and drops only nulls), the fields {@link EventParser} demands, and the reference fields
 *       every producer sets ({@link #ALWAYS_WRITTEN});
 *   <li>enums list the values written: a Java enum's wire values, or the constants of a string field;
 *   <li>real events, written by {@link Json} with every optional field set and with none, validate.
 * </ul>
 *
 * A failure lists every difference at once, each with what to write in which file.
 */
class EventSchemaTest {
    /** The event record each topic carries, in pipeline order. */
    static final Map<String, Class<?>> EVENTS = new LinkedHashMap<>();

    static {
        EVENTS.put(Topics.DATASET_PREPARED, DatasetPrepared.class);
        EVENTS.put(Topics.TRAINING_PROGRESS, TrainingProgress.class);
        EVENTS.put(Topics.ADAPTER_TRAINED, AdapterTrained.class);
        EVENTS.put(Topics.EVALUATION_COMPLETED, EvaluationCompleted.class);
        EVENTS.put(Topics.MODEL_MERGED, ModelMerged.class);
        EVENTS.put(Topics.PIPELINE_FAILED, PipelineFailed.class);
        EVENTS.put(Topics.SWEEP_RUNS, SweepRunEnded.class);
        EVENTS.put(Topics.SWEEP_PROGRESS, SweepProgress.class);
        EVENTS.put(Topics.SWEEP_COMPLETED, SweepCompleted.class);
    }

    /** Topics that carry no event record, and where their form is written down instead. */
    private static final Map<String, String> NOT_EVENTS = Map.of(
            Topics.TRAINING_REQUESTED, "the request: docs/training-requested.schema.json (RequestSchemaTest)",
            Topics.SWEEP_REQUESTED, "a sweep request, read by SweepParser (docs/CONTRACT.md, \"Sweeps\")",
            Topics.DEAD_LETTER, "the refused record's bytes, unchanged");

    /**
     * Reference-typed components every producer sets (primitives are always written anyway): the
     * envelope ({@code Instant.now()} at every construction; requestId and request are demanded by
     * EventParser, except on a failure found at the door), EventParser's required fields, what the records'
     * compact constructors make non-null, and what the producing code always fills in.
     */
    private static final Map<Class<?>, Set<String>> ALWAYS_WRITTEN = Map.ofEntries(
            Map.entry(DatasetPrepared.class, Set.of("requestId", "occurredAt", "request", "datasetUri", "manifest")),
            Map.entry(TrainingProgress.class, Set.of("requestId", "occurredAt", "request", "memory")),
            Map.entry(AdapterTrained.class, Set.of("requestId", "occurredAt", "request", "adapterUri", "metrics")),
            Map.entry(
                    EvaluationCompleted.class,
                    Set.of("requestId", "occurredAt", "request", "adapterUri", "results", "reportUri")),
            Map.entry(ModelMerged.class, Set.of("requestId", "occurredAt", "request")),
            Map.entry(PipelineFailed.class, Set.of("occurredAt", "stage", "error")),
            Map.entry(SweepRunEnded.class, Set.of("sweepId", "occurredAt", "requestId", "outcome")),
            Map.entry(SweepProgress.class, Set.of("sweepId", "occurredAt", "title", "settings", "runs")),
            Map.entry(SweepCompleted.class, Set.of("sweepId", "occurredAt", "title", "settings", "runs", "reportUri")),
            Map.entry(DatasetManifest.class, Set.of("dropped", "template", "tokenizerSha256")),
            Map.entry(RenderedExample.class, Set.of("spans")),
            Map.entry(RenderedExample.Span.class, Set.of("text")),
            Map.entry(RunMemory.class, Set.of("estimate")),
            Map.entry(TaskResult.class, Set.of("base", "tuned")),
            Map.entry(ModelFile.class, Set.of("path", "sha256")),
            Map.entry(FailureError.class, Set.of("code", "message")),
            Map.entry(SweepSetting.class, Set.of("label", "overrides")),
            Map.entry(SweepRunStatus.class, Set.of("requestId", "state")));

    /** String components whose values are a closed set: the schema lists them as its enum. */
    private static final Map<String, List<String>> STRING_VALUES = Map.of(
            "SweepRunEnded.outcome",
            List.of(SweepRunEnded.MERGED, SweepRunEnded.NOT_MERGED, SweepRunEnded.FAILED),
            "SweepRunEnded.stage",
            Arrays.stream(Stage.values()).map(Stage::wire).toList(),
            "SweepRunStatus.state",
            List.of(SweepRunStatus.QUEUED, SweepRunEnded.MERGED, SweepRunEnded.NOT_MERGED, SweepRunEnded.FAILED),
            "FailureError.code",
            constants(ErrorCodes.class));

    private static final String REQUEST_REF = "../training-requested.schema.json";
    private static final String MINIMAL_REQUEST = "{\"requestId\": \"stories-r8\", \"baseModel\":"
            + " \"s3://lora/models/stories260K\", \"dataset\": {\"uri\": \"s3://lora/data/stories-instruct.jsonl\"}}";

    private static Path docs;
    private static final Map<String, JsonNode> SCHEMAS = new LinkedHashMap<>();

    @BeforeAll
    static void load() throws IOException {
        docs = Path.of(System.getProperty("lora.project.root", "..")).resolve("docs");
        if (!Files.exists(docs.resolve("events"))) {
            docs = Path.of("../docs");
        }
        for (String topic : EVENTS.keySet()) {
            Path file = docs.resolve("events").resolve(topic + ".schema.json");
            if (Files.exists(file)) {
                SCHEMAS.put(topic, Json.mapper().readTree(Files.readString(file)));
            }
        }
    }

    @Test
    void everyTopicHasASchemaOrSaysWhyNot() throws IOException {
        List<String> problems = new ArrayList<>();
        for (String topic : Topics.ALL) {
            if (!EVENTS.containsKey(topic) && !NOT_EVENTS.containsKey(topic)) {
                problems.add("topic " + topic + " has no event record here: add it to EventSchemaTest.EVENTS with its"
                        + " record and write docs/events/" + topic + ".schema.json (or say in NOT_EVENTS why not)");
            }
        }
        for (String topic : EVENTS.keySet()) {
            if (!SCHEMAS.containsKey(topic)) {
                problems.add("docs/events/" + topic + ".schema.json is missing: write the JSON Schema of "
                        + EVENTS.get(topic).getSimpleName() + " there (draft 2020-12, like the other files)");
            }
        }
        try (Stream<Path> files = Files.list(docs.resolve("events"))) {
            files.map(f -> f.getFileName().toString())
                    .filter(name -> !EVENTS.containsKey(name.replace(".schema.json", "")))
                    .forEach(name -> problems.add("docs/events/" + name + " names no topic of EventSchemaTest.EVENTS:"
                            + " remove it, or add its topic and record"));
        }
        assertThat(problems).withFailMessage("%s", String.join("\n", problems)).isEmpty();
    }

    @Test
    void everySchemaDescribesItsRecordExactly() {
        List<String> problems = new ArrayList<>();
        for (var e : SCHEMAS.entrySet()) {
            JsonNode schema = e.getValue();
            String file = "docs/events/" + e.getKey() + ".schema.json";
            if (!"https://json-schema.org/draft/2020-12/schema"
                    .equals(schema.path("$schema").asText())) {
                problems.add(file + ": write \"$schema\": \"https://json-schema.org/draft/2020-12/schema\"");
            }
            String id = "https://lorapipe.org/schema/events/" + e.getKey() + ".schema.json";
            if (!id.equals(schema.path("$id").asText())) {
                problems.add(file + ": write \"$id\": \"" + id + "\" (the request's $ref resolves against it)");
            }
            Class<?> type = EVENTS.get(e.getKey());
            if (!type.getSimpleName().equals(schema.path("title").asText())) {
                problems.add(file + ": write \"title\": \"" + type.getSimpleName() + "\"");
            }
            compare(type, schema, new Where(file, ""), "", problems);
        }
        assertThat(problems)
                .withFailMessage("the event schemas differ from their records:\n%s", String.join("\n", problems))
                .isEmpty();
    }

    @Test
    void whatTheParserDemandsTheSchemaRequires() {
        for (Class<?> type : EVENTS.values()) {
            if (!PipelineEvent.class.isAssignableFrom(type)) {
                continue;
            }
            @SuppressWarnings("unchecked")
            List<String> demanded = EventParser.requiredFields((Class<? extends PipelineEvent>) type);
            assertThat(required(type))
                    .as(
                            "EventParser demands these of %s: required in its schema, so list them in ALWAYS_WRITTEN",
                            type.getSimpleName())
                    .containsAll(demanded);
            if (type != PipelineFailed.class) { // a failure at the door has neither
                assertThat(ALWAYS_WRITTEN.get(type)).as(type.getSimpleName()).contains("requestId", "request");
            }
        }
    }

    /**
     * Events as the services write them ({@link Json}), once with every optional field set and once with
     * none, validate; with {@code additionalProperties: false} added to every object of the schema, so a
     * field Json writes but the schema lacks fails too. Each one also reads back to the same record.
     */
    @Test
    void writtenEventsValidateAndReadBack() throws Exception {
        JsonSchemaFactory factory = JsonSchemaFactory.getInstance(
                SpecVersion.VersionFlag.V202012,
                b -> b.schemaMappers(m -> m.mapPrefix(
                        "https://lorapipe.org/schema/",
                        docs.toAbsolutePath().toUri().toString())));
        SchemaValidatorsConfig config =
                SchemaValidatorsConfig.builder().formatAssertionsEnabled(true).build();
        List<String> problems = new ArrayList<>();
        int validated = 0;
        for (var e : SCHEMAS.entrySet()) {
            Class<?> type = EVENTS.get(e.getKey());
            JsonNode strict = e.getValue().deepCopy();
            closeObjects(strict);
            JsonSchema schema = factory.getSchema(strict, config);
            for (boolean full : List.of(true, false)) {
                Object event = sample(type, e.getValue(), full);
                String json = Json.write(event);
                Set<ValidationMessage> errors = schema.validate(Json.mapper().readTree(json));
                errors.forEach(m -> problems.add(e.getKey() + (full ? " (every field)" : " (required fields only)")
                        + ": " + m.getMessage() + "\n    in " + json));
                assertThat(Json.read(json, type))
                        .as("%s read back", type.getSimpleName())
                        .isEqualTo(event);
                validated++;
            }
        }
        JsonSchema failed = factory.getSchema(SCHEMAS.get(Topics.PIPELINE_FAILED), config);
        String atTheDoor = Json.write(PipelineFailed.of(
                null, null, Stage.DATASET, ErrorCodes.NOT_JSON, "the record is not JSON", false, List.of()));
        failed.validate(Json.mapper().readTree(atTheDoor))
                .forEach(m -> problems.add("a failure at the door: " + m.getMessage() + "\n    in " + atTheDoor));
        assertThat(problems)
                .withFailMessage("events as Json writes them break their schemas:\n%s", String.join("\n", problems))
                .isEmpty();
        assertThat(validated).isEqualTo(2 * EVENTS.size());
    }

    // ---- the comparison ----

    /** A place in a schema file: the JSON path of the value it describes ({@code memory.rssBytes}). */
    private record Where(String file, String path) {
        Where child(String suffix) {
            return new Where(file, path + suffix);
        }

        Where property(String name) {
            return new Where(file, path.isEmpty() ? name : path + "." + name);
        }

        @Override
        public String toString() {
            return file + " at " + (path.isEmpty() ? "(root)" : path);
        }
    }

    /** Compares the schema {@code node} at {@code where} with the Java type of a value written there. */
    private static void compare(Type type, JsonNode node, Where where, String component, List<String> problems) {
        Class<?> raw = raw(type);
        if (raw == TrainingRequest.class) {
            if (!REQUEST_REF.equals(node.path("$ref").asText())) {
                problems.add(where + ": write \"$ref\": \"" + REQUEST_REF + "\" (the request is TrainingRequested)");
            }
            return;
        }
        if (raw == JsonNode.class) {
            if (node.has("type")) {
                problems.add(where + ": any JSON value goes here (" + component + " is a JsonNode): remove \"type\"");
            }
            return;
        }
        String expected = jsonType(raw);
        String actual = node.path("type").asText(null);
        if (!expected.equals(actual)) {
            problems.add(where + ": write \"type\": \"" + expected + "\" (" + component + " is "
                    + type.getTypeName().replaceAll("[a-z0-9.]+\\.", "") + "), not " + actual);
            return;
        }
        if (raw == Instant.class && !"date-time".equals(node.path("format").asText())) {
            problems.add(where + ": write \"format\": \"date-time\" (an Instant is written as ISO-8601)");
        }
        List<String> values = raw.isEnum() ? wireValues(raw) : STRING_VALUES.get(component);
        if (values != null) {
            List<String> listed = node.has("enum") ? strings(node.get("enum")) : null;
            if (!values.equals(listed)) {
                problems.add(where + ": write \"enum\": " + Json.write(values) + " (the values of " + component
                        + "), not " + listed);
            }
        } else if (node.has("enum") && raw == String.class) {
            problems.add(where + ": " + component + " has no closed set of values here: remove \"enum\", or list"
                    + " the values in EventSchemaTest.STRING_VALUES");
        }
        if (type instanceof ParameterizedType p && List.class.isAssignableFrom(raw)) {
            compare(p.getActualTypeArguments()[0], node.path("items"), where.child("[]"), component + "[]", problems);
        } else if (type instanceof ParameterizedType p && Map.class.isAssignableFrom(raw)) {
            compare(
                    p.getActualTypeArguments()[1],
                    node.path("additionalProperties"),
                    where.child("{}"),
                    component + "{}",
                    problems);
        } else if (raw.isRecord()) {
            compareRecord(raw, node, where, problems);
        }
    }

    private static void compareRecord(Class<?> type, JsonNode node, Where where, List<String> problems) {
        Set<String> components = new LinkedHashSet<>();
        for (RecordComponent c : type.getRecordComponents()) {
            components.add(c.getName());
        }
        Set<String> required = required(type);
        JsonNode properties = node.path("properties");
        for (RecordComponent c : type.getRecordComponents()) {
            String name = c.getName();
            String component = type.getSimpleName() + "." + name;
            JsonNode property = properties.get(name);
            if (property == null) {
                problems.add(where.property(name) + ": " + component + " has no property: add \"" + name
                        + "\" to \"properties\"" + " (" + sketch(c.getGenericType()) + ", with a description)");
                continue;
            }
            if (property.path("description").asText("").isBlank()) {
                problems.add(where.property(name) + ": add a \"description\" (say what " + component + " means)");
            }
            if (name.equals("schemaVersion") && property.path("const").asInt(-1) != PipelineEvent.SCHEMA_VERSION) {
                problems.add(where.property(name) + ": write \"const\": " + PipelineEvent.SCHEMA_VERSION
                        + " (PipelineEvent.SCHEMA_VERSION)");
            }
            compare(c.getGenericType(), property, where.property(name), component, problems);
        }
        for (Iterator<String> it = properties.fieldNames(); it.hasNext(); ) {
            String name = it.next();
            if (!components.contains(name)) {
                problems.add(where.property(name) + ": " + type.getSimpleName() + " has no component '" + name
                        + "': remove the property, or add the component to the record");
            }
        }
        Set<String> listed = new TreeSet<>(strings(node.path("required")));
        if (!listed.equals(required)) {
            problems.add(where + ": write \"required\": "
                    + Json.write(inOrder(type, required)) + " (primitives of " + type.getSimpleName()
                    + ", and the fields every producer sets: EventSchemaTest.ALWAYS_WRITTEN), not " + listed);
        }
    }

    /** What a reader can count on: primitives (always written) and {@link #ALWAYS_WRITTEN}. */
    private static Set<String> required(Class<?> type) {
        Set<String> required = new TreeSet<>();
        for (RecordComponent c : type.getRecordComponents()) {
            if (c.getType().isPrimitive()
                    || ALWAYS_WRITTEN.getOrDefault(type, Set.of()).contains(c.getName())) {
                required.add(c.getName());
            }
        }
        return required;
    }

    private static String jsonType(Class<?> raw) {
        if (raw == String.class || raw == Instant.class || raw.isEnum()) {
            return "string";
        }
        if (raw == int.class || raw == long.class || raw == Integer.class || raw == Long.class) {
            return "integer";
        }
        if (raw == double.class || raw == float.class || raw == Double.class || raw == Float.class) {
            return "number";
        }
        if (raw == boolean.class || raw == Boolean.class) {
            return "boolean";
        }
        if (List.class.isAssignableFrom(raw)) {
            return "array";
        }
        if (Map.class.isAssignableFrom(raw) || raw.isRecord()) {
            return "object";
        }
        throw new AssertionError("no JSON type known for " + raw + ": teach EventSchemaTest.jsonType");
    }

    /** What to write for a missing property, e.g. {@code "type": "array", "items": {...}}. */
    private static String sketch(Type type) {
        Class<?> raw = raw(type);
        if (raw == TrainingRequest.class) {
            return "\"$ref\": \"" + REQUEST_REF + "\"";
        }
        String s = "\"type\": \"" + jsonType(raw) + "\"";
        if (raw == Instant.class) {
            s += ", \"format\": \"date-time\"";
        }
        if (raw.isEnum()) {
            s += ", \"enum\": " + Json.write(wireValues(raw));
        }
        if (type instanceof ParameterizedType p && List.class.isAssignableFrom(raw)) {
            s += ", \"items\": {" + sketch(p.getActualTypeArguments()[0]) + "}";
        }
        if (type instanceof ParameterizedType p && Map.class.isAssignableFrom(raw)) {
            s += ", \"additionalProperties\": {" + sketch(p.getActualTypeArguments()[1]) + "}";
        }
        if (raw.isRecord()) {
            s += ", \"properties\": {...} for each component of " + raw.getSimpleName();
        }
        return s;
    }

    // ---- sample events ----

    /**
     * A record of {@code type} with a value for every component ({@code full}) or for the required ones
     * only; strings with an enum in the schema take its first value.
     */
    private static Object sample(Type type, JsonNode schema, boolean full) throws Exception {
        Class<?> raw = raw(type);
        if (raw == TrainingRequest.class) {
            return new RequestParser("lora").parse(MINIMAL_REQUEST);
        }
        if (raw == JsonNode.class) {
            return IntNode.valueOf(4);
        }
        if (raw == String.class) {
            return schema.has("enum") ? schema.get("enum").get(0).asText() : "stories-r8";
        }
        if (raw == Instant.class) {
            return Instant.parse("2026-11-29T10:15:30.123Z");
        }
        if (raw == int.class || raw == Integer.class) {
            return 1;
        }
        if (raw == long.class || raw == Long.class) {
            return 2L;
        }
        if (raw == double.class || raw == Double.class) {
            return 0.5;
        }
        if (raw == boolean.class || raw == Boolean.class) {
            return true;
        }
        if (raw.isEnum()) {
            return raw.getEnumConstants()[0];
        }
        if (type instanceof ParameterizedType p && List.class.isAssignableFrom(raw)) {
            return List.of(sample(p.getActualTypeArguments()[0], schema.path("items"), full));
        }
        if (type instanceof ParameterizedType p && Map.class.isAssignableFrom(raw)) {
            return Map.of("k", sample(p.getActualTypeArguments()[1], schema.path("additionalProperties"), full));
        }
        RecordComponent[] components = raw.getRecordComponents();
        Object[] args = new Object[components.length];
        Class<?>[] types = new Class<?>[components.length];
        Set<String> required = new LinkedHashSet<>(strings(schema.path("required")));
        for (int i = 0; i < components.length; i++) {
            RecordComponent c = components[i];
            types[i] = c.getType();
            if (full || c.getType().isPrimitive() || required.contains(c.getName())) {
                args[i] = sample(c.getGenericType(), schema.path("properties").path(c.getName()), full);
            }
        }
        var constructor = raw.getDeclaredConstructor(types);
        constructor.setAccessible(true);
        return constructor.newInstance(args);
    }

    // ---- helpers ----

    /** Adds {@code additionalProperties: false} to every object schema that lists its properties. */
    private static void closeObjects(JsonNode node) {
        if (node instanceof ObjectNode o && o.has("properties") && !o.has("additionalProperties")) {
            o.put("additionalProperties", false);
        }
        node.forEach(EventSchemaTest::closeObjects);
    }

    private static Class<?> raw(Type type) {
        return type instanceof ParameterizedType p ? (Class<?>) p.getRawType() : (Class<?>) type;
    }

    private static List<String> wireValues(Class<?> enumType) {
        return Arrays.stream(enumType.getEnumConstants())
                .map(v -> Json.mapper().valueToTree(v).asText())
                .toList();
    }

    private static List<String> strings(JsonNode array) {
        List<String> out = new ArrayList<>();
        array.forEach(v -> out.add(v.asText()));
        return out;
    }

    private static List<String> inOrder(Class<?> type, Set<String> names) {
        return Arrays.stream(type.getRecordComponents())
                .map(RecordComponent::getName)
                .filter(names::contains)
                .toList();
    }

    private static List<String> constants(Class<?> holder) {
        List<String> out = new ArrayList<>();
        for (Field f : holder.getDeclaredFields()) {
            int mod = f.getModifiers();
            if (Modifier.isPublic(mod) && Modifier.isStatic(mod) && f.getType() == String.class) {
                try {
                    out.add((String) f.get(null));
                } catch (IllegalAccessException e) {
                    throw new AssertionError(e);
                }
            }
        }
        return out;
    }
}
