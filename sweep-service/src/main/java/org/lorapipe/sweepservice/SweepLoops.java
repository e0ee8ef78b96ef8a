package org.lorapipe.sweepservice;

import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.common.annotation.Identifier;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;
import org.lorapipe.contract.Stage;
import org.lorapipe.contract.Topics;
import org.lorapipe.contract.sweep.SweepParser;
import org.lorapipe.service.config.Limits;
import org.lorapipe.service.config.ServiceConfig;
import org.lorapipe.service.config.StageSettings;
import org.lorapipe.service.config.StorageSettings;
import org.lorapipe.service.consumer.BrokerClients;
import org.lorapipe.service.consumer.InboundGate;
import org.lorapipe.service.consumer.StageConsumers;
import org.lorapipe.service.metrics.ConsumerLag;
import org.lorapipe.storage.ObjectStore;
import org.lorapipe.sweep.report.SweepReports;
import org.lorapipe.sweepservice.config.SweepConfig;
import org.lorapipe.sweepservice.messaging.TransactionalLoop;
import org.lorapipe.sweepservice.storage.SweepStore;

/**
 * The sweep-service's three consumer groups (docs/CONTRACT.md "Sweeps", Delivery), each a
 * {@link TransactionalLoop}: {@code {group}} takes sweep requests in, {@code {group}-runs} follows the
 * runs' last events, {@code {group}-reports} assembles each sweep's report. Started with the service,
 * stopped on SIGTERM.
 */
@ApplicationScoped
public class SweepLoops {
    private static final Logger LOG = Logger.getLogger(SweepLoops.class);

    private final StageSettings stage;
    private final SweepConfig sweeps;
    private final Limits limits;
    private final ServiceConfig service;
    private final StorageSettings storage;
    private final ObjectStore store;
    private final Map<String, Object> kafkaClientProperties;
    private final int httpPort;
    private final MeterRegistry meters;
    private final List<TransactionalLoop> loops = new ArrayList<>();

    public SweepLoops(
            StageSettings stage,
            SweepConfig sweeps,
            Limits limits,
            ServiceConfig service,
            StorageSettings storage,
            ObjectStore store,
            @Identifier("default-kafka-broker") Map<String, Object> kafkaClientProperties,
            @ConfigProperty(name = "quarkus.http.port", defaultValue = "0") int httpPort,
            MeterRegistry meters) {
        this.meters = meters;
        this.stage = stage;
        this.sweeps = sweeps;
        this.limits = limits;
        this.service = service;
        this.storage = storage;
        this.store = store;
        this.kafkaClientProperties = kafkaClientProperties;
        this.httpPort = httpPort;
    }

    synchronized void start(@Observes StartupEvent event) {
        if (!stage.enabled()) {
            LOG.info("lora.stage.enabled=false: not consuming");
            return;
        }
        if (sweeps.maxRuns() > SweepReports.MAX_RUNS) {
            throw new IllegalStateException("lora.sweep.max-runs is " + sweeps.maxRuns() + ", more than the "
                    + SweepReports.MAX_RUNS + " runs one report holds: set it to at most " + SweepReports.MAX_RUNS
                    + " and split larger sweeps");
        }
        String instance = StageConsumers.instanceId(stage, httpPort);
        String source = "/lora/" + service.name();
        SweepStore sweepStore = new SweepStore(store, sweeps.maxRunFileBytes());
        String group = stage.groupId();
        loops.add(new TransactionalLoop(
                "sweep-requests",
                List.of(stage.inputTopic()),
                source,
                new BrokerClients(kafkaClientProperties, group, instance, stage.createTopics()),
                new SweepIntake(
                        new InboundGate(Stage.SWEEP, limits.requestBytes()),
                        new SweepParser(storage.bucket(), sweeps.maxRuns()),
                        sweepStore),
                new ConsumerLag(meters, group)));
        loops.add(new TransactionalLoop(
                "sweep-runs",
                List.of(Topics.MODEL_MERGED, Topics.PIPELINE_FAILED),
                source,
                new BrokerClients(kafkaClientProperties, group + "-runs", instance, stage.createTopics()),
                new RunFollower(sweepStore),
                new ConsumerLag(meters, group + "-runs")));
        loops.add(new TransactionalLoop(
                "sweep-reports",
                List.of(Topics.SWEEP_RUNS),
                source,
                new BrokerClients(kafkaClientProperties, group + "-reports", instance, stage.createTopics()),
                new SweepAssembler(sweepStore),
                new ConsumerLag(meters, group + "-reports")));
        loops.forEach(TransactionalLoop::start);
        LOG.infof(
                "consuming %s, %s + %s and %s in groups %s, %s-runs and %s-reports as %s",
                stage.inputTopic(),
                Topics.MODEL_MERGED,
                Topics.PIPELINE_FAILED,
                Topics.SWEEP_RUNS,
                group,
                group,
                group,
                instance);
    }

    synchronized void stop(@Observes ShutdownEvent event) {
        loops.forEach(TransactionalLoop::close);
    }

    /** Why this replica should be restarted, or null while it is healthy. */
    public synchronized String unhealthy() {
        return loops.stream().allMatch(TransactionalLoop::alive) ? null : "a sweep consumer loop stopped";
    }
}
