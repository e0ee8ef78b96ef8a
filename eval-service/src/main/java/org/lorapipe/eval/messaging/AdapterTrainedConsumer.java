package org.lorapipe.eval.messaging;

import io.quarkus.runtime.StartupEvent;
import jakarta.annotation.Priority;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Singleton;
import org.jboss.logging.Logger;
import org.lorapipe.contract.Topics;
import org.lorapipe.contract.event.AdapterTrained;
import org.lorapipe.contract.event.EvaluationCompleted;
import org.lorapipe.contract.event.EventParser;
import org.lorapipe.eval.EvaluationService;
import org.lorapipe.eval.config.EvalConfig;
import org.lorapipe.model.DjlRuntime;
import org.lorapipe.service.config.ModelDeviceConfig;
import org.lorapipe.service.config.TorchThreads;
import org.lorapipe.service.consumer.EventStageHandler;
import org.lorapipe.service.consumer.JobControl;
import org.lorapipe.service.consumer.StageResult;

/**
 * The evaluation stage's wiring to {@code lora.adapter.trained} (the generic {@code StageConsumer} does
 * the Kafka part): base and tuned model are benchmarked and {@code lora.evaluation.completed} carries
 * the results.
 */
@Singleton // not proxied: its base class needs constructor arguments
public class AdapterTrainedConsumer extends EventStageHandler<AdapterTrained> {
    private final EvaluationService evaluation;
    private final EvalConfig config;

    public AdapterTrainedConsumer(EventParser parser, EvaluationService evaluation, EvalConfig config) {
        super(parser, AdapterTrained.class);
        this.evaluation = evaluation;
        this.config = config;
    }

    /** PyTorch reads its thread count once, when the engine starts: set it before any job runs. */
    void threads(@Observes @Priority(1) StartupEvent event) {
        TorchThreads.setUnlessGiven(config.torchThreads());
    }

    /** lora.model.device, resolved once the thread count is set (it starts the engine); wrong: no start. */
    void device(@Observes @Priority(2) StartupEvent event, ModelDeviceConfig models) {
        Logger.getLogger(getClass()).infof("models run on %s", DjlRuntime.useDevice(models.device()));
    }

    @Override
    public String describe(AdapterTrained input) {
        return "evaluating " + input.adapterUri();
    }

    @Override
    public StageResult work(AdapterTrained event, JobControl control) {
        EvaluationCompleted completed = evaluation.evaluate(event, control);
        return new StageResult(
                Topics.EVALUATION_COMPLETED,
                completed,
                "report at " + completed.reportUri() + ": "
                        + completed.results().keySet());
    }
}
