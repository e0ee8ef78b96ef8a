package org.lorapipe.contract.request;

import java.util.Arrays;
import java.util.Optional;
import java.util.stream.Collectors;

/** An enum constant with the lower-case spelling it has on the wire (for example {@code llama2-chat}). */
public interface WireValue {
    String wire();

    /** The constant spelled {@code value}, ignoring case. */
    static <E extends Enum<E> & WireValue> Optional<E> parse(Class<E> type, String value) {
        return Arrays.stream(type.getEnumConstants())
                .filter(e -> e.wire().equalsIgnoreCase(value))
                .findFirst();
    }

    /** "a, b, c": the valid spellings, for error messages. */
    static <E extends Enum<E> & WireValue> String choices(Class<E> type) {
        return Arrays.stream(type.getEnumConstants()).map(WireValue::wire).collect(Collectors.joining(", "));
    }
}
