package org.lorapipe.service.messaging;

/**
 * Reactive-messaging channel names, configured once in this module's
 * {@code META-INF/microprofile-config.properties}. (A stage's input topic is not a channel: see
 * {@code StageConsumer}.)
 */
public final class Channels {
    /** Every event a service emits; the topic is chosen per record. */
    public static final String EVENTS = "pipeline-events";

    private Channels() {}
}
