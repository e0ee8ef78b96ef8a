package org.lorapipe.service.auth;

import io.quarkus.security.identity.IdentityProviderManager;
import io.quarkus.security.identity.SecurityIdentity;
import io.quarkus.security.identity.request.AuthenticationRequest;
import io.quarkus.security.runtime.QuarkusPrincipal;
import io.quarkus.security.runtime.QuarkusSecurityIdentity;
import io.quarkus.vertx.http.runtime.security.ChallengeData;
import io.quarkus.vertx.http.runtime.security.HttpAuthenticationMechanism;
import io.smallrye.mutiny.Uni;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.Set;

/**
 * Reads {@code Authorization: Bearer <key>} in the {@code static} mode, and makes every caller an
 * anonymous admin in the {@code none} mode. In the {@code oidc} mode it stays out of the way (returns no
 * identity) and quarkus-oidc's own mechanism verifies the JWT.
 */
@ApplicationScoped
public class BearerKeyMechanism implements HttpAuthenticationMechanism {
    /** The principal of every caller when {@code lora.auth.mode=none}; no run is recorded as its. */
    public static final String ANONYMOUS = "anonymous";

    private static final String BEARER = "bearer ";

    private final AuthConfig.Mode mode;

    public BearerKeyMechanism(AuthConfig config) {
        this.mode = config.mode();
    }

    @Override
    public Uni<SecurityIdentity> authenticate(RoutingContext context, IdentityProviderManager identityProviderManager) {
        if (mode == AuthConfig.Mode.NONE) {
            return Uni.createFrom()
                    .item(QuarkusSecurityIdentity.builder()
                            .setPrincipal(new QuarkusPrincipal(ANONYMOUS))
                            .addRoles(Set.of(AuthConfig.SUBMIT, AuthConfig.ADMIN))
                            .build());
        }
        if (mode != AuthConfig.Mode.STATIC) {
            return Uni.createFrom().nullItem();
        }
        String header = context.request().getHeader("Authorization");
        if (header == null || !header.regionMatches(true, 0, BEARER, 0, BEARER.length())) {
            return Uni.createFrom().nullItem(); // anonymous: an endpoint that needs a caller answers 401
        }
        return identityProviderManager.authenticate(
                new StaticKeyRequest(header.substring(BEARER.length()).strip()));
    }

    @Override
    public Uni<ChallengeData> getChallenge(RoutingContext context) {
        return Uni.createFrom().item(new ChallengeData(401, "WWW-Authenticate", "Bearer"));
    }

    @Override
    public Set<Class<? extends AuthenticationRequest>> getCredentialTypes() {
        return Set.of(StaticKeyRequest.class);
    }
}
