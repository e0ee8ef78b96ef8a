package org.lorapipe.service.auth;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Who may call the HTTP API ({@code lora.auth.*}): {@code POST /api/requests} and {@code GET /api/jobs}
 * take a bearer token; the health endpoints ({@code /q/health/*}) never do.
 *
 * <p>The default is {@code static} with no keys: a service started with no configuration serves no API
 * call at all (each is answered 401 saying what to set) instead of serving it to the network
 * unauthenticated, while its health endpoints and its Kafka stage work as before. {@code lora stack up}
 * generates a key and passes it to the services it starts.
 */
@ConfigMapping(prefix = "lora.auth")
public interface AuthConfig {

    /** How callers are authenticated. */
    enum Mode {
        /** Bearer keys configured here ({@link #keys()}, {@link #keysFile()}), compared in constant time. */
        STATIC,
        /** Bearer JWTs verified by quarkus-oidc ({@code quarkus.oidc.*}: auth-server-url, or a public key). */
        OIDC,
        /** No authentication at all: every caller is an admin. An explicit opt-out, warned about at start. */
        NONE
    }

    /** The role that may submit requests; a static key without roles has it. */
    String SUBMIT = "submit";

    /** The role that sees every run and may submit too. */
    String ADMIN = "admin";

    /** {@code static} (the default), {@code oidc} or {@code none}. */
    @WithDefault("static")
    Mode mode();

    /**
     * Static keys, entries separated by commas or new lines, each {@code name:key[:role+role]} (roles
     * {@code submit} and {@code admin}; default {@code submit}). The name is the principal the key
     * authenticates as. E.g. {@code LORA_AUTH_KEYS=alice:6f1c...:submit,ops:9a3e...:admin}.
     */
    Optional<String> keys();

    /**
     * A file with more static keys, one entry per line in the format of {@link #keys()} ({@code #}
     * starts a comment): a mounted Kubernetes Secret, or the key file {@code lora stack up} writes.
     */
    Optional<Path> keysFile();
}
