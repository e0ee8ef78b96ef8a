package org.lorapipe.service.messaging;

/**
 * Reactive-messaging channel names. Each service maps {@link #INBOUND} to its input topic in its
 * {@code application.properties}; the outgoing channels are configured once in this module's
 * {@code META-INF/microprofile-config.properties}.
 */
public final class Channels {
    /** The service's input topic. */
    public static final String INBOUND = "inbound";
    /** Every event a service emits; the topic is chosen per record. */
    public static final String EVENTS = "pipeline-events";
    /** Records that are not JSON, with their original bytes, to {@code lora.dead-letter}. */
    public static final String DEAD_LETTER = "dead-letter";

    private Channels() {}
}
