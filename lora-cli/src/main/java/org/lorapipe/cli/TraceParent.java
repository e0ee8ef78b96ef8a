package org.lorapipe.cli;

import java.security.SecureRandom;
import java.util.HexFormat;

/**
 * The W3C trace context a request starts with ({@code traceparent: 00-<trace id>-<span id>-01} in the
 * record's Kafka headers): every stage's job span becomes part of this trace, so the id {@code lora
 * submit} prints finds the whole run in a tracing backend (Jaeger, Tempo, ...). The span id names the
 * submission itself, which exports no span of its own.
 *
 * @param traceId 32 lowercase hex digits, not all zero
 * @param spanId 16 lowercase hex digits, not all zero
 */
public record TraceParent(String traceId, String spanId) {
    /** The Kafka header the stages read. */
    public static final String HEADER = "traceparent";

    private static final SecureRandom RANDOM = new SecureRandom();

    /** A new trace, sampled. */
    public static TraceParent random() {
        return new TraceParent(nonZeroHex(16), nonZeroHex(8));
    }

    /** The header's value: version 00, sampled. */
    public String header() {
        return "00-" + traceId + "-" + spanId + "-01";
    }

    private static String nonZeroHex(int bytes) {
        byte[] b = new byte[bytes];
        do {
            RANDOM.nextBytes(b);
        } while (HexFormat.of().formatHex(b).chars().allMatch(c -> c == '0'));
        return HexFormat.of().formatHex(b);
    }
}
