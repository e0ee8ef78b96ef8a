package org.lorapipe.service.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;
import java.util.Optional;

/**
 * How a stage consumes its input topic ({@code lora.stage.*}); see {@code StageConsumer}.
 */
@ConfigMapping(prefix = "lora.stage")
public interface StageSettings {
    /** The topic this stage consumes, e.g. {@code lora.dataset.prepared}. */
    String inputTopic();

    /** The consumer group every replica of the stage joins, e.g. {@code trainer-service}. */
    String groupId();

    /** Jobs run at once by one replica; more replicas (not more threads) is how a stage scales. */
    @WithDefault("1")
    int concurrency();

    /**
     * How long a running job has to stop (the trainer: finish its step and write a checkpoint) when its
     * partition is revoked or the service shuts down; keep it below the pod's termination grace period.
     */
    @WithDefault("PT60S")
    Duration stopTimeout();

    /**
     * How long a job whose object storage does not answer keeps trying again before it fails with
     * {@code INFRASTRUCTURE}.
     */
    @WithDefault("PT5M")
    Duration transientRetryWindow();

    /**
     * This replica's stable name (its transactional id is {@code groupId-instanceId}): a replica that
     * restarts under the same name aborts its predecessor's open transaction at once. Defaults to the
     * host name, which is a pod's name on Kubernetes.
     */
    Optional<String> instanceId();

    /** Create the pipeline's topics with their default partition counts when they are missing. */
    @WithDefault("true")
    boolean createTopics();

    /** Start consuming at start-up (off only for tests of a service's HTTP side alone). */
    @WithDefault("true")
    boolean enabled();
}
