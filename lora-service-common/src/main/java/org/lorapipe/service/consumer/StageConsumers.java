package org.lorapipe.service.consumer;

import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.common.annotation.Identifier;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.inject.Instance;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;
import org.lorapipe.contract.Stage;
import org.lorapipe.service.config.Limits;
import org.lorapipe.service.config.ServiceConfig;
import org.lorapipe.service.config.StageSettings;
import org.lorapipe.service.jobs.JobRegistry;
import org.lorapipe.service.metrics.ConsumerLag;
import org.lorapipe.service.metrics.StageMetrics;
import org.lorapipe.service.tracing.JobSpans;

/**
 * Starts the service's {@link StageConsumer} with its one {@link StageHandler} when the service starts,
 * and stops it (running jobs stop at their next boundary, offsets uncommitted) when the service gets
 * SIGTERM, before the JVM exits.
 *
 * <p>Its Kafka clients get the service's {@code kafka.*} configuration as the Kafka extension collects
 * it for SmallRye Reactive Messaging (the {@code default-kafka-broker} map: every {@code kafka.*}
 * property and {@code KAFKA_*} variable, prefix dropped), so SASL and TLS set once apply to both.
 */
@ApplicationScoped
public class StageConsumers {
    private static final Logger LOG = Logger.getLogger(StageConsumers.class);

    private final Instance<StageHandler<?>> handlers;
    private final StageSettings settings;
    private final Limits limits;
    private final ServiceConfig service;
    private final JobRegistry registry;
    private final StageMetrics metrics;
    private final MeterRegistry meters;
    private final Map<String, Object> kafkaClientProperties;
    private final int httpPort;
    private final JobSpans spans;
    private volatile StageConsumer<?> consumer;
    private volatile String fatalError;

    public StageConsumers(
            Instance<StageHandler<?>> handlers,
            StageSettings settings,
            Limits limits,
            ServiceConfig service,
            JobRegistry registry,
            StageMetrics metrics,
            MeterRegistry meters,
            @Identifier("default-kafka-broker") Map<String, Object> kafkaClientProperties,
            @ConfigProperty(name = "quarkus.http.port", defaultValue = "0") int httpPort,
            JobSpans spans) {
        this.spans = spans;
        this.handlers = handlers;
        this.settings = settings;
        this.limits = limits;
        this.service = service;
        this.registry = registry;
        this.metrics = metrics;
        this.meters = meters;
        this.kafkaClientProperties = kafkaClientProperties;
        this.httpPort = httpPort;
    }

    void start(@Observes StartupEvent event) {
        if (!settings.enabled()) {
            LOG.info("lora.stage.enabled=false: not consuming");
            return;
        }
        if (handlers.isUnsatisfied()) {
            LOG.infof("%s has no stage handler: it consumes with its own loops", service.name());
            return;
        }
        BrokerClients clients = new BrokerClients(
                kafkaClientProperties, settings.groupId(), instanceId(settings, httpPort), settings.createTopics());
        StageConsumer<?> c = new StageConsumer<>(
                handlers.get(),
                Stage.valueOf(service.stage().toUpperCase(Locale.ROOT)),
                "/lora/" + service.name(),
                new StageConsumer.Settings(
                        settings.inputTopic(),
                        settings.concurrency(),
                        settings.stopTimeout(),
                        settings.transientRetryWindow(),
                        StageConsumer.Settings.IDLE_COMMIT_INTERVAL,
                        limits.requestBytes(),
                        limits.jobTime()),
                clients,
                registry,
                () -> fatalError = "a job ran out of memory: restart this replica",
                metrics,
                new ConsumerLag(meters, settings.groupId()),
                spans.tracer());
        c.start();
        consumer = c;
        LOG.infof(
                "consuming %s in group %s as %s (%d job(s) at a time), Kafka client properties %s",
                settings.inputTopic(),
                settings.groupId(),
                clients.transactionalId(),
                settings.concurrency(),
                clients.describe());
    }

    void stop(@Observes ShutdownEvent event) {
        StageConsumer<?> c = consumer;
        if (c != null) {
            LOG.info("shutting down: stopping running jobs at their next boundary, offsets left uncommitted");
            c.close();
        }
    }

    /** Why this replica should be restarted, or null while it is healthy. */
    public String unhealthy() {
        if (fatalError != null) {
            return fatalError;
        }
        StageConsumer<?> c = consumer;
        if (c != null && !c.alive()) {
            return "the consumer loop stopped";
        }
        return null;
    }

    /**
     * {@code lora.stage.instance-id}, else host name and HTTP port (unique among the replicas running on
     * one host, and stable across a restart of the same replica), else a random id.
     */
    public static String instanceId(StageSettings settings, int httpPort) {
        return settings.instanceId().filter(s -> !s.isBlank()).orElseGet(() -> {
            if (httpPort <= 0) {
                return UUID.randomUUID().toString();
            }
            try {
                return InetAddress.getLocalHost().getHostName() + "-" + httpPort;
            } catch (UnknownHostException e) {
                return UUID.randomUUID().toString();
            }
        });
    }
}
