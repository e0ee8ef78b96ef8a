package org.lorapipe.contract.event;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The memory of one training run, in bytes: what it measured and what was predicted for it at job
 * start. An extension of {@code AdapterTrained.metrics}, absent in events written before it existed.
 * The trainer resets the process's high-water mark when a job starts, so the peak is this run's own
 * (with several jobs at once in one trainer, {@code lora.stage.concurrency} above 1, it is the
 * process's since the latest job started).
 *
 * @param peakRssBytes measured: the highest resident memory since the job started
 * @param baselineRssBytes measured: resident memory when the job started, before its model was loaded
 * @param weightBytes the base weights as held (NF4 codes and scales where quantized)
 * @param adapterBytes the trainable parameters, fp32
 * @param gradientBytes their gradients
 * @param optimizerBytes the optimizer's state
 * @param estimatedPeakBytes the prediction made at job start, from the model's config and the request
 * @param estimate the prediction's parts by name, all estimates, and {@code total}: {@code baseline},
 *     {@code runtimeGrowth}, {@code weights}, {@code adapter}, {@code gradients}, {@code optimizerState},
 *     {@code dataset}, {@code activations}, {@code logits}, {@code workspace}, {@code allocator},
 *     {@code optimizerStep}, {@code loadStaging} (docs/CONTRACT.md says what each is; readers ignore
 *     names they do not know)
 */
public record RunMemory(
        long peakRssBytes,
        long baselineRssBytes,
        long weightBytes,
        long adapterBytes,
        long gradientBytes,
        long optimizerBytes,
        long estimatedPeakBytes,
        Map<String, Long> estimate) {

    public RunMemory {
        estimate = estimate == null ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(estimate));
    }

    /** measured / predicted - 1: above 0 the run took more than predicted. */
    public double estimateError() {
        return estimatedPeakBytes == 0 ? Double.NaN : (double) peakRssBytes / estimatedPeakBytes - 1;
    }
}
