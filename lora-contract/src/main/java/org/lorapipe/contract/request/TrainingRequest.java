package org.lorapipe.contract.request;

/**
 * The request a team publishes on {@code lora.training.requested}: every field filled, defaults
 * included. Build one with {@link RequestParser}, which applies the defaults of docs/CONTRACT.md and
 * collects every problem at once.
 *
 * @param requestId the run's id: Kafka key on every topic and the folder of its results in storage
 * @param baseModel s3:// URI of a model folder in Hugging Face layout
 */
public record TrainingRequest(
        String requestId,
        String baseModel,
        DatasetSpec dataset,
        LoraSpec lora,
        QuantizationSpec quantization,
        TrainingSpec training,
        EvaluationSpec evaluation,
        MergeSpec merge) {}
