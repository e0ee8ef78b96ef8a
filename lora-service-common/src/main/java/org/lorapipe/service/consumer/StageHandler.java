package org.lorapipe.service.consumer;

import org.lorapipe.contract.request.TrainingRequest;

/**
 * What a stage adds to the generic {@link StageConsumer}: how to read its input event and how to do
 * its work. Each service has exactly one bean implementing it (its "consumer wiring"); everything about
 * Kafka (ownership, pausing, transactions, redelivery) stays in the consumer.
 *
 * @param <T> the input event
 */
public interface StageHandler<T> {

    /**
     * Decodes one input record's value.
     *
     * @throws org.lorapipe.contract.request.NotJsonException when it is not JSON at all
     * @throws org.lorapipe.contract.request.InvalidRequestException when it breaks the contract
     */
    T parse(String json);

    /** The request the input belongs to (it travels with every event of the run). */
    TrainingRequest request(T input);

    /** What the job does, for the job view: "training on s3://...". */
    String describe(T input);

    /**
     * Does the job and returns the event that announces its result; publishing it is the consumer's
     * business (in one transaction with the input's offset). Long work checks {@code control} at its
     * natural boundaries and returns by throwing {@link JobStoppedException} when asked to stop.
     *
     * @throws org.lorapipe.service.jobs.StageFailure for a failure the stage can explain
     */
    StageResult work(T input, JobControl control);

    /**
     * {@link #work(Object, JobControl)} for a record that names the principal it was sent by
     * ({@code lora_principal}, see {@code PrincipalHeader}; null when it names none). Only the first stage
     * uses it, to record the run's owner; the others ignore it.
     */
    default StageResult work(T input, String principal, JobControl control) {
        return work(input, control);
    }
}
