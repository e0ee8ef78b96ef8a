package org.lorapipe.trainer.messaging;

import io.quarkus.runtime.StartupEvent;
import jakarta.annotation.Priority;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Singleton;
import java.util.Locale;
import org.jboss.logging.Logger;
import org.lorapipe.contract.Topics;
import org.lorapipe.contract.event.AdapterTrained;
import org.lorapipe.contract.event.DatasetPrepared;
import org.lorapipe.contract.event.EventParser;
import org.lorapipe.model.DjlRuntime;
import org.lorapipe.service.config.ModelDeviceConfig;
import org.lorapipe.service.config.TorchThreads;
import org.lorapipe.service.consumer.EventStageHandler;
import org.lorapipe.service.consumer.JobControl;
import org.lorapipe.service.consumer.StageResult;
import org.lorapipe.service.messaging.EventPublisher;
import org.lorapipe.trainer.TrainingService;
import org.lorapipe.trainer.config.TrainerConfig;

/**
 * The training stage's wiring to {@code lora.dataset.prepared} (the generic {@code StageConsumer} does
 * the Kafka part): trains, sending {@code lora.training.progress} as it goes, and ends with
 * {@code lora.adapter.trained}. A job stopped because its partition moved (or SIGTERM) writes a
 * checkpoint first; the record's next owner continues from it.
 */
@Singleton // not proxied: its base class needs constructor arguments
public class DatasetPreparedConsumer extends EventStageHandler<DatasetPrepared> {
    private final TrainingService training;
    private final EventPublisher publisher;
    private final TrainerConfig config;

    public DatasetPreparedConsumer(
            EventParser parser, TrainingService training, EventPublisher publisher, TrainerConfig config) {
        super(parser, DatasetPrepared.class);
        this.training = training;
        this.publisher = publisher;
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
    public String describe(DatasetPrepared input) {
        return "training on " + input.datasetUri();
    }

    @Override
    public StageResult work(DatasetPrepared event, JobControl control) {
        AdapterTrained trained =
                training.train(event, progress -> publisher.publish(Topics.TRAINING_PROGRESS, progress), control);
        return new StageResult(
                Topics.ADAPTER_TRAINED,
                trained,
                String.format(
                        Locale.ROOT,
                        "adapter at %s: train loss %.4f, %,.0f tokens/s",
                        trained.adapterUri(),
                        trained.metrics().trainLoss(),
                        trained.metrics().tokensPerSecond()));
    }
}
