package org.lorapipe.eval.messaging;

import io.quarkus.runtime.StartupEvent;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import org.lorapipe.contract.Topics;
import org.lorapipe.contract.event.AdapterTrained;
import org.lorapipe.contract.event.EvaluationCompleted;
import org.lorapipe.contract.event.EventParser;
import org.lorapipe.contract.request.TrainingRequest;
import org.lorapipe.eval.EvaluationService;
import org.lorapipe.eval.config.EvalConfig;
import org.lorapipe.service.config.TorchThreads;
import org.lorapipe.service.consumer.JobControl;
import org.lorapipe.service.consumer.StageHandler;
import org.lorapipe.service.consumer.StageResult;

/**
 * The evaluation stage's wiring to {@code lora.adapter.trained} (the generic {@code StageConsumer} does
 * the Kafka part): base and tuned model are benchmarked and {@code lora.evaluation.completed} carries
 * the results.
 */
@ApplicationScoped
public class AdapterTrainedConsumer implements StageHandler<AdapterTrained> {
    private final EventParser parser;
    private final EvaluationService evaluation;
    private final EvalConfig config;

    public AdapterTrainedConsumer(EventParser parser, EvaluationService evaluation, EvalConfig config) {
        this.parser = parser;
        this.evaluation = evaluation;
        this.config = config;
    }

    /** PyTorch reads its thread count once, when the engine starts: set it before any job runs. */
    void threads(@Observes @Priority(1) StartupEvent event) {
        TorchThreads.setUnlessGiven(config.torchThreads());
    }

    @Override
    public AdapterTrained parse(String json) {
        return parser.parse(json, AdapterTrained.class);
    }

    @Override
    public TrainingRequest request(AdapterTrained input) {
        return input.request();
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
