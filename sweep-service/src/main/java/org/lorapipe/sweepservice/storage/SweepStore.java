package org.lorapipe.sweepservice.storage;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.lorapipe.contract.BucketLayout;
import org.lorapipe.contract.artifact.TrainingRecord;
import org.lorapipe.contract.json.Json;
import org.lorapipe.contract.sweep.SweepPlan;
import org.lorapipe.contract.sweep.SweepRunEnded;
import org.lorapipe.storage.ObjectInfo;
import org.lorapipe.storage.ObjectStore;
import org.lorapipe.storage.Publication;
import org.lorapipe.storage.S3Uri;
import org.lorapipe.storage.StorageException;

/**
 * A sweep's files ({@code sweeps/{id}/}, docs/CONTRACT.md "Sweeps") and what it reads of its runs.
 * Everything read is bounded: a file larger than {@code maxFileBytes} is treated as unreadable, not
 * loaded.
 */
public final class SweepStore {
    private static final String RUN_END = "end";
    private static final String FROM = "from";

    static final int MAX_CACHED_PLANS = 1024;

    private final ObjectStore store;
    private final long maxFileBytes;
    /** Plans found, shared by the loops that use this store (each on its own thread). */
    private final Map<String, SweepPlan> plans = new ConcurrentHashMap<>();

    public SweepStore(ObjectStore store, long maxFileBytes) {
        this.store = store;
        this.maxFileBytes = maxFileBytes;
    }

    /** The bucket URI of the sweep's folder. */
    public S3Uri folder(String sweepId) {
        return store.uri(BucketLayout.sweep(sweepId));
    }

    /** The bucket URI of the sweep's report folder. */
    public S3Uri reportFolder(String sweepId) {
        return store.uri(BucketLayout.sweepReport(sweepId));
    }

    /**
     * The sweep's plan. A plan never changes once written (another sweep under its id is refused), so
     * plans found are kept, the latest {@link #MAX_CACHED_PLANS}: every run's end of every sweep looks
     * its plan up; a sweep not found is looked up again next time.
     */
    public Optional<SweepPlan> plan(String sweepId) {
        SweepPlan known = plans.get(sweepId);
        if (known != null) {
            return Optional.of(known);
        }
        Optional<SweepPlan> found = read(store.uri(BucketLayout.sweep(sweepId) + SweepPlan.FILE))
                .map(json -> Json.read(json, SweepPlan.class));
        found.ifPresent(p -> {
            if (plans.size() >= MAX_CACHED_PLANS) {
                plans.clear();
            }
            plans.put(sweepId, p);
        });
        return found;
    }

    public void writePlan(SweepPlan plan) {
        store.putString(store.uri(BucketLayout.sweep(plan.sweepId()) + SweepPlan.FILE), Json.writePretty(plan) + "\n");
    }

    public Optional<RecordedRunEnd> runEnd(String sweepId, int n) {
        return read(runEndUri(sweepId, n)).map(json -> {
            JsonNode node = tree(json);
            return new RecordedRunEnd(
                    Json.mapper().convertValue(node.path(RUN_END), SweepRunEnded.class),
                    node.path(FROM).asText(""));
        });
    }

    public void writeRunEnd(RecordedRunEnd recorded) {
        ObjectNode node = Json.mapper().createObjectNode();
        node.set(RUN_END, Json.mapper().valueToTree(recorded.end()));
        node.put(FROM, recorded.from());
        store.putString(runEndUri(recorded.end().sweepId(), recorded.end().n()), Json.writePretty(node) + "\n");
    }

    private S3Uri runEndUri(String sweepId, int n) {
        return store.uri(BucketLayout.sweep(sweepId) + SweepRunEnded.file(n));
    }

    /** The run's {@code training.json} beside its adapter, if it was published and can be read. */
    public Optional<TrainingRecord> training(String requestId) {
        return read(store.uri(BucketLayout.adapter(requestId) + TrainingRecord.FILE))
                .map(json -> Json.read(json, TrainingRecord.class));
    }

    /**
     * The run's evaluation {@code report.json}, without the per-item details (they can be large, and the
     * sweep's report needs the comparisons only).
     */
    public Optional<JsonNode> evaluation(String requestId) {
        return read(store.uri(BucketLayout.evaluation(requestId) + "report.json"))
                .map(json -> {
                    JsonNode node = tree(json);
                    node.path("tasks").forEach(t -> {
                        if (t instanceof ObjectNode o) {
                            o.remove("baseDetails");
                            o.remove("tunedDetails");
                        }
                    });
                    return node;
                });
    }

    /** Publishes the report's files (manifest last), replacing the previous report. */
    public void publishReport(String sweepId, Map<String, byte[]> files) {
        Publication p = store.beginPublication(reportFolder(sweepId));
        files.forEach((name, bytes) -> p.putBytes(name, bytes, contentType(name)));
        p.commit();
    }

    private static String contentType(String name) {
        if (name.endsWith(".json")) {
            return ObjectStore.JSON;
        }
        if (name.endsWith(".svg")) {
            return "image/svg+xml";
        }
        if (name.endsWith(".md")) {
            return "text/markdown";
        }
        return ObjectStore.OCTET_STREAM;
    }

    /** The object as text; empty when it is missing or larger than the bound. */
    private Optional<String> read(S3Uri uri) {
        Optional<ObjectInfo> info = store.stat(uri);
        if (info.isEmpty() || info.get().size() > maxFileBytes) {
            return Optional.empty();
        }
        try {
            return Optional.of(store.getString(uri));
        } catch (StorageException e) {
            if (e.isNotFound()) {
                return Optional.empty();
            }
            throw e;
        }
    }

    private static JsonNode tree(String json) {
        try {
            return Json.mapper().readTree(json);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
