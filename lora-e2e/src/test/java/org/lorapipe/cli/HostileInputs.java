package org.lorapipe.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.lorapipe.contract.ErrorCodes;
import org.lorapipe.contract.Topics;
import org.lorapipe.contract.json.Json;

/**
 * A seeded, reproducible source of hostile inputs for the pipeline's doors: every one is made from a
 * valid request or event by mutations that each break a rule of docs/CONTRACT.md, so each must be
 * answered by exactly one {@code lora.pipeline.failed} (plus one dead letter when it is not JSON) and
 * must never start a run.
 *
 * <p>The catalogue of request mutations is derived from the contract's JSON Schema
 * ({@code docs/training-requested.schema.json}, kept equal to the parser by {@code RequestSchemaTest}),
 * walked together with a valid request that sets every field ({@link #richRequest}): for every field a
 * value of each wrong JSON type (a list of one number where a string or a list of strings is allowed),
 * integers that are fractional, beyond 64 bits, {@code 1e400} or {@code -1e400}, numbers one step
 * outside their minimum or maximum (and {@code 1e-400}, which reads as 0, where 0 is excluded), enum
 * values that are none of the choices, ids, labels and URIs that break their pattern (too long, unicode,
 * control characters, lone surrogates, another bucket, {@code ./..} segments, {@code //}, an http or
 * file URL, a key over 1,024 bytes), timestamps that are no instant, required fields removed or null,
 * and at every object an unknown field or a key given twice. Beside these: hostile regular expressions
 * in {@code lora.rankPattern}/{@code alphaPattern} keys and in a generation check's {@code regex}
 * (backreferences, lookaround, invalid syntax, over 256 characters, nested counted repetitions), the
 * rules across fields (an empty {@code targetModules}, {@code doubleQuant} without nf4, a gate on a
 * task that does not exist, two tasks with one label, arc without a uri), deep nesting (200 to 100,000
 * levels), JSON that is not an object, truncated JSON, {@code NaN}, random bytes, an empty record and
 * a tombstone, hostile record keys and headers, and oversize inputs: about 1 MB (under the broker's
 * 1 MiB record limit, so the stage must judge it) and 2 MB (over it: the broker refuses it, which is
 * that input's outcome). A case applies one to three mutations; each keeps the input invalid on its own,
 * so their sum is invalid too (a mutation whose target an earlier one removed is skipped).
 *
 * <p>Forged inter-stage events ({@code lora.dataset.prepared}, {@code lora.adapter.trained},
 * {@code lora.evaluation.completed}) start from a well-formed event of the run and break it: a URI
 * outside the run's own folder (another run, {@code ..}, another bucket, a prefix that only looks
 * alike), URIs, manifests and results of the wrong JSON type, required fields missing, an event
 * requestId that is invalid or differs from its request's, a missing or mutated embedded request (any
 * request mutation above), a document that is not an object, and random bytes.
 *
 * <p>Ids: a case whose mutation keeps a requestId uses the record key as that id
 * ({@code {prefix}-{index}}); a case without a usable id is matched by its record key alone, which a
 * failure carries when no requestId could be read. Hostile keys start with the prefix too.
 *
 * <p>Not in the catalogue, because they are valid: values inside their range however large (a
 * {@code training.maxSteps} of 2^31-1, an {@code alpha} of 1e308), free text of any length or script
 * (a prompt, a metric name), enum values in another case, and patterns that are valid RE2 however
 * hostile for a backtracking engine ({@code (a+)+$}): a request carrying them would start a run.
 */
final class HostileInputs {
    /** Where a case is sent. */
    enum Route {
        KAFKA,
        HTTP
    }

    /**
     * One hostile input.
     *
     * @param key the record key (Kafka) and the id the outcome is matched by
     * @param codes the failure codes that answer it correctly
     * @param oversize larger than the broker accepts: its outcome is the broker's refusal (Kafka), a 413 (HTTP)
     */
    record Case(
            long seed,
            int index,
            String mutation,
            Route route,
            String topic,
            String key,
            byte[] value,
            Map<String, String> headers,
            Set<String> codes,
            boolean oversize) {

        /** Seed, index, route, mutation and the bytes, cut to a readable length. */
        String describe() {
            String text = value == null ? "(tombstone)" : new String(value, StandardCharsets.UTF_8);
            return "seed " + seed + " #" + index + " " + route + " " + topic + " [" + mutation + "] key="
                    + readable(key, 120) + " (" + (value == null ? 0 : value.length) + " bytes) " + readable(text, 400);
        }
    }

    /** A record of more than 1 MiB: the broker's default {@code message.max.bytes} (1,048,588) refuses it. */
    static final int OVER_BROKER_LIMIT = 2 * 1024 * 1024;
    /** Under the broker's limit with room for the dead letter's headers. */
    static final int UNDER_BROKER_LIMIT = 1_000_000;

    private static final Set<String> INVALID = Set.of(ErrorCodes.INVALID_REQUEST);
    private static final Set<String> NOT_JSON = Set.of(ErrorCodes.NOT_JSON);
    private static final Set<String> EITHER = Set.of(ErrorCodes.INVALID_REQUEST, ErrorCodes.NOT_JSON);
    private static final String MARK = "\u0001raw";
    /** The key of {@code raw} whose value replaces the whole document. */
    private static final String WHOLE = "\u0001whole";

    private static final List<String> EVENT_TOPICS =
            List.of(Topics.DATASET_PREPARED, Topics.ADAPTER_TRAINED, Topics.EVALUATION_COMPLETED);

    private final long seed;
    private final String prefix;
    private final JsonNode schema;
    private final Random random;

    /** The mutations of the rich request, derived once (they do not depend on the id). */
    private final List<Mutation> catalogue = new ArrayList<>();

    /** @param prefix starts every key and id of this run (letters, digits, '-'; unique per run) */
    HostileInputs(long seed, String prefix, Path projectRoot) {
        this.seed = seed;
        this.prefix = prefix;
        this.random = new Random(seed);
        try {
            this.schema = Json.mapper()
                    .readTree(projectRoot
                            .resolve("docs/training-requested.schema.json")
                            .toFile());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        walk(schema, richRequest("x"), "", true, true);
        addCrossFieldMutations();
    }

    int catalogueSize() {
        return catalogue.size();
    }

    /**
     * A valid request that sets every field of the schema, so that every field can be mutated: a generation
     * task with a uri, an inline check with expect and regex, rank and alpha patterns, and a merge gate.
     */
    static ObjectNode richRequest(String id) {
        String json =
                """
                {"schemaVersion": 1, "occurredAt": "2026-11-29T10:15:30Z", "requestId": "%s",
                 "baseModel": "s3://lora/models/stories260K",
                 "dataset": {"uri": "s3://lora/data/stories-instruct/train.jsonl", "format": "alpaca",
                   "promptTemplate": "alpaca", "maxSeqLength": 256, "validationFraction": 0.05, "deduplicate": true,
                   "maskPrompt": true, "pack": false, "nearDuplicateThreshold": 0.85, "truncate": false,
                   "maxBadFraction": 0.1},
                 "lora": {"r": 8, "alpha": 16, "dropout": 0.05, "targetModules": ["q_proj", "v_proj"],
                   "rankPattern": {"q_proj": 4}, "alphaPattern": {"v_proj": 8}, "useRslora": false},
                 "quantization": {"type": "none", "doubleQuant": false, "blockSize": 64},
                 "training": {"optimizer": "adamw", "learningRate": 0.0003, "weightDecay": 0.01, "momentum": 0.9,
                   "scheduler": "cosine", "warmupSteps": 10, "epochs": 1, "maxSteps": 20, "microBatchSize": 4,
                   "gradientAccumulationSteps": 1, "gradClipNorm": 1.0, "seed": 42, "checkpointEverySteps": 50,
                   "gradientCheckpointing": false},
                 "evaluation": {"tasks": [{"name": "perplexity"},
                   {"name": "generation", "label": "gen", "uri": "s3://lora/data/stories-instruct/eval-unseen-names.jsonl",
                    "limit": 2, "maxTokens": 16, "prompts": [{"prompt": "Once", "expect": ["a"], "regex": "[a-z]+"}]}]},
                 "merge": {"enabled": true, "dtype": "float32", "maxShardBytes": 2147483648,
                   "gate": {"task": "perplexity", "metric": "perplexity", "tolerance": 0.5}}}
                """
                        .formatted(id);
        try {
            return (ObjectNode) Json.mapper().readTree(json);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** {@code n} cases: about 55% requests on Kafka, 25% forged events, 20% requests over HTTP. */
    List<Case> generate(int n) {
        List<Case> cases = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            double roll = random.nextDouble();
            Route route = roll < 0.8 ? Route.KAFKA : Route.HTTP;
            String key = prefix + "-" + i;
            if (roll >= 0.55 && roll < 0.8) {
                cases.add(event(i, key));
            } else {
                cases.add(request(i, key, route));
            }
        }
        return cases;
    }

    // ---------------------------------------------------------------- requests

    /** A mutation of a request tree; returns false when its target is gone (an earlier mutation removed it). */
    private interface Change {
        boolean apply(ObjectNode root, Map<String, String> raw);
    }

    private record Mutation(String name, Change change, Set<String> codes) {}

    private Case request(int i, String key, Route route) {
        double roll = random.nextDouble();
        if (roll < 0.08) {
            return bytesCase(i, key, route, Topics.TRAINING_REQUESTED);
        }
        if (roll < 0.11) {
            return oversize(i, key, route);
        }
        if (roll < 0.14 && route == Route.KAFKA) {
            return hostileKey(i, route);
        }
        Mutated m = mutate(richRequest(key));
        Map<String, String> headers = route == Route.KAFKA && random.nextInt(10) == 0 ? hostileHeaders() : Map.of();
        return new Case(
                seed,
                i,
                m.name + (headers.isEmpty() ? "" : " +headers"),
                route,
                Topics.TRAINING_REQUESTED,
                key,
                m.text.getBytes(StandardCharsets.UTF_8),
                headers,
                m.codes,
                false);
    }

    private record Mutated(String name, String text, Set<String> codes) {}

    /** One to three catalogue mutations applied to {@code root}, written as JSON text. */
    private Mutated mutate(ObjectNode root) {
        int wanted = 1 + (random.nextInt(4) == 0 ? 1 + random.nextInt(2) : 0);
        Map<String, String> raw = new LinkedHashMap<>();
        List<String> names = new ArrayList<>();
        boolean notJson = true; // every mutation applied makes it not JSON
        boolean maybeNotJson = false; // some does: which problem the reader meets first depends on the order
        for (int tries = 0; names.size() < wanted && tries < 20; tries++) {
            Mutation m = catalogue.get(random.nextInt(catalogue.size()));
            if (m.change.apply(root, raw)) {
                names.add(m.name);
                notJson &= m.codes.equals(NOT_JSON);
                maybeNotJson |= m.codes.contains(ErrorCodes.NOT_JSON);
            }
        }
        String text = Json.write(root);
        for (var e : raw.entrySet()) {
            text = text.replace(Json.write(e.getKey()), e.getValue());
        }
        if (raw.containsKey(WHOLE)) {
            text = raw.get(WHOLE);
        }
        Set<String> codes = notJson ? NOT_JSON : maybeNotJson ? EITHER : INVALID;
        return new Mutated(String.join(" + ", names), text, codes);
    }

    /** Derives the catalogue from the schema, walked beside the rich request. */
    private void walk(JsonNode s, JsonNode value, String pointer, boolean required, boolean swaps) {
        String field = pointer.isEmpty() ? "(root)" : pointer.substring(1).replace('/', '.');
        if (!pointer.isEmpty() && swaps) {
            for (String wrong : wrongTypes(s)) {
                add(field + " := " + wrong, pointer, wrong, INVALID);
            }
            if (required) {
                add(field + " removed", pointer, null, INVALID);
                add(field + " := null", pointer, "null", INVALID);
            }
        }
        if (s.has("oneOf")) {
            for (JsonNode branch : s.get("oneOf")) {
                if (value.isArray() == "array".equals(branch.path("type").asText())) {
                    walk(branch, value, pointer, false, false); // the field's own swaps are done above
                    return;
                }
            }
        }
        String type = s.path("type").asText();
        switch (type) {
            case "object" -> {
                JsonNode props = s.path("properties");
                Set<String> req = new java.util.HashSet<>();
                s.path("required").forEach(r -> req.add(r.asText()));
                for (Iterator<String> it = props.fieldNames(); it.hasNext(); ) {
                    String name = it.next();
                    if (value.has(name)) {
                        walk(props.get(name), value.get(name), pointer + "/" + name, req.contains(name), true);
                    }
                }
                JsonNode additional = s.path("additionalProperties");
                if (additional.isObject()) { // a pattern map: fragment -> number
                    for (Iterator<String> it = value.fieldNames(); it.hasNext(); ) {
                        String key = it.next();
                        walk(additional, value.get(key), pointer + "/" + key, false, true);
                    }
                    for (String pattern : HOSTILE_PATTERNS) {
                        add(
                                field + " key " + readable(pattern, 40),
                                pointer,
                                "{" + Json.write(pattern) + ": 2}",
                                INVALID);
                    }
                } else {
                    String unknown = unknownField(props);
                    catalogue.add(new Mutation(
                            field + " + unknown field '" + unknown + "'",
                            (root, raw) ->
                                    root.at(pointer) instanceof ObjectNode o && o.set(unknown, o.numberNode(1)) != null,
                            INVALID));
                    if (value.size() > 0) {
                        String first = value.fieldNames().next();
                        add(field + " key '" + first + "' twice", pointer, duplicateKey(value, first), INVALID);
                    }
                }
            }
            case "array" -> {
                if (s.path("minItems").asInt(0) > 0) {
                    add(field + " := []", pointer, "[]", INVALID);
                }
                for (int i = 0; i < value.size(); i++) {
                    walk(s.path("items"), value.get(i), pointer + "/" + i, false, true);
                }
            }
            case "integer" -> integers(s, field, pointer, !pointer.contains("Pattern/"));
            case "number" -> numbers(s, field, pointer);
            case "string" -> strings(s, field, pointer);
            default -> {}
        }
    }

    /** Values of every JSON type the field does not take. */
    private static List<String> wrongTypes(JsonNode s) {
        if (s.has("oneOf")) { // a string, or a list of strings
            return List.of("7", "true", "{}", "[1]", "[[]]");
        }
        return switch (s.path("type").asText()) {
            case "string" -> List.of("7", "1.5", "true", "{\"a\": 1}", "[1]");
            case "integer" -> List.of("\"8\"", "8.5", "true", "{}", "[8]");
            case "number" -> List.of("\"0.5\"", "true", "{}", "[0.5]");
            case "boolean" -> List.of("\"true\"", "1", "0", "{}", "[true]");
            case "object" -> List.of("\"x\"", "1", "true", "[]");
            case "array" -> List.of("\"x\"", "1", "{}");
            default -> List.of();
        };
    }

    /**
     * @param exponent whether {@code 1e2} is refused: the parser takes only integer tokens for integer fields,
     *     but reads rankPattern values as numbers, and to JSON Schema 1e2 is the integer 100 (not a finding)
     */
    private void integers(JsonNode s, String field, String pointer, boolean exponent) {
        for (String v : List.of("100000000000000000000", "-100000000000000000000", "1e400", "-1e400")) {
            add(field + " := " + v, pointer, v, INVALID);
        }
        if (exponent) {
            add(field + " := 1e2", pointer, "1e2", INVALID);
        }
        if (s.has("const")) {
            add(field + " := const+1", pointer, String.valueOf(s.get("const").asLong() + 1), INVALID);
        }
        if (s.has("minimum")) {
            add(
                    field + " below minimum",
                    pointer,
                    String.valueOf(s.get("minimum").asLong() - 1),
                    INVALID);
            add(field + " := -2147483648", pointer, "-2147483648", INVALID);
        }
        if (s.has("maximum")) {
            add(
                    field + " above maximum",
                    pointer,
                    String.valueOf(s.get("maximum").asLong() + 1),
                    INVALID);
            add(field + " := 2147483648", pointer, "2147483648", INVALID);
        }
    }

    private void numbers(JsonNode s, String field, String pointer) {
        for (String v : List.of("1e400", "-1e400")) {
            add(field + " := " + v, pointer, v, INVALID);
        }
        add(field + " := NaN", pointer, "NaN", NOT_JSON); // not a JSON token at all
        if (s.has("minimum")) {
            add(
                    field + " below minimum",
                    pointer,
                    String.valueOf(s.get("minimum").asDouble() - 0.001),
                    INVALID);
            add(field + " := -1e308", pointer, "-1e308", INVALID);
        }
        if (s.has("exclusiveMinimum")) {
            double min = s.get("exclusiveMinimum").asDouble();
            add(field + " at exclusive minimum", pointer, String.valueOf(min), INVALID);
            add(field + " := -1", pointer, String.valueOf(min - 1), INVALID);
            if (min == 0) {
                add(field + " := 1e-400 (reads as 0)", pointer, "1e-400", INVALID);
            }
        }
        if (s.has("maximum")) {
            add(
                    field + " above maximum",
                    pointer,
                    String.valueOf(s.get("maximum").asDouble() + 0.001),
                    INVALID);
            add(field + " := 1e308", pointer, "1e308", INVALID);
        }
        if (s.has("exclusiveMaximum")) {
            add(
                    field + " at exclusive maximum",
                    pointer,
                    String.valueOf(s.get("exclusiveMaximum").asDouble()),
                    INVALID);
        }
    }

    private void strings(JsonNode s, String field, String pointer) {
        if (s.has("enum")) {
            for (String v : List.of("nonsense", "", "ålpaca", "\\u0000", "\\ud800", "x".repeat(5000))) {
                add(field + " := enum '" + readable(v, 12) + "'", pointer, "\"" + v + "\"", INVALID);
            }
        }
        String pattern = s.path("pattern").asText("");
        if (pattern.startsWith("^s3://")) {
            for (String uri : HOSTILE_URIS) {
                add(field + " := " + readable(uri, 40), pointer, Json.write(uri), INVALID);
            }
        } else if (pattern.startsWith("^[A-Za-z0-9]")) {
            int max = pattern.contains("{0,127}") ? 128 : 64;
            for (String id : hostileIds(max)) {
                add(
                        field + " := " + readable(id, 40),
                        pointer,
                        id.startsWith("\\u") ? "\"" + id + "\"" : Json.write(id),
                        INVALID);
            }
        } else if ("date-time".equals(s.path("format").asText())) {
            for (String t : List.of("yesterday", "2026-02-30T00:00:00Z", "2026-11-29 10:15:30", "", "\\ud83d")) {
                add(field + " := '" + t + "'", pointer, "\"" + t + "\"", INVALID);
            }
        } else if (pointer.endsWith("/regex")) {
            for (String p : HOSTILE_PATTERNS) {
                add(field + " := " + readable(p, 40), pointer, Json.write(p), INVALID);
            }
        } else if (pointer.endsWith("/metric")) {
            add(field + " blank", pointer, "\"   \"", INVALID);
        } else if (pointer.endsWith("/gate/task")) {
            add(field + " names no task", pointer, "\"no-such-task\"", INVALID);
        }
    }

    /** Rules across fields, each against the rich request. */
    private void addCrossFieldMutations() {
        add("quantization.doubleQuant without nf4", "/quantization/doubleQuant", "true", INVALID);
        add(
                "evaluation.tasks: two with one label",
                "/evaluation/tasks/0",
                "{\"name\": \"perplexity\", \"label\": \"gen\"}",
                INVALID);
        add("evaluation.tasks[1]: arc without uri", "/evaluation/tasks/1", "{\"name\": \"arc\"}", INVALID);
        add(
                "evaluation.tasks[1]: generation without prompts or uri",
                "/evaluation/tasks/1",
                "{\"name\": \"generation\"}",
                INVALID);
        add("prompts[0] without expect or regex", "/evaluation/tasks/1/prompts/0", "{\"prompt\": \"Once\"}", INVALID);
        for (int depth : List.of(200, 999, 1001, 5000, 100_000)) {
            String deep = "[".repeat(depth) + "]".repeat(depth);
            // the JSON reader refuses more than 1,000 levels, counting the objects around the value
            Set<String> codes = depth < 900 ? INVALID : EITHER;
            add("nesting " + depth + " deep in lora.targetModules", "/lora/targetModules", deep, codes);
            add("nesting " + depth + " deep in an unknown field", "/training", "{\"deep\": " + deep + "}", codes);
        }
        add("dataset := {} (uri missing)", "/dataset", "{}", INVALID);
        add("root := []", "", "[]", INVALID);
    }

    private void add(String name, String pointer, String rawValue, Set<String> codes) {
        catalogue.add(new Mutation(name, (root, raw) -> replace(root, pointer, rawValue, raw), codes));
    }

    /** Puts {@code rawValue} (JSON text, or null to remove) at {@code pointer}; false when the parent is gone. */
    private static boolean replace(ObjectNode root, String pointer, String rawValue, Map<String, String> raw) {
        if (pointer.isEmpty()) { // the whole document
            raw.put(WHOLE, rawValue);
            return true;
        }
        int slash = pointer.lastIndexOf('/');
        JsonNode parent = root.at(pointer.substring(0, slash));
        String last = pointer.substring(slash + 1);
        String mark = MARK + raw.size();
        if (parent instanceof ObjectNode o && o.has(last)) {
            if (rawValue == null) {
                o.remove(last);
            } else {
                o.set(last, TextNode.valueOf(mark));
                raw.put(mark, rawValue);
            }
            return true;
        }
        if (parent instanceof ArrayNode a && last.matches("\\d+") && Integer.parseInt(last) < a.size()) {
            if (rawValue == null) {
                a.remove(Integer.parseInt(last));
            } else {
                a.set(Integer.parseInt(last), TextNode.valueOf(mark));
                raw.put(mark, rawValue);
            }
            return true;
        }
        return false;
    }

    /** A near miss of one of the object's names (the parser suggests the right one). */
    private String unknownField(JsonNode props) {
        List<String> names = new ArrayList<>();
        props.fieldNames().forEachRemaining(names::add);
        return names.isEmpty() ? "x" : names.get(random.nextInt(names.size())).toLowerCase(java.util.Locale.ROOT) + "s";
    }

    /** The object's text with {@code key} given twice (once more at the start). */
    private static String duplicateKey(JsonNode object, String key) {
        String text = Json.write(object);
        return "{" + Json.write(key) + ":" + Json.write(object.get(key)) + "," + text.substring(1);
    }

    private static List<String> hostileIds(int max) {
        return List.of(
                "",
                "-starts-with-dash",
                "x".repeat(max + 1),
                "y".repeat(100_000),
                "réquest",
                "😀",
                "id with spaces",
                "id\nnewline",
                "id\u0000nul",
                "id\u202eevil",
                "id\u200bzero-width",
                "../escape",
                "a/b",
                "\\ud800lone");
    }

    static final List<String> HOSTILE_URIS = List.of(
            "s3://other/models/stories260K",
            "s3://lora/",
            "s3://lora",
            "s3://lora/a/../../other/x",
            "s3://lora/./data/x.jsonl",
            "s3://lora/data//x.jsonl",
            "s3://lora/data/..",
            "s3://lora/data/x\u0000.jsonl",
            "s3://lora/data/x\n.jsonl",
            "http://169.254.169.254/latest/meta-data/",
            "file:///etc/passwd",
            "S3://lora/data/x.jsonl",
            "s3://lora/" + "k".repeat(1025),
            "s3://lora/" + "é".repeat(513),
            "");

    static final List<String> HOSTILE_PATTERNS = List.of(
            "(q)\\1",
            "q_proj(?=x)",
            "(?<=self_attn\\.)q_proj",
            "(?!v)_proj",
            "(",
            "[z-a]",
            "*q",
            "a**",
            "a{1001}",
            "((((a{1000}){1000}){1000}){1000})",
            "((a{100}){100}){100}",
            "\\p{NoSuchClass}",
            "(?P<n>a)(?P=n)",
            "q".repeat(257),
            "(".repeat(300) + ")".repeat(300));

    // ---------------------------------------------------------------- bytes, size, keys, headers

    private Case bytesCase(int i, String key, Route route, String topic) {
        int kind = random.nextInt(6);
        byte[] value;
        String name;
        Set<String> codes = NOT_JSON;
        switch (kind) {
            case 0 -> {
                value = new byte[1 + (int) Math.pow(2, random.nextDouble() * 14)];
                random.nextBytes(value);
                name = "random bytes";
                codes = EITHER; // a few random bytes can be a JSON number
            }
            case 1 -> {
                String full = Json.write(richRequest(key));
                value = full.substring(0, 1 + random.nextInt(full.length() - 2)).getBytes(StandardCharsets.UTF_8);
                name = "truncated JSON";
            }
            case 2 -> {
                value = List.of("[]", "\"text\"", "42", "null", "true", "[{\"requestId\": \"" + key + "\"}]")
                        .get(random.nextInt(6))
                        .getBytes(StandardCharsets.UTF_8);
                name = "JSON that is not an object";
                codes = INVALID;
            }
            case 3 -> {
                value = route == Route.KAFKA && random.nextBoolean() ? null : new byte[0];
                name = value == null ? "tombstone" : "empty";
                codes = route == Route.HTTP ? EITHER : NOT_JSON;
            }
            case 4 -> {
                // a byte that is no UTF-8 at the start of the id: read as U+FFFD, which no id may hold
                value = Json.write(richRequest(key))
                        .replace("\"requestId\":\"", "\"requestId\":\"\u00ff")
                        .getBytes(StandardCharsets.ISO_8859_1);
                name = "invalid UTF-8 in the requestId";
                codes = EITHER;
            }
            default -> {
                value = "{\"requestId\": NaN}".getBytes(StandardCharsets.UTF_8);
                name = "NaN literal";
            }
        }
        return new Case(seed, i, name, route, topic, key, value, Map.of(), codes, false);
    }

    private Case oversize(int i, String key, Route route) {
        boolean over = random.nextBoolean();
        int size = over ? OVER_BROKER_LIMIT : UNDER_BROKER_LIMIT;
        byte[] value;
        String name;
        Set<String> codes;
        if (random.nextBoolean()) {
            ObjectNode r = richRequest(key);
            r.put("padding", "p".repeat(size - Json.write(r).length() - 20));
            value = Json.write(r).getBytes(StandardCharsets.UTF_8);
            name = "oversize " + value.length + " B request with an unknown field";
            codes = INVALID;
        } else {
            value = new byte[size];
            random.nextBytes(value);
            name = "oversize " + size + " B random bytes";
            codes = EITHER;
        }
        return new Case(seed, i, name, route, Topics.TRAINING_REQUESTED, key, value, Map.of(), codes, over);
    }

    /** A record key of unicode, control characters or 10 KB; the request's id is invalid, so the key answers. */
    private Case hostileKey(int i, Route route) {
        String tail = List.of("-é😀\u202e", "-\u0000\n\t", "-" + "k".repeat(10_000), "- ../../etc")
                .get(random.nextInt(4));
        String key = prefix + "-" + i + tail;
        ObjectNode r = richRequest("bad id " + i);
        return new Case(
                seed,
                i,
                "hostile record key",
                route,
                Topics.TRAINING_REQUESTED,
                key,
                Json.write(r).getBytes(StandardCharsets.UTF_8),
                Map.of(),
                INVALID,
                false);
    }

    private Map<String, String> hostileHeaders() {
        return Map.of(
                "ce_type",
                Topics.MODEL_MERGED,
                "ce_specversion",
                "99",
                "content-type",
                "text/html; charset=EBCDIC",
                "ce_id",
                "x".repeat(2000));
    }

    // ---------------------------------------------------------------- events

    private Case event(int i, String key) {
        String topic = EVENT_TOPICS.get(random.nextInt(EVENT_TOPICS.size()));
        if (random.nextInt(12) == 0) {
            return bytesCase(i, key, Route.KAFKA, topic);
        }
        ObjectNode e = validEvent(topic, key);
        String name;
        String text;
        Set<String> codes = INVALID;
        String uriField = topic.equals(Topics.DATASET_PREPARED) ? "datasetUri" : "adapterUri";
        int kind = random.nextInt(8);
        switch (kind) {
            case 0, 1 -> {
                String uri = forgedUri(topic, key, uriField);
                String f = topic.equals(Topics.EVALUATION_COMPLETED) && random.nextBoolean() ? "reportUri" : uriField;
                if (f.equals("reportUri")) {
                    uri = uri.replace("/adapter/", "/eval/");
                }
                e.put(f, uri);
                name = "event " + f + " := " + readable(uri, 60);
            }
            case 2 -> {
                String wrong =
                        List.of("{\"a\": 1}", "[\"s3://lora/\"]", "7", "true").get(random.nextInt(4));
                String field = topic.equals(Topics.DATASET_PREPARED) && random.nextBoolean()
                        ? "manifest"
                        : topic.equals(Topics.EVALUATION_COMPLETED) && random.nextBoolean() ? "results" : uriField;
                if (!field.equals(uriField)) {
                    wrong = List.of("\"x\"", "[1]", "7").get(random.nextInt(3));
                }
                e.put(field, MARK);
                name = "event " + field + " := " + wrong;
                text = Json.write(e).replace(Json.write(MARK), wrong);
                return eventCase(i, topic, key, name, text, codes);
            }
            case 3 -> {
                List<String> required = topic.equals(Topics.DATASET_PREPARED)
                        ? List.of("datasetUri", "manifest", "request", "requestId")
                        : topic.equals(Topics.ADAPTER_TRAINED)
                                ? List.of("adapterUri", "request", "requestId")
                                : List.of("adapterUri", "results", "request", "requestId");
                String field = required.get(random.nextInt(required.size()));
                if (random.nextBoolean()) {
                    e.remove(field);
                    name = "event without " + field;
                } else {
                    e.putNull(field);
                    name = "event " + field + " := null";
                }
            }
            case 4 -> {
                if (random.nextBoolean()) {
                    ((ObjectNode) e.get("request")).put("requestId", key + "-other");
                    name = "event requestId differs from its request's";
                } else {
                    String bad = hostileIds(128).get(random.nextInt(14));
                    e.put("requestId", bad);
                    ((ObjectNode) e.get("request")).put("requestId", bad);
                    name = "event requestId := " + readable(bad, 30);
                }
            }
            case 5 -> {
                String wrong = List.of("[]", "\"text\"", "42", "null").get(random.nextInt(4));
                if (random.nextBoolean()) {
                    e.put("request", MARK);
                    name = "event request := " + wrong;
                    text = Json.write(e).replace(Json.write(MARK), wrong);
                } else {
                    name = "event := " + wrong;
                    text = wrong;
                }
                return eventCase(i, topic, key, name, text, codes);
            }
            case 6 -> {
                ObjectNode manifestOrMetrics =
                        topic.equals(Topics.DATASET_PREPARED) ? (ObjectNode) e.get("manifest") : null;
                if (manifestOrMetrics != null) {
                    manifestOrMetrics.set("recordsIn", TextNode.valueOf(MARK));
                    name = "event manifest.recordsIn := {}";
                    text = Json.write(e).replace(Json.write(MARK), "{}");
                    return eventCase(i, topic, key, name, text, codes);
                }
                e.put("adapterUri", "s3://lora/runs/" + key + "/adapter/../../other/adapter/");
                name = "event adapterUri climbs out with ..";
            }
            default -> {
                Mutated m = mutate((ObjectNode) e.get("request"));
                e.set("request", TextNode.valueOf(MARK));
                text = Json.write(e).replace(Json.write(MARK), m.text);
                return eventCase(i, topic, key, "event request: " + m.name, text, m.codes);
            }
        }
        return eventCase(i, topic, key, name, Json.write(e), codes);
    }

    private Case eventCase(int i, String topic, String key, String name, String text, Set<String> codes) {
        return new Case(
                seed, i, name, Route.KAFKA, topic, key, text.getBytes(StandardCharsets.UTF_8), Map.of(), codes, false);
    }

    private String forgedUri(String topic, String key, String field) {
        String folder = topic.equals(Topics.DATASET_PREPARED) ? "datasets/" + key + "/" : "runs/" + key + "/adapter/";
        List<String> forged = List.of(
                "s3://lora/" + folder.replace(key, "someone-else"),
                "s3://lora/" + folder + "../../someone-else/",
                "s3://lora/" + folder.replace(key + "/", key + "x/"),
                "s3://lora/" + folder.substring(0, folder.length() - 1),
                "s3://other/" + folder,
                "s3://lora/" + folder + "a//b",
                "s3://lora/" + folder + "x\u0000",
                "s3://lora/models/stories260K/",
                "http://169.254.169.254/" + folder,
                "");
        return forged.get(random.nextInt(forged.size()));
    }

    /** A well-formed event of the run on {@code topic} (never sent as it is). */
    static ObjectNode validEvent(String topic, String id) {
        ObjectNode e = Json.mapper().createObjectNode();
        e.put("schemaVersion", 1);
        e.put("requestId", id);
        e.put("occurredAt", "2026-11-29T10:15:30.123Z");
        e.set("request", richRequest(id));
        switch (topic) {
            case Topics.DATASET_PREPARED -> {
                e.put("datasetUri", "s3://lora/datasets/" + id + "/");
                ObjectNode m = e.putObject("manifest");
                m.put("recordsIn", 10)
                        .put("recordsOut", 9)
                        .put("duplicatesExact", 0)
                        .put("duplicatesNear", 0);
                m.putObject("dropped").put("empty", 1);
                m.put("trainExamples", 8).put("validationExamples", 1).put("trainTokens", 800);
                m.put("validationTokens", 100).put("maxSequenceLength", 256).put("template", "alpaca");
                m.put("tokenizerSha256", "0".repeat(64));
            }
            case Topics.ADAPTER_TRAINED -> e.put("adapterUri", "s3://lora/runs/" + id + "/adapter/");
            default -> {
                e.put("adapterUri", "s3://lora/runs/" + id + "/adapter/");
                e.putObject("results").putObject("perplexity").putObject("base").put("perplexity", 3.0);
                e.put("reportUri", "s3://lora/runs/" + id + "/eval/report.json");
            }
        }
        return e;
    }

    /** Control characters as \\uXXXX, the rest as is, cut to {@code max} characters. */
    static String readable(String s, int max) {
        if (s == null) {
            return "null";
        }
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < s.length() && b.length() < max; i++) {
            char c = s.charAt(i);
            if (c < 0x20 || c == 0x7f || Character.isSurrogate(c) || (c >= 0x200b && c <= 0x202e)) {
                b.append(String.format("\\u%04x", (int) c));
            } else {
                b.append(c);
            }
        }
        return s.length() > max ? b + "...(" + s.length() + " chars)" : b.toString();
    }
}
