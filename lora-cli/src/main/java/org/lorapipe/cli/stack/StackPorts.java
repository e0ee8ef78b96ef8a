package org.lorapipe.cli.stack;

import java.util.List;

/**
 * The ports of the embedded stack. {@link #DEFAULT} is the contract's: Kafka 9092 (controller 9093),
 * S3 9000, services 8081-8084; tests use free ports so they never meet a developer's running stack.
 */
public record StackPorts(int kafka, int controller, int s3, List<ServiceSpec> services) {
    public static final StackPorts DEFAULT = new StackPorts(9092, 9093, 9000, ServiceSpec.ALL);

    public StackPorts {
        services = List.copyOf(services);
    }

    /** The default ports with {@code n} replicas of every service. */
    public static StackPorts withReplicas(int n) {
        return new StackPorts(DEFAULT.kafka(), DEFAULT.controller(), DEFAULT.s3(), ServiceSpec.replicas(n));
    }
}
