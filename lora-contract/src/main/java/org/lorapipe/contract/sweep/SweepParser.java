package org.lorapipe.contract.sweep;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import org.lorapipe.contract.json.Json;
import org.lorapipe.contract.request.InvalidRequestException;
import org.lorapipe.contract.request.Problems;
import org.lorapipe.contract.request.RequestParser;
import org.lorapipe.contract.request.TrainingRequest;
import org.lorapipe.contract.request.TrainingSpec;

/**
 * Turns a sweep request ({@code lora.sweep.requested}, docs/CONTRACT.md "Sweeps") into its plan and the
 * training request of every run, checking everything before anything is published: the sweep's own
 * fields, its size, and every run's request with the same {@link RequestParser} the stages use. Every
 * problem is reported at once, each naming the setting it comes from.
 *
 * <p>Settings are the list {@code settings} (or one empty setting) crossed with the grid's combinations
 * (the first axis varying slowest); runs are the settings crossed with {@code seeds}.
 */
public final class SweepParser {
    /** {@code lora.sweep.max-runs} by default. */
    public static final int DEFAULT_MAX_RUNS = 256;
    /** Values of one grid axis, at most. */
    public static final int MAX_AXIS_VALUES = 64;
    /** Axes of a grid, at most. */
    public static final int MAX_AXES = 8;
    /** Seeds, at most. */
    public static final int MAX_SEEDS = 16;
    /** Characters of a title, at most. */
    public static final int MAX_TITLE_CHARS = 200;

    private static final Pattern SEGMENT = Pattern.compile("[A-Za-z][A-Za-z0-9]{0,63}");
    private static final int MAX_PATH_SEGMENTS = 4;
    private static final List<String> FIELDS =
            List.of("sweepId", "title", "base", "grid", "settings", "seeds", "schemaVersion", "occurredAt");
    /** The key of a listed setting that names it instead of setting a request field. */
    private static final String NAME = "name";

    private static final int MAX_NAME_CHARS = 60;
    private static final Set<String> NOT_OVERRIDABLE = Set.of("requestId", "schemaVersion", "occurredAt");

    private final RequestParser requests;
    private final int maxRuns;

    /**
     * @param bucket the only bucket the runs' URIs may point into
     * @param maxRuns most runs one sweep may have ({@code lora.sweep.max-runs})
     */
    public SweepParser(String bucket, int maxRuns) {
        if (maxRuns < 1) {
            throw new IllegalArgumentException("lora.sweep.max-runs must be at least 1, got " + maxRuns);
        }
        this.requests = new RequestParser(bucket);
        this.maxRuns = maxRuns;
    }

    /** Parses JSON text; not JSON at all is a {@code NotJsonException}. */
    public SweepExpansion parse(String json) {
        return parse(RequestParser.readTree(json));
    }

    public SweepExpansion parse(JsonNode root) {
        Problems problems = new Problems();
        if (!root.isObject()) {
            problems.add("the sweep request", "must be a JSON object", root);
            throw fail(null, problems);
        }
        for (Iterator<String> names = root.fieldNames(); names.hasNext(); ) {
            String name = names.next();
            if (!FIELDS.contains(name)) {
                problems.add(
                        name, "is not a field of a sweep request (fields: " + String.join(", ", FIELDS) + ")", name);
            }
        }
        RequestParser.checkEnvelope(root.path("schemaVersion"), root.path("occurredAt"), problems);
        String sweepId = sweepId(root.path("sweepId"), problems);
        String title = title(root.path("title"), sweepId, problems);
        JsonNode base = root.path("base");
        if (!base.isObject()) {
            problems.add("base", "is required: the training request every run starts from, without requestId", base);
        } else if (base.has("requestId")) {
            problems.add("base.requestId must be left out: run n of the sweep is named {sweepId}-{n}");
        }
        Map<String, List<JsonNode>> grid = grid(root.path("grid"), problems);
        List<Listed> listed = listedSettings(root.path("settings"), problems);
        List<Long> seeds = seeds(root.path("seeds"), base, problems);
        if (!problems.isEmpty()) {
            throw fail(sweepId, problems);
        }

        long combinations = 1;
        for (List<JsonNode> values : grid.values()) {
            combinations *= values.size(); // at most 64^8, well inside a long
        }
        long runCount = combinations * listed.size() * seeds.size();
        if (runCount > maxRuns) {
            problems.add("the sweep has " + runCount + " runs (" + listed.size() + " listed setting(s) x "
                    + combinations + " grid combination(s) x " + seeds.size() + " seed(s)), more than the " + maxRuns
                    + " one sweep may have (lora.sweep.max-runs): split it into several sweeps or drop values");
            throw fail(sweepId, problems);
        }

        List<SweepSetting> settings = settings(listed, grid, problems);
        List<String> axes = new ArrayList<>();
        for (SweepSetting s : settings) {
            for (String path : s.overrides().keySet()) {
                if (!axes.contains(path)) {
                    axes.add(path);
                }
            }
        }
        List<SweepRun> runs = new ArrayList<>();
        List<TrainingRequest> trainingRequests = new ArrayList<>();
        if (problems.isEmpty()) {
            for (SweepSetting setting : settings) {
                for (long seed : seeds) {
                    int n = runs.size() + 1;
                    String runId = SweepIds.runId(sweepId, n);
                    TrainingRequest request = runRequest((ObjectNode) base, setting, seed, runId, problems);
                    if (request == null) {
                        break; // the other seeds would repeat the setting's problems
                    }
                    runs.add(new SweepRun(n, runId, setting.index(), seed));
                    trainingRequests.add(request);
                }
            }
        }
        if (!problems.isEmpty()) {
            throw fail(sweepId, problems);
        }
        ObjectNode asReceived = root.deepCopy();
        asReceived.remove(List.of("schemaVersion", "occurredAt")); // when it was sent is not what it asks
        SweepPlan plan = new SweepPlan(sweepId, title, axes, settings, seeds, runs, asReceived);
        return new SweepExpansion(plan, trainingRequests);
    }

    private static InvalidRequestException fail(String sweepId, Problems problems) {
        return new InvalidRequestException(sweepId, problems.list(), problems.total());
    }

    private static String sweepId(JsonNode node, Problems problems) {
        if (node.isMissingNode() || node.isNull()) {
            problems.add("sweepId is required: a short id of letters, digits, '.', '_' or '-' that names the sweep;"
                    + " its runs are named {sweepId}-1, {sweepId}-2, ...");
            return null;
        }
        if (!node.isTextual() || !SweepIds.SWEEP_ID.matcher(node.textValue()).matches()) {
            problems.add(
                    "sweepId", "must be 1-100 letters, digits, '.', '_' or '-' starting with a letter or digit", node);
            return null;
        }
        return node.textValue();
    }

    private static String title(JsonNode node, String sweepId, Problems problems) {
        if (node.isMissingNode() || node.isNull()) {
            return sweepId;
        }
        if (!node.isTextual()
                || node.textValue().isBlank()
                || node.textValue().length() > MAX_TITLE_CHARS
                || RequestParser.hasControlCharacter(node.textValue())) {
            problems.add(
                    "title",
                    "must be a string of 1-" + MAX_TITLE_CHARS + " characters without control characters",
                    node);
            return sweepId;
        }
        return node.textValue();
    }

    private static Map<String, List<JsonNode>> grid(JsonNode node, Problems problems) {
        Map<String, List<JsonNode>> grid = new LinkedHashMap<>();
        if (node.isMissingNode() || node.isNull()) {
            return grid;
        }
        if (!node.isObject()) {
            problems.add(
                    "grid",
                    "must be an object of request path to a list of values, e.g. {\"lora.r\": [4, 8, 16]}",
                    node);
            return grid;
        }
        if (node.size() > MAX_AXES) {
            problems.add("grid", "may have at most " + MAX_AXES + " axes", node.size() + " axes");
            return grid;
        }
        node.fields().forEachRemaining(e -> {
            String where = "grid." + e.getKey();
            if (!checkPath(e.getKey(), where, problems)) {
                return;
            }
            JsonNode values = e.getValue();
            if (!values.isArray() || values.isEmpty() || values.size() > MAX_AXIS_VALUES) {
                problems.add(where, "must be a list of 1-" + MAX_AXIS_VALUES + " values", values);
                return;
            }
            List<JsonNode> list = new ArrayList<>();
            values.forEach(v -> {
                if (list.contains(v)) {
                    problems.add(where, "lists a value twice", v);
                }
                list.add(v);
            });
            grid.put(e.getKey(), list);
        });
        return grid;
    }

    /** A setting of the list {@code settings}: its overrides, and the name it is shown by when it has one. */
    private record Listed(String name, Map<String, JsonNode> overrides) {}

    private static List<Listed> listedSettings(JsonNode node, Problems problems) {
        List<Listed> listed = new ArrayList<>();
        if (node.isMissingNode() || node.isNull()) {
            listed.add(new Listed(null, Map.of()));
            return listed;
        }
        if (!node.isArray() || node.isEmpty() || node.size() > DEFAULT_MAX_RUNS) {
            problems.add(
                    "settings",
                    "must be a list of 1-" + DEFAULT_MAX_RUNS
                            + " objects of request path to value, e.g. [{\"lora.r\": 4, \"lora.alpha\": 8}]",
                    node);
            listed.add(new Listed(null, Map.of()));
            return listed;
        }
        for (int i = 0; i < node.size(); i++) {
            JsonNode entry = node.get(i);
            String where = "settings[" + i + "]";
            if (!entry.isObject()) {
                problems.add(where, "must be an object of request path to value", entry);
                continue;
            }
            Map<String, JsonNode> overrides = new LinkedHashMap<>();
            String[] name = {null};
            entry.fields().forEachRemaining(e -> {
                if (e.getKey().equals(NAME)) {
                    JsonNode v = e.getValue();
                    if (!v.isTextual()
                            || v.textValue().isBlank()
                            || v.textValue().length() > MAX_NAME_CHARS
                            || RequestParser.hasControlCharacter(v.textValue())) {
                        problems.add(
                                where + "." + NAME,
                                "must be a short label of 1-" + MAX_NAME_CHARS
                                        + " characters without control characters",
                                v);
                    } else {
                        name[0] = v.textValue();
                    }
                } else if (checkPath(e.getKey(), where + "." + e.getKey(), problems)) {
                    overrides.put(e.getKey(), e.getValue());
                }
            });
            listed.add(new Listed(name[0], overrides));
        }
        return listed;
    }

    /** A request path a sweep may set: 1-4 dotted field names, not the id, the envelope or the seed. */
    private static boolean checkPath(String path, String where, Problems problems) {
        String[] segments = path.split("\\.", -1);
        boolean ok = segments.length <= MAX_PATH_SEGMENTS;
        for (String s : segments) {
            ok &= SEGMENT.matcher(s).matches();
        }
        if (!ok) {
            problems.add(
                    where,
                    "must be a request path of 1-" + MAX_PATH_SEGMENTS
                            + " field names joined by '.', e.g. lora.r or training.learningRate",
                    path);
            return false;
        }
        if (NOT_OVERRIDABLE.contains(segments[0])) {
            problems.add(where, "cannot be set by a sweep: each run's id and envelope are its own", path);
            return false;
        }
        if (path.equals("training.seed")) {
            problems.add(
                    where,
                    "cannot be set per setting: list the seeds in \"seeds\" and every setting runs with" + " each",
                    path);
            return false;
        }
        return true;
    }

    private static List<Long> seeds(JsonNode node, JsonNode base, Problems problems) {
        List<Long> seeds = new ArrayList<>();
        if (node.isMissingNode() || node.isNull()) {
            JsonNode seed = base.path("training").path("seed");
            seeds.add(
                    seed.isIntegralNumber() && seed.canConvertToLong() ? seed.longValue() : TrainingSpec.DEFAULT_SEED);
            return seeds;
        }
        if (!node.isArray() || node.isEmpty() || node.size() > MAX_SEEDS) {
            problems.add("seeds", "must be a list of 1-" + MAX_SEEDS + " integers, e.g. [1, 2, 3]", node);
            return seeds;
        }
        Set<Long> seen = new LinkedHashSet<>();
        for (JsonNode s : node) {
            if (!s.isIntegralNumber() || !s.canConvertToLong()) {
                problems.add("seeds", "must hold 64-bit integers", s);
            } else if (!seen.add(s.longValue())) {
                problems.add("seeds", "lists a seed twice", s);
            } else {
                seeds.add(s.longValue());
            }
        }
        return seeds;
    }

    private static List<SweepSetting> settings(
            List<Listed> listed, Map<String, List<JsonNode>> grid, Problems problems) {
        List<Map<String, JsonNode>> combinations = new ArrayList<>();
        combinations.add(new LinkedHashMap<>());
        for (Map.Entry<String, List<JsonNode>> axis : grid.entrySet()) {
            List<Map<String, JsonNode>> next = new ArrayList<>();
            for (Map<String, JsonNode> c : combinations) {
                for (JsonNode value : axis.getValue()) {
                    Map<String, JsonNode> more = new LinkedHashMap<>(c);
                    more.put(axis.getKey(), value);
                    next.add(more);
                }
            }
            combinations = next;
        }
        List<SweepSetting> settings = new ArrayList<>();
        Map<Map<String, JsonNode>, Integer> seen = new LinkedHashMap<>();
        for (int i = 0; i < listed.size(); i++) {
            for (String path : listed.get(i).overrides().keySet()) {
                if (grid.containsKey(path)) {
                    problems.add(
                            "settings[" + i + "]." + path, "is also an axis of the grid: set it in one place", path);
                }
            }
            for (Map<String, JsonNode> c : combinations) {
                Map<String, JsonNode> overrides =
                        new LinkedHashMap<>(listed.get(i).overrides());
                overrides.putAll(c);
                String name = listed.get(i).name();
                String label = name == null
                        ? SweepSetting.labelOf(overrides)
                        : c.isEmpty() ? name : name + ", " + SweepSetting.labelOf(c);
                int index = settings.size() + 1;
                Integer earlier = seen.putIfAbsent(overrides, index);
                if (earlier != null) {
                    problems.add("setting " + index + " (" + label + ") repeats setting " + earlier
                            + ": list each setting once (seeds repeat runs)");
                }
                settings.add(new SweepSetting(index, label, overrides));
            }
        }
        return settings;
    }

    /** The request of one run: the base, the setting's overrides, the seed and the run's id. */
    private TrainingRequest runRequest(
            ObjectNode base, SweepSetting setting, long seed, String runId, Problems problems) {
        ObjectNode request = base.deepCopy();
        request.put("requestId", runId);
        for (Map.Entry<String, JsonNode> o : setting.overrides().entrySet()) {
            if (!set(request, o.getKey(), o.getValue().deepCopy())) {
                problems.add("setting " + setting.index() + " (" + setting.label() + "): " + o.getKey()
                        + " cannot be set: a field on its way in the base request is not an object");
                return null;
            }
        }
        set(request, "training.seed", Json.mapper().getNodeFactory().numberNode(seed));
        try {
            return requests.parse(request);
        } catch (InvalidRequestException e) {
            for (String p : e.problems()) {
                problems.add("setting " + setting.index() + " (" + setting.label() + "): " + p);
            }
            return null;
        }
    }

    private static boolean set(ObjectNode root, String path, JsonNode value) {
        String[] segments = path.split("\\.");
        ObjectNode at = root;
        for (int i = 0; i < segments.length - 1; i++) {
            JsonNode child = at.path(segments[i]);
            if (child.isMissingNode() || child.isNull()) {
                at = at.putObject(segments[i]);
            } else if (child.isObject()) {
                at = (ObjectNode) child;
            } else {
                return false;
            }
        }
        at.set(segments[segments.length - 1], value);
        return true;
    }
}
