package org.lorapipe.dataset.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.List;
import java.util.Map;
import org.lorapipe.contract.event.DatasetManifest;
import org.lorapipe.dataset.domain.DropReason;

/**
 * What curation did, for {@code /q/metrics}, from each published dataset's manifest (the same figures
 * the manifest records): {@code lora_dataset_records_in_total}, {@code lora_dataset_records_out_total}
 * and {@code lora_dataset_records_dropped_total{reason}}, where {@code reason} is a manifest
 * {@code dropped} key ({@code empty}, {@code malformed}, {@code tooLong}) or {@code exactDuplicate} /
 * {@code nearDuplicate}. A dataset answered from an earlier publication is not counted again.
 */
@ApplicationScoped
public class DatasetMetrics {
    public static final String RECORDS_IN = "lora.dataset.records.in";
    public static final String RECORDS_OUT = "lora.dataset.records.out";
    public static final String RECORDS_DROPPED = "lora.dataset.records.dropped";
    public static final String REASON = "reason";
    public static final String EXACT_DUPLICATE = "exactDuplicate";
    public static final String NEAR_DUPLICATE = "nearDuplicate";

    private final MeterRegistry meters;
    private final Counter in;
    private final Counter out;

    public DatasetMetrics(MeterRegistry meters) {
        this.meters = meters;
        this.in = Counter.builder(RECORDS_IN)
                .description("Records read from requested data sets")
                .register(meters);
        this.out = Counter.builder(RECORDS_OUT)
                .description("Records kept after curation")
                .register(meters);
        // every reason shows from the start, at 0, so a dashboard can tell "none dropped" from "no data"
        for (String reason :
                List.of(DropReason.EMPTY, DropReason.MALFORMED, DropReason.TOO_LONG, EXACT_DUPLICATE, NEAR_DUPLICATE)) {
            dropped(reason);
        }
    }

    private Counter dropped(String reason) {
        return Counter.builder(RECORDS_DROPPED)
                .description("Records dropped by curation, by reason")
                .tag(REASON, reason)
                .register(meters);
    }

    /** A dataset was curated and published. */
    public void published(DatasetManifest manifest) {
        in.increment(manifest.recordsIn());
        out.increment(manifest.recordsOut());
        Map<String, Long> drops = manifest.dropped() == null ? Map.of() : manifest.dropped();
        for (Map.Entry<String, Long> e : drops.entrySet()) {
            dropped(e.getKey()).increment(e.getValue());
        }
        dropped(EXACT_DUPLICATE).increment(manifest.duplicatesExact());
        dropped(NEAR_DUPLICATE).increment(manifest.duplicatesNear());
    }
}
