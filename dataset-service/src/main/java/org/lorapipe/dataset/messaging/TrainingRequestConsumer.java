package org.lorapipe.dataset.messaging;

import jakarta.enterprise.context.ApplicationScoped;
import org.lorapipe.contract.Topics;
import org.lorapipe.contract.event.DatasetManifest;
import org.lorapipe.contract.event.DatasetPrepared;
import org.lorapipe.contract.event.EventParser;
import org.lorapipe.contract.request.TrainingRequest;
import org.lorapipe.dataset.PreparationService;
import org.lorapipe.dataset.RequestOwnership;
import org.lorapipe.service.consumer.JobControl;
import org.lorapipe.service.consumer.StageHandler;
import org.lorapipe.service.consumer.StageResult;

/**
 * The dataset stage's wiring to {@code lora.training.requested} (the generic {@code StageConsumer} does
 * the Kafka part): a valid request's dataset is curated, tokenized and published, and
 * {@code lora.dataset.prepared} announces it. A request whose dataset is already published reuses it.
 */
@ApplicationScoped
public class TrainingRequestConsumer implements StageHandler<TrainingRequest> {
    private final EventParser parser;
    private final PreparationService preparation;
    private final RequestOwnership ownership;

    public TrainingRequestConsumer(EventParser parser, PreparationService preparation, RequestOwnership ownership) {
        this.parser = parser;
        this.preparation = preparation;
        this.ownership = ownership;
    }

    @Override
    public TrainingRequest parse(String json) {
        return parser.requests().parse(json);
    }

    @Override
    public TrainingRequest request(TrainingRequest input) {
        return input;
    }

    @Override
    public String describe(TrainingRequest request) {
        return "curating and tokenizing " + request.dataset().uri();
    }

    @Override
    public StageResult work(TrainingRequest request, JobControl control) {
        return work(request, null, control);
    }

    /** {@code principal}: who sent the request over the HTTP API ({@code lora_principal}), or null. */
    @Override
    public StageResult work(TrainingRequest request, String principal, JobControl control) {
        ownership.claim(request, principal); // the id names this request's run from now on, or a CONFLICT
        DatasetManifest manifest = preparation.prepare(request, control);
        String folder = preparation.datasetFolder(request.requestId()).toString();
        return new StageResult(
                Topics.DATASET_PREPARED,
                DatasetPrepared.of(request, folder, manifest),
                manifest.recordsOut() + " records, " + manifest.trainExamples() + " train / "
                        + manifest.validationExamples() + " validation examples at " + folder);
    }
}
