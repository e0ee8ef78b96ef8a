package org.lorapipe.service.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;

/**
 * Every bound on the work one input can cause ({@code lora.limits.*}), in one table: SECURITY.md lists
 * the same rows with where each is enforced. Each is checked while streaming or before the work starts,
 * never after reading everything, and a hit is one failure event whose message names the setting.
 *
 * <p>The older per-stage keys ({@code lora.dataset.max-bytes}, {@code lora.dataset.max-record-chars},
 * {@code lora.eval.max-file-bytes}, {@code lora.merge.max-model-bytes}) still work: each is the default
 * of its row here.
 */
@ConfigMapping(prefix = "lora.limits")
public interface Limits {
    /**
     * Largest request or event, in bytes of its JSON: a bigger Kafka record is refused before it is
     * parsed (and not copied to the dead-letter topic); the HTTP API refuses a bigger body with 413.
     */
    @WithDefault("262144")
    int requestBytes();

    /** Largest dataset object, in bytes; checked from its size before it is read. */
    @WithDefault("${lora.dataset.max-bytes:4294967296}")
    long datasetBytes();

    /**
     * Most records read from one dataset. Deduplication keeps about 210 bytes of heap per record (a
     * 16-byte exact hash and 16 near-duplicate band entries), so this also bounds its memory: 210 MB at
     * the default.
     */
    @WithDefault("1000000")
    long datasetRecords();

    /**
     * Most tokens one prepared dataset may hold (train and validation): the trainer holds its splits in
     * memory, about 5 bytes per token (1 GB at the default). Counted while the shards are written, and
     * checked again by the trainer from the manifest before it reads them.
     */
    @WithDefault("200000000")
    long datasetTokens();

    /** Longest JSONL line read as a record, in characters; a longer one is dropped as malformed unread. */
    @WithDefault("${lora.dataset.max-record-chars:1048576}")
    int recordChars();

    /**
     * Largest model folder a stage downloads (the base model, or the merged model to verify), in bytes;
     * checked from the listing before the download, together with the free space of the work folder.
     */
    @WithDefault("${lora.merge.max-model-bytes:17179869184}")
    long modelBytes();

    /**
     * Largest benchmark file an evaluation task may name, in bytes; checked before the download (the
     * readers hold a file's items in memory: MMLU's whole test set is 7 MB).
     */
    @WithDefault("${lora.eval.max-file-bytes:67108864}")
    long evalFileBytes();

    /** Most items scored per evaluation task; a task with more is refused (use its {@code limit}). */
    @WithDefault("20000")
    int evalItems();

    /** Most tokens one generation check may produce ({@code evaluation.tasks[].maxTokens}). */
    @WithDefault("4096")
    int generationTokens();

    /** Most optimizer steps of one run (epochs x steps per epoch, or {@code training.maxSteps}). */
    @WithDefault("1000000")
    long trainingSteps();

    /**
     * Longest one job may run on a replica, from its start; past it the job stops at its next boundary
     * and fails with INVALID_REQUEST naming this setting. Each service sets its own default in its
     * application.properties.
     */
    @WithDefault("PT24H")
    Duration jobTime();
}
