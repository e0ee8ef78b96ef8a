package org.lorapipe.service.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import org.lorapipe.storage.StorageListener;

/**
 * What the service's object store moves, for {@code /q/metrics}:
 * {@code lora_s3_bytes_total{direction="read"|"write"}} and {@code lora_s3_retries_total} (calls tried
 * again after a transient failure: a rising rate means the S3 server is in trouble).
 */
public final class StorageMetrics implements StorageListener {
    public static final String BYTES = "lora.s3.bytes";
    public static final String RETRIES = "lora.s3.retries";
    public static final String DIRECTION = "direction";

    private final Counter read;
    private final Counter written;
    private final Counter retries;

    public StorageMetrics(MeterRegistry meters) {
        this.read = bytes(meters, "read");
        this.written = bytes(meters, "write");
        this.retries = Counter.builder(RETRIES)
                .description("S3 calls tried again after a transient failure")
                .register(meters);
    }

    private static Counter bytes(MeterRegistry meters, String direction) {
        return Counter.builder(BYTES)
                .description("Bytes read from and written to object storage")
                .baseUnit("bytes")
                .tag(DIRECTION, direction)
                .register(meters);
    }

    @Override
    public void written(long bytes) {
        written.increment(bytes);
    }

    @Override
    public void read(long bytes) {
        read.increment(bytes);
    }

    @Override
    public void retried(String action) {
        retries.increment();
    }
}
