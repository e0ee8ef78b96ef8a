package org.lorapipe.merge.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;

/**
 * Merge throughput, for {@code /q/metrics}: {@code lora_merge_bytes_total} (tensor bytes of the merged
 * models written) and {@code lora_merge_duration_seconds} (the time of each fold W' = W + s B A,
 * downloads, verification and upload excluded). Bytes per second while merging is
 * {@code rate(lora_merge_bytes_total[5m]) / rate(lora_merge_duration_seconds_sum[5m])}.
 */
@ApplicationScoped
public class MergeMetrics {
    public static final String BYTES = "lora.merge.bytes";
    public static final String DURATION = "lora.merge.duration";

    private final Counter bytes;
    private final Timer duration;

    public MergeMetrics(MeterRegistry meters) {
        bytes = Counter.builder(BYTES)
                .description("Tensor bytes of merged models written")
                .baseUnit("bytes")
                .register(meters);
        duration = Timer.builder(DURATION)
                .description("Time of one merge of an adapter into its base weights")
                .register(meters);
    }

    /** One model merged: {@code weightBytes} of tensors written in {@code took}. */
    public void merged(long weightBytes, Duration took) {
        bytes.increment(weightBytes);
        duration.record(took);
    }
}
