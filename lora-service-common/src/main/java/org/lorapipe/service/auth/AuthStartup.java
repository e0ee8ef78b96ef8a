package org.lorapipe.service.auth;

import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import org.jboss.logging.Logger;

/** Says at start how the API is protected; a broken key list stops the start (StaticKeys throws). */
@ApplicationScoped
public class AuthStartup {
    private static final Logger LOG = Logger.getLogger(AuthStartup.class);

    void report(@Observes StartupEvent event, AuthConfig config, StaticKeys keys) {
        switch (config.mode()) {
            case NONE -> LOG.warn("lora.auth.mode=none: the HTTP API is NOT authenticated; anyone who reaches this"
                    + " port may submit requests and read every job (use it only behind your own gateway)");
            case OIDC -> LOG.info("lora.auth.mode=oidc: the HTTP API takes bearer JWTs verified by quarkus-oidc");
            case STATIC -> {
                if (keys.size() == 0) {
                    LOG.warn(
                            "lora.auth.mode=static with no key: every API call is answered 401. Set LORA_AUTH_KEYS"
                                    + " (name:key[:role+role], comma separated) or LORA_AUTH_KEYS_FILE, or LORA_AUTH_MODE=oidc");
                } else {
                    LOG.infof("lora.auth.mode=static: %d bearer key(s) configured", keys.size());
                }
            }
        }
    }
}
