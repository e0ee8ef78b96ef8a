package org.lorapipe.service.auth;

import io.quarkus.security.identity.request.BaseAuthenticationRequest;

/**
 * A bearer key to check against the static keys. Its own type, so that quarkus-oidc's provider (which
 * takes every {@code TokenAuthenticationRequest}) never sees it and ours never sees a JWT.
 */
final class StaticKeyRequest extends BaseAuthenticationRequest {
    private final String key;

    StaticKeyRequest(String key) {
        this.key = key;
    }

    String key() {
        return key;
    }

    @Override
    public String toString() {
        return "StaticKeyRequest"; // never the key
    }
}
