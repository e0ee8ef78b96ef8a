package org.lorapipe.merge.messaging;

import jakarta.inject.Singleton;
import org.lorapipe.contract.Topics;
import org.lorapipe.contract.event.EvaluationCompleted;
import org.lorapipe.contract.event.EventParser;
import org.lorapipe.contract.event.ModelMerged;
import org.lorapipe.merge.MergeService;
import org.lorapipe.service.consumer.EventStageHandler;
import org.lorapipe.service.consumer.JobControl;
import org.lorapipe.service.consumer.StageResult;

/**
 * The merge stage's wiring to {@code lora.evaluation.completed} (the generic {@code StageConsumer} does
 * the Kafka part): {@link MergeService#handle} decides and merges, and {@code lora.model.merged}
 * announces the merged model or the reason it was not merged.
 */
@Singleton // not proxied: its base class needs constructor arguments
public class EvaluationCompletedConsumer extends EventStageHandler<EvaluationCompleted> {
    private final MergeService merges;

    public EvaluationCompletedConsumer(EventParser parser, MergeService merges) {
        super(parser, EvaluationCompleted.class);
        this.merges = merges;
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
