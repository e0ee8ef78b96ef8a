package org.lorapipe.service.messaging;

import java.nio.charset.StandardCharsets;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;

/**
 * {@code lora_principal}, an extension header of {@code lora.training.requested} (docs/CONTRACT.md): the
 * authenticated caller a request was taken in from over the HTTP API. The dataset stage records it as the
 * run's owner, and the job views show the run to that principal (and to admins) only.
 *
 * <p>The header is trusted as it comes: any producer allowed to write {@code lora.training.requested}
 * can set it and so submit in anyone's name. Kafka ACLs must therefore let only the services (and
 * whoever may act for any user) write that topic. A record without it has no owner: admins see it.
 */
public final class PrincipalHeader {
    public static final String NAME = "lora_principal";

    private PrincipalHeader() {}

    public static void put(Headers headers, String principal) {
        headers.remove(NAME);
        headers.add(NAME, principal.getBytes(StandardCharsets.UTF_8));
    }

    /** The principal a record names, or null. */
    public static String of(Headers headers) {
        Header h = headers.lastHeader(NAME);
        if (h == null || h.value() == null || h.value().length == 0) {
            return null;
        }
        return new String(h.value(), StandardCharsets.UTF_8);
    }
}
