package org.lorapipe.contract.request;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.lorapipe.contract.BucketLayout;
import org.lorapipe.contract.json.Json;

/**
 * Turns a TrainingRequested JSON document into a {@link TrainingRequest}: fills every default listed in
 * docs/CONTRACT.md and checks every rule, collecting ALL problems into one
 * {@link InvalidRequestException} whose message says how to fix each. The services, {@code lora submit}
 * and the HTTP endpoint all use this one parser, so a request is judged the same way everywhere.
 */
public final class RequestParser {
    /** Letters, digits, '.', '_' and '-': the id names a folder in storage and is the Kafka key. */
    public static final Pattern REQUEST_ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,127}");

    /** An evaluation task's label: the key of its results. */
    public static final Pattern TASK_LABEL = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,63}");

    private final String bucket;

    /** @param bucket the only bucket request URIs may point into */
    public RequestParser(String bucket) {
        this.bucket = bucket;
    }

    private static final com.fasterxml.jackson.databind.ObjectReader STRICT = Json.mapper()
            .reader()
            .withFeatures(com.fasterxml.jackson.core.JsonParser.Feature.STRICT_DUPLICATE_DETECTION);

    /** Parses JSON text; a document that is not JSON at all is a {@link NotJsonException}. */
    public TrainingRequest parse(String json) {
        return parse(readTree(json));
    }

    /**
     * The JSON tree of a record; a record that is not JSON at all is a {@link NotJsonException}, one with
     * a key twice in an object (JSON parsers disagree on which one wins) an {@link InvalidRequestException}.
     */
    public static JsonNode readTree(String json) {
        JsonNode node;
        try {
            node = STRICT.readTree(json);
        } catch (JsonProcessingException e) {
            String detail = e.getOriginalMessage();
            if (detail != null && detail.startsWith("Duplicate field")) {
                throw new InvalidRequestException(
                        null,
                        List.of(Problems.cut(detail) + " in one object: give each key once (which one counts is not"
                                + " defined)"));
            }
            throw new NotJsonException(detail);
        }
        if (node == null || node.isMissingNode()) { // Jackson reads no content as a missing node
            throw new NotJsonException("the record is empty");
        }
        return node;
    }

    /** Parses a JSON tree, applying defaults; throws with every problem found. */
    public TrainingRequest parse(JsonNode node) {
        Problems problems = new Problems();
        Fields root = new Fields(node, "", problems);
        checkEnvelope(root.raw("schemaVersion"), root.raw("occurredAt"), problems);

        String requestId = root.string("requestId", null);
        if (requestId == null) {
            problems.add("requestId is required: a short id of letters, digits, '.', '_' or '-' that names the run,"
                    + " e.g. \"stories-r8\"");
        } else if (!REQUEST_ID.matcher(requestId).matches()) {
            problems.add(
                    "requestId",
                    "must be 1-128 letters, digits, '.', '_' or '-' starting with a letter or digit",
                    requestId);
            requestId = null;
        }

        String baseModel = root.string("baseModel", null);
        if (baseModel == null) {
            problems.add("baseModel is required: the s3:// URI of a model folder in Hugging Face layout, e.g. \"s3://"
                    + bucket + "/models/stories260K\" (put one there with `lora import`)");
        } else {
            checkUri(problems, "baseModel", baseModel);
        }

        DatasetSpec dataset = dataset(root.object("dataset"), problems);
        LoraSpec lora = lora(root.object("lora"), problems);
        QuantizationSpec quantization = quantization(root.object("quantization"), problems);
        TrainingSpec training = training(root.object("training"), problems);
        EvaluationSpec evaluation = evaluation(root, problems);
        MergeSpec merge = merge(root.object("merge"), evaluation, problems);
        root.rejectUnknown();

        if (!problems.isEmpty()) {
            throw new InvalidRequestException(requestId, problems.list(), problems.total());
        }
        return new TrainingRequest(requestId, baseModel, dataset, lora, quantization, training, evaluation, merge);
    }

    /**
     * The envelope every request and event carries: {@code schemaVersion} 1 and {@code occurredAt} an
     * ISO-8601 instant, each when given.
     */
    public static void checkEnvelope(JsonNode version, JsonNode occurredAt, Problems problems) {
        if (!version.isMissingNode() && !version.isNull() && !(version.isInt() && version.intValue() == 1)) {
            problems.add("schemaVersion", "must be 1 (the version of this contract) when given", version);
        }
        if (!occurredAt.isMissingNode() && !occurredAt.isNull() && !isInstant(occurredAt)) {
            problems.add(
                    "occurredAt",
                    "must be an ISO-8601 instant such as \"2026-11-29T10:15:30Z\" when given",
                    occurredAt);
        }
    }

    private static boolean isInstant(JsonNode value) {
        if (!value.isTextual()) {
            return false;
        }
        try {
            java.time.Instant.parse(value.textValue());
            return true;
        } catch (java.time.format.DateTimeParseException e) {
            return false;
        }
    }

    /** Whether {@code key} has no {@code .}, {@code ..} or empty segment (a trailing {@code /} is fine). */
    public static boolean isNormalisedKey(String key) {
        String[] segments = key.split("/", -1);
        for (int i = 0; i < segments.length; i++) {
            String s = segments[i];
            if (s.equals(".") || s.equals("..") || (s.isEmpty() && i < segments.length - 1)) {
                return false;
            }
        }
        return true;
    }

    /** Whether {@code text} holds a control character (line breaks, tabs, NUL, DEL). */
    public static boolean hasControlCharacter(String text) {
        return text.chars().anyMatch(c -> c < 0x20 || c == 0x7f);
    }

    /** Longest S3 object key, in UTF-8 bytes (S3's own limit). */
    static final int MAX_KEY_BYTES = 1024;

    /**
     * A URI must name a normalised key inside the bucket: no {@code .} or {@code ..} segment, no empty
     * segment, no control character (they would reach logs and file names), at most
     * {@value #MAX_KEY_BYTES} bytes.
     */
    private void checkUri(Problems problems, String path, String uri) {
        String prefix = "s3://" + bucket + "/";
        if (!uri.startsWith(prefix) || uri.length() == prefix.length()) {
            problems.add(path, "must be an s3:// URI inside bucket '" + bucket + "' (e.g. " + prefix + "...)", uri);
            return;
        }
        String key = uri.substring(prefix.length());
        if (!isNormalisedKey(key)) {
            problems.add(path, "must name a normalised key: no '.', '..' or empty path segments", uri);
        }
        if (hasControlCharacter(key)) {
            problems.add(path, "must not contain control characters (line breaks, tabs, NUL)", uri);
        }
        int bytes = key.getBytes(java.nio.charset.StandardCharsets.UTF_8).length;
        if (bytes > MAX_KEY_BYTES) {
            problems.add(path, "must have a key of at most " + MAX_KEY_BYTES + " bytes, this one has " + bytes, uri);
        }
        // what the stages write belongs to its run (and its owner): a request reads inputs, not other runs
        for (String owned : List.of(BucketLayout.RUNS, BucketLayout.DATASETS)) {
            if (key.startsWith(owned)) {
                problems.add(
                        path,
                        "must not point into '" + owned + "', where the pipeline keeps each run's own results; to"
                                + " start from a merged model, `lora pull` it and `lora import` it under models/",
                        uri);
            }
        }
    }

    private DatasetSpec dataset(Fields f, Problems problems) {
        if (!f.present()) {
            problems.add("dataset is required: an object with at least \"uri\", the s3:// URI of a JSON or JSONL file,"
                    + " e.g. {\"uri\": \"s3://" + bucket + "/data/train.jsonl\"}");
        }
        String uri = f.string("uri", null);
        if (f.present() && uri == null) {
            problems.add(
                    "dataset.uri is required: the s3:// URI of a JSON or JSONL file inside bucket '" + bucket + "'");
        } else if (uri != null) {
            checkUri(problems, "dataset.uri", uri);
        }
        DatasetFormat format = f.enumValue("format", DatasetFormat.class, DatasetSpec.DEFAULT_FORMAT);
        PromptTemplate template = f.enumValue("promptTemplate", PromptTemplate.class, DatasetSpec.DEFAULT_TEMPLATE);
        Integer maxSeq = f.integer("maxSeqLength", DatasetSpec.DEFAULT_MAX_SEQ_LENGTH);
        check(
                problems,
                maxSeq != null && maxSeq >= 8 && maxSeq <= 131072,
                f.path("maxSeqLength"),
                "must be an integer from 8 to 131072",
                maxSeq);
        Double validation = f.number("validationFraction", DatasetSpec.DEFAULT_VALIDATION_FRACTION);
        check(
                problems,
                validation != null && validation >= 0 && validation <= 0.5,
                f.path("validationFraction"),
                "must be a number from 0 to 0.5",
                validation);
        boolean deduplicate = f.bool("deduplicate", true);
        boolean maskPrompt = f.bool("maskPrompt", true);
        boolean pack = f.bool("pack", false);
        Double near = f.number("nearDuplicateThreshold", DatasetSpec.DEFAULT_NEAR_DUPLICATE_THRESHOLD);
        check(
                problems,
                near != null && near > 0 && near <= 1,
                f.path("nearDuplicateThreshold"),
                "must be a Jaccard similarity in (0, 1]",
                near);
        boolean truncate = f.bool("truncate", false);
        Double bad = f.number("maxBadFraction", DatasetSpec.DEFAULT_MAX_BAD_FRACTION);
        check(
                problems,
                bad != null && bad >= 0 && bad <= 1,
                f.path("maxBadFraction"),
                "must be a number from 0 to 1",
                bad);
        f.rejectUnknown();
        return new DatasetSpec(
                uri,
                format,
                template,
                orZero(maxSeq),
                orZero(validation),
                deduplicate,
                maskPrompt,
                pack,
                orZero(near),
                truncate,
                orZero(bad));
    }

    private static LoraSpec lora(Fields f, Problems problems) {
        Integer r = f.integer("r", LoraSpec.DEFAULT_R);
        check(problems, r != null && r > 0, f.path("r"), "must be a positive integer", r);
        Double alpha = f.number("alpha", LoraSpec.DEFAULT_ALPHA);
        check(
                problems,
                alpha != null && alpha > 0 && Double.isFinite(alpha),
                f.path("alpha"),
                "must be a positive number (alpha = 2 * r is a good start)",
                alpha);
        Double dropout = f.number("dropout", LoraSpec.DEFAULT_DROPOUT);
        check(
                problems,
                dropout != null && dropout >= 0 && dropout < 1,
                f.path("dropout"),
                "must be a probability in [0, 1)",
                dropout);
        List<String> targets = f.strings("targetModules", LoraSpec.DEFAULT_TARGETS);
        if (targets.isEmpty()) {
            problems.add(f.path("targetModules") + " must name at least one module (" + validTargets()
                    + "), got an empty list");
        }
        for (String t : targets) {
            boolean ok = LoraSpec.MODULE_NAMES.contains(t) || LoraSpec.ALL_LINEAR.equals(t);
            check(problems, ok, f.path("targetModules"), "must contain only " + validTargets(), t);
        }
        Map<String, Double> rankPattern = f.numberMap("rankPattern");
        var ranks = new java.util.LinkedHashMap<String, Integer>();
        rankPattern.keySet().forEach(k -> checkPattern(problems, f.path("rankPattern"), k));
        rankPattern.forEach((k, v) -> {
            boolean ok = v == Math.rint(v) && v >= 1 && v <= Integer.MAX_VALUE;
            check(problems, ok, f.path("rankPattern") + "." + k, "must be a positive integer", v);
            ranks.put(k, v.intValue());
        });
        Map<String, Double> alphaPattern = f.numberMap("alphaPattern");
        alphaPattern.keySet().forEach(k -> checkPattern(problems, f.path("alphaPattern"), k));
        alphaPattern.forEach(
                (k, v) -> check(problems, v > 0, f.path("alphaPattern") + "." + k, "must be a positive number", v));
        boolean rslora = f.bool("useRslora", false);
        f.rejectUnknown();
        return new LoraSpec(orZero(r), orZero(alpha), orZero(dropout), targets, ranks, alphaPattern, rslora);
    }

    /** A rankPattern or alphaPattern key must be a pattern {@link UserPatterns} accepts. */
    private static void checkPattern(Problems problems, String field, String key) {
        String problem = UserPatterns.problem(key);
        if (problem != null) {
            problems.add(
                    field,
                    "keys must be valid regular expressions over module names (RE2 syntax); this one " + problem,
                    key);
        }
    }

    private static String validTargets() {
        return String.join(", ", LoraSpec.MODULE_NAMES) + " or " + LoraSpec.ALL_LINEAR;
    }

    private static QuantizationSpec quantization(Fields f, Problems problems) {
        QuantizationType type = f.enumValue("type", QuantizationType.class, QuantizationType.NONE);
        boolean doubleQuant = f.bool("doubleQuant", false);
        Integer block = f.integer("blockSize", QuantizationSpec.DEFAULT_BLOCK_SIZE);
        check(
                problems,
                block != null && block == QuantizationSpec.DEFAULT_BLOCK_SIZE,
                f.path("blockSize"),
                "must be 64 (the NF4 block size of bitsandbytes; others are not supported)",
                block);
        if (doubleQuant && type == QuantizationType.NONE) {
            problems.add(f.path("doubleQuant") + " needs quantization.type \"nf4\" (double quantization compresses"
                    + " the NF4 block scales), got type 'none'");
        }
        f.rejectUnknown();
        return new QuantizationSpec(type, doubleQuant, block == null ? 0 : block);
    }

    private static TrainingSpec training(Fields f, Problems problems) {
        OptimizerType optimizer = f.enumValue("optimizer", OptimizerType.class, OptimizerType.ADAMW);
        Double lr = f.number("learningRate", TrainingSpec.DEFAULT_LEARNING_RATE);
        check(
                problems,
                lr != null && lr > 0 && lr < 10 && Double.isFinite(lr),
                f.path("learningRate"),
                "must be a positive number below 10 (3e-4 is a common start for LoRA)",
                lr);
        Double wd = f.number("weightDecay", TrainingSpec.DEFAULT_WEIGHT_DECAY);
        check(problems, wd != null && wd >= 0 && wd < 1, f.path("weightDecay"), "must be a number in [0, 1)", wd);
        Double momentum = f.number("momentum", TrainingSpec.DEFAULT_MOMENTUM);
        check(
                problems,
                momentum != null && momentum >= 0 && momentum < 1,
                f.path("momentum"),
                "must be a number in [0, 1)",
                momentum);
        SchedulerType scheduler = f.enumValue("scheduler", SchedulerType.class, SchedulerType.COSINE);
        Integer warmup = f.integer("warmupSteps", TrainingSpec.DEFAULT_WARMUP_STEPS);
        check(problems, warmup != null && warmup >= 0, f.path("warmupSteps"), "must be an integer >= 0", warmup);
        Integer epochs = f.integer("epochs", TrainingSpec.DEFAULT_EPOCHS);
        check(
                problems,
                epochs != null && epochs >= 1 && epochs <= 1000,
                f.path("epochs"),
                "must be an integer from 1 to 1000 (one epoch is usually best for instruction tuning)",
                epochs);
        Integer maxSteps = f.integer("maxSteps", 0);
        check(
                problems,
                maxSteps != null && maxSteps >= 0,
                f.path("maxSteps"),
                "must be an integer >= 0 (0 runs every epoch)",
                maxSteps);
        Integer micro = f.integer("microBatchSize", TrainingSpec.DEFAULT_MICRO_BATCH_SIZE);
        check(
                problems,
                micro != null && micro >= 1 && micro <= 4096,
                f.path("microBatchSize"),
                "must be an integer from 1 to 4096",
                micro);
        Integer accumulation = f.integer("gradientAccumulationSteps", 1);
        check(
                problems,
                accumulation != null && accumulation >= 1,
                f.path("gradientAccumulationSteps"),
                "must be a positive integer",
                accumulation);
        Double clip = f.number("gradClipNorm", TrainingSpec.DEFAULT_GRAD_CLIP_NORM);
        check(
                problems,
                clip != null && clip >= 0 && Double.isFinite(clip),
                f.path("gradClipNorm"),
                "must be a number >= 0 (0 turns clipping off)",
                clip);
        Long seed = f.longValue("seed", TrainingSpec.DEFAULT_SEED);
        Integer checkpoint = f.integer("checkpointEverySteps", TrainingSpec.DEFAULT_CHECKPOINT_EVERY_STEPS);
        check(
                problems,
                checkpoint != null && checkpoint >= 1,
                f.path("checkpointEverySteps"),
                "must be a positive integer",
                checkpoint);
        boolean gradientCheckpointing = f.bool("gradientCheckpointing", false);
        f.rejectUnknown();
        return new TrainingSpec(
                optimizer,
                orZero(lr),
                orZero(wd),
                orZero(momentum),
                scheduler,
                orZero(warmup),
                orZero(epochs),
                orZero(maxSteps),
                orZero(micro),
                orZero(accumulation),
                orZero(clip),
                seed == null ? 0 : seed,
                orZero(checkpoint),
                gradientCheckpointing);
    }

    private EvaluationSpec evaluation(Fields root, Problems problems) {
        Fields f = root.object("evaluation");
        JsonNode tasksNode = f.raw("tasks");
        f.rejectUnknown();
        if (tasksNode.isMissingNode() || tasksNode.isNull()) {
            return new EvaluationSpec(List.of(
                    new EvalTask(EvalTaskName.PERPLEXITY, null, null, List.of(), EvalTask.DEFAULT_MAX_TOKENS, null)));
        }
        if (!tasksNode.isArray()) {
            problems.add("evaluation.tasks", "must be a list of tasks like [{\"name\": \"perplexity\"}]", tasksNode);
            return new EvaluationSpec(List.of());
        }
        List<EvalTask> tasks = new ArrayList<>();
        for (int i = 0; i < tasksNode.size(); i++) {
            EvalTask task = task(new Fields(tasksNode.get(i), "evaluation.tasks[" + i + "]", problems), problems);
            if (task != null) {
                tasks.add(task);
            }
        }
        EvaluationSpec spec = new EvaluationSpec(tasks);
        List<String> keys = spec.keys();
        for (int i = 0; i < keys.size(); i++) {
            if (keys.indexOf(keys.get(i)) != i) {
                problems.add("evaluation.tasks[" + i + "] reports its results as '" + keys.get(i)
                        + "', which an earlier task already uses: give the tasks distinct labels");
            }
        }
        return spec;
    }

    private EvalTask task(Fields f, Problems problems) {
        EvalTaskName name = f.enumValue("name", EvalTaskName.class, null);
        if (name == null
                && f.present()
                && (f.raw("name").isMissingNode() || f.raw("name").isNull())) {
            problems.add(f.path("name") + " is required: one of " + WireValue.choices(EvalTaskName.class));
        }
        String uri = f.string("uri", null);
        if (uri != null) {
            checkUri(problems, f.path("uri"), uri);
        }
        if (name == EvalTaskName.ARC && uri == null) {
            problems.add(f.path("uri") + " is required for task 'arc': the s3:// URI of an ARC-layout JSONL file");
        }
        Integer limit = f.integer("limit", null);
        check(problems, limit == null || limit >= 1, f.path("limit"), "must be a positive integer when given", limit);
        Integer maxTokens = f.integer("maxTokens", EvalTask.DEFAULT_MAX_TOKENS);
        check(
                problems,
                maxTokens != null && maxTokens >= 1 && maxTokens <= 4096,
                f.path("maxTokens"),
                "must be an integer from 1 to 4096",
                maxTokens);
        List<GenerationCheck> prompts = prompts(f, problems);
        if (name == EvalTaskName.GENERATION && prompts.isEmpty() && uri == null) {
            problems.add(f.path("prompts") + " is required for task 'generation' (or a uri of a JSONL file of"
                    + " {\"prompt\", \"expect\": [...]} lines)");
        }
        String label = f.string("label", null);
        if (label != null && !TASK_LABEL.matcher(label).matches()) {
            problems.add(
                    f.path("label"),
                    "must be 1-64 letters, digits, '_', '.' or '-' starting with a letter or digit",
                    label);
        }
        f.rejectUnknown();
        return name == null ? null : new EvalTask(name, uri, limit, prompts, maxTokens == null ? 0 : maxTokens, label);
    }

    private static List<GenerationCheck> prompts(Fields f, Problems problems) {
        JsonNode node = f.raw("prompts");
        List<GenerationCheck> out = new ArrayList<>();
        if (node.isMissingNode() || node.isNull()) {
            return out;
        }
        if (!node.isArray()) {
            problems.add(f.path("prompts"), "must be a list of {\"prompt\", \"expect\": [...]} objects", node);
            return out;
        }
        for (int i = 0; i < node.size(); i++) {
            Fields p = new Fields(node.get(i), f.path("prompts") + "[" + i + "]", problems);
            String prompt = p.string("prompt", null);
            List<String> expect = p.strings("expect", List.of());
            String regex = p.string("regex", null);
            if (prompt == null) {
                problems.add(p.path("prompt") + " is required: the text the model continues");
            }
            if (expect.isEmpty() && regex == null) {
                problems.add(p.path("expect") + " is required: substrings the continuation must contain (or a regex)");
            }
            if (regex != null) {
                String problem = UserPatterns.problem(regex);
                if (problem != null) {
                    problems.add(
                            p.path("regex"),
                            "must be a valid regular expression (RE2 syntax, matched in linear time); this one "
                                    + problem,
                            regex);
                }
            }
            p.rejectUnknown();
            out.add(new GenerationCheck(prompt, expect, regex));
        }
        return out;
    }

    private static MergeSpec merge(Fields f, EvaluationSpec evaluation, Problems problems) {
        boolean enabled = f.bool("enabled", true);
        ModelDtype dtype = f.enumValue("dtype", ModelDtype.class, ModelDtype.FLOAT32);
        Long shard = f.longValue("maxShardBytes", MergeSpec.DEFAULT_MAX_SHARD_BYTES);
        check(
                problems,
                shard != null && shard >= 1024 * 1024,
                f.path("maxShardBytes"),
                "must be at least 1048576",
                shard);
        MergeGate gate = null;
        Fields g = f.object("gate");
        if (g.present()) {
            String task = g.string("task", null);
            String metric = g.string("metric", null);
            Double tolerance = g.number("tolerance", 0);
            List<String> taskNames = evaluation.keys();
            problems.check(
                    task != null && taskNames.contains(task),
                    g.path("task"),
                    "must name one of the evaluation tasks " + taskNames,
                    task);
            problems.check(
                    metric != null && !metric.isBlank(),
                    g.path("metric"),
                    "must name a metric of that task (e.g. acc, acc_norm, perplexity, passRate)",
                    metric);
            check(
                    problems,
                    tolerance != null && tolerance >= 0,
                    g.path("tolerance"),
                    "must be a number >= 0",
                    tolerance);
            g.rejectUnknown();
            gate = new MergeGate(task, metric, orZero(tolerance));
        }
        f.rejectUnknown();
        return new MergeSpec(enabled, dtype, gate, shard == null ? 0 : shard);
    }

    /** Checks a value that was read; null means a wrong type that {@link Fields} already reported. */
    private static void check(Problems problems, boolean ok, String path, String rule, Object got) {
        if (got != null) {
            problems.check(ok, path, rule, got);
        }
    }

    private static int orZero(Integer value) {
        return value == null ? 0 : value;
    }

    private static double orZero(Double value) {
        return value == null ? 0 : value;
    }
}
