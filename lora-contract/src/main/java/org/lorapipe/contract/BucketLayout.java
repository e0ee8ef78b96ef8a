package org.lorapipe.contract;

import java.util.regex.Pattern;

/**
 * Where everything lives in the bucket (docs/CONTRACT.md, "Object storage"): every key the stages, the
 * command line and the journal use comes from here, so the layout is spelled once. Keys are relative
 * to the bucket; folders end with {@code /}.
 *
 * <pre>
 *   models/{name}/                    an imported base model (Hugging Face layout, lora-model.json)
 *   datasets/{id}/                    token shards of a run (names: ShardFormat.fileName)
 *   runs/{id}/checkpoints/step-{N}/   resumable training state
 *   runs/{id}/adapter/                the PEFT adapter, training.json, lora-adapter.json, README.md
 *   runs/{id}/eval/                   the evaluation report
 *   runs/{id}/merged/                 the merged model and its README.md
 *   runs/{id}/not-merged.json         a run not merged on purpose
 *   runs/{id}/request.json            the request the id was first accepted with
 *   runs/{id}/owner.json              who submitted it (the authenticated principal, or none)
 *   sweeps/{id}/plan.json             a sweep's settings, seeds and runs
 *   sweeps/{id}/runs/{n}.json         how run n of the sweep ended
 *   sweeps/{id}/report/               the sweep's report: report.json, report.md, SVG charts
 * </pre>
 */
public final class BucketLayout {

    public static final String MODELS = "models/";
    public static final String DATASETS = "datasets/";
    public static final String RUNS = "runs/";
    public static final String SWEEPS = "sweeps/";

    public static final String NOT_MERGED = "not-merged.json";
    public static final String REQUEST = "request.json";
    public static final String OWNER = "owner.json";

    private static final Pattern STEP = Pattern.compile("step-(\\d+)/?$");

    private BucketLayout() {}

    public static String model(String name) {
        return MODELS + name + "/";
    }

    public static String dataset(String requestId) {
        return DATASETS + requestId + "/";
    }

    public static String run(String requestId) {
        return RUNS + requestId + "/";
    }

    /** The folder of a sweep. */
    public static String sweep(String sweepId) {
        return SWEEPS + sweepId + "/";
    }

    /** A sweep's report (a publication). */
    public static String sweepReport(String sweepId) {
        return sweep(sweepId) + "report/";
    }

    public static String checkpoints(String requestId) {
        return run(requestId) + "checkpoints/";
    }

    public static String checkpoint(String requestId, long step) {
        return checkpoints(requestId) + "step-" + step + "/";
    }

    /** The step of a checkpoint folder key (or its last segment), or -1 when it is not one. */
    public static long checkpointStep(String key) {
        var m = STEP.matcher(key);
        return m.find() ? Long.parseLong(m.group(1)) : -1;
    }

    public static String adapter(String requestId) {
        return run(requestId) + "adapter/";
    }

    public static String evaluation(String requestId) {
        return run(requestId) + "eval/";
    }

    public static String merged(String requestId) {
        return run(requestId) + "merged/";
    }

    public static String notMerged(String requestId) {
        return run(requestId) + NOT_MERGED;
    }

    /** The request a run was first accepted with, which its id stands for from then on. */
    public static String request(String requestId) {
        return run(requestId) + REQUEST;
    }

    /** Who submitted a run over the HTTP API (its principal), written just before {@link #request}. */
    public static String owner(String requestId) {
        return run(requestId) + OWNER;
    }
}
