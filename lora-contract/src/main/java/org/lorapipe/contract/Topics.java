package org.lorapipe.contract;

import java.util.List;

/**
 * The Kafka topics of the pipeline (docs/CONTRACT.md, "Topics"). The record key is the
 * {@code requestId} on every topic, so one run's events stay ordered in one partition.
 */
public final class Topics {
    /** TrainingRequested: users and {@code lora submit} to the dataset-service. */
    public static final String TRAINING_REQUESTED = "lora.training.requested";
    /** DatasetPrepared: dataset-service to trainer-service. */
    public static final String DATASET_PREPARED = "lora.dataset.prepared";
    /** TrainingProgress: trainer-service to users, CLI, dashboards. */
    public static final String TRAINING_PROGRESS = "lora.training.progress";
    /** AdapterTrained: trainer-service to eval-service. */
    public static final String ADAPTER_TRAINED = "lora.adapter.trained";
    /** EvaluationCompleted: eval-service to merge-service. */
    public static final String EVALUATION_COMPLETED = "lora.evaluation.completed";
    /** ModelMerged: merge-service to users. */
    public static final String MODEL_MERGED = "lora.model.merged";
    /** PipelineFailed: any service to users. */
    public static final String PIPELINE_FAILED = "lora.pipeline.failed";
    /** Records that are not JSON at all, with their original bytes. */
    public static final String DEAD_LETTER = "lora.dead-letter";
    /** SweepRequested (keyed by sweepId): users and {@code lora sweep submit} to the sweep-service. */
    public static final String SWEEP_REQUESTED = "lora.sweep.requested";
    /** SweepRunEnded (keyed by sweepId): inside the sweep-service, a run's end re-keyed by its sweep. */
    public static final String SWEEP_RUNS = "lora.sweep.runs";
    /** SweepProgress (keyed by sweepId): sweep-service to users and {@code lora sweep watch}. */
    public static final String SWEEP_PROGRESS = "lora.sweep.progress";
    /** SweepCompleted (keyed by sweepId): sweep-service to users. */
    public static final String SWEEP_COMPLETED = "lora.sweep.completed";

    /** Every topic, in pipeline order, then the sweeps'. */
    public static final List<String> ALL = List.of(
            TRAINING_REQUESTED,
            DATASET_PREPARED,
            TRAINING_PROGRESS,
            ADAPTER_TRAINED,
            EVALUATION_COMPLETED,
            MODEL_MERGED,
            PIPELINE_FAILED,
            DEAD_LETTER,
            SWEEP_REQUESTED,
            SWEEP_RUNS,
            SWEEP_PROGRESS,
            SWEEP_COMPLETED);

    /**
     * Partitions of a stage's input topic when the pipeline creates it ({@code lora stack}, the services,
     * the compose and k8s topic jobs). Records of one request share a partition and a partition is
     * worked by one replica at a time, so this bounds how many replicas of a stage work at once; 6
     * splits evenly over 1, 2, 3 or 6 replicas.
     */
    public static final int STAGE_INPUT_PARTITIONS = 6;

    /** Partitions of the other topics (progress, outcomes read by users, failures, dead letters). */
    public static final int OTHER_PARTITIONS = 3;

    /** The partitions {@code topic} is created with (docs/CONTRACT.md, "partitions (default)"). */
    public static int partitions(String topic) {
        return switch (topic) {
            case TRAINING_REQUESTED,
                    DATASET_PREPARED,
                    ADAPTER_TRAINED,
                    EVALUATION_COMPLETED,
                    SWEEP_REQUESTED,
                    SWEEP_RUNS -> STAGE_INPUT_PARTITIONS;
            default -> OTHER_PARTITIONS;
        };
    }

    private Topics() {}
}
