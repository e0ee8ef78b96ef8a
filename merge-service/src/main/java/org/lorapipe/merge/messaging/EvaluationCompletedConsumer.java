package org.lorapipe.merge.messaging;

import jakarta.enterprise.context.ApplicationScoped;
import org.lorapipe.contract.Topics;
import org.lorapipe.contract.event.EvaluationCompleted;
import org.lorapipe.contract.event.EventParser;
import org.lorapipe.contract.event.ModelMerged;
import org.lorapipe.contract.request.TrainingRequest;
import org.lorapipe.merge.MergeService;
import org.lorapipe.service.consumer.JobControl;
import org.lorapipe.service.consumer.StageHandler;
import org.lorapipe.service.consumer.StageResult;

/**
 * The merge stage's wiring to {@code lora.evaluation.completed} (the generic {@code StageConsumer} does
 * the Kafka part): {@link MergeService#handle} decides and merges, and {@code lora.model.merged}
 * announces the merged model or the reason it was not merged.
 */
@ApplicationScoped
public class EvaluationCompletedConsumer implements StageHandler<EvaluationCompleted> {
    private final EventParser parser;
    private final MergeService merges;

    public EvaluationCompletedConsumer(EventParser parser, MergeService merges) {
        this.parser = parser;
        this.merges = merges;
    }

    @Override
    public EvaluationCompleted parse(String json) {
        return parser.parse(json, EvaluationCompleted.class);
    }

    @Override
    public TrainingRequest request(EvaluationCompleted input) {
        return input.request();
    }

    @Override
    public String describe(EvaluationCompleted input) {
        return "merging " + input.adapterUri() + " into " + input.request().baseModel();
    }

    @Override
    public StageResult work(EvaluationCompleted event, JobControl control) {
        ModelMerged merged = merges.handle(event, control);
        String summary = merged.merged()
                ? "merged model at " + merged.modelUri() + " (" + merged.files().size() + " files, max |logit diff| "
                        + merged.verification().maxAbsLogitDiff() + ")"
                : "not merged: " + merged.reason();
        return new StageResult(Topics.MODEL_MERGED, merged, summary);
    }
}
