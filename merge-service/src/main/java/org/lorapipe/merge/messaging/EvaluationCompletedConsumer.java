package org.lorapipe.merge.messaging;

import io.quarkus.runtime.StartupEvent;
import jakarta.annotation.Priority;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Singleton;
import org.jboss.logging.Logger;
import org.lorapipe.contract.Topics;
import org.lorapipe.contract.event.EvaluationCompleted;
import org.lorapipe.contract.event.EventParser;
import org.lorapipe.contract.event.ModelMerged;
import org.lorapipe.merge.MergeService;
import org.lorapipe.model.DjlRuntime;
import org.lorapipe.service.config.ModelDeviceConfig;
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

    /** lora.model.device, resolved at start (it starts the engine); a wrong value stops the service. */
    void device(@Observes @Priority(2) StartupEvent event, ModelDeviceConfig models) {
        Logger.getLogger(getClass()).infof("models run on %s", DjlRuntime.useDevice(models.device()));
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
