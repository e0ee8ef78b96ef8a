package org.lorapipe.service.auth;

import io.quarkus.security.identity.SecurityIdentity;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.Objects;

/**
 * What the API makes of the authenticated caller: the principal a run is recorded with, and who may see
 * a run. A run's owner sees it, an admin sees every run; a run with no owner (sent straight to Kafka, or
 * while {@code lora.auth.mode=none}) is seen by admins only.
 */
@ApplicationScoped
public class Callers {
    private final AuthConfig.Mode mode;

    public Callers(AuthConfig config) {
        this.mode = config.mode();
    }

    /** The principal to record a run with: null when authentication is off. */
    public String principal(SecurityIdentity caller) {
        return mode == AuthConfig.Mode.NONE || caller.isAnonymous()
                ? null
                : caller.getPrincipal().getName();
    }

    public boolean isAdmin(SecurityIdentity caller) {
        return caller.hasRole(AuthConfig.ADMIN);
    }

    /** Whether {@code caller} may see a run owned by {@code owner} (null: no owner). */
    public boolean maySee(SecurityIdentity caller, String owner) {
        return isAdmin(caller) || (owner != null && Objects.equals(owner, principal(caller)));
    }
}
