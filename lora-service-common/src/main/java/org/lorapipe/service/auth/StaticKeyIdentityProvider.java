package org.lorapipe.service.auth;

import io.quarkus.security.AuthenticationFailedException;
import io.quarkus.security.identity.AuthenticationRequestContext;
import io.quarkus.security.identity.IdentityProvider;
import io.quarkus.security.identity.SecurityIdentity;
import io.quarkus.security.runtime.QuarkusPrincipal;
import io.quarkus.security.runtime.QuarkusSecurityIdentity;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;

/** Turns a presented static key into the identity of its name and roles, or refuses it. */
@ApplicationScoped
public class StaticKeyIdentityProvider implements IdentityProvider<StaticKeyRequest> {
    private final StaticKeys keys;

    public StaticKeyIdentityProvider(StaticKeys keys) {
        this.keys = keys;
    }

    @Override
    public Class<StaticKeyRequest> getRequestType() {
        return StaticKeyRequest.class;
    }

    @Override
    public Uni<SecurityIdentity> authenticate(StaticKeyRequest request, AuthenticationRequestContext context) {
        return keys.find(request.key())
                .<Uni<SecurityIdentity>>map(k -> Uni.createFrom()
                        .item(QuarkusSecurityIdentity.builder()
                                .setPrincipal(new QuarkusPrincipal(k.name()))
                                .addRoles(k.roles())
                                .build()))
                .orElseGet(() -> Uni.createFrom()
                        .failure(new AuthenticationFailedException(
                                keys.size() == 0
                                        ? "no static key is configured (lora.auth.keys / lora.auth.keys-file)"
                                        : "the bearer key is not one of the configured keys")));
    }
}
