package org.lorapipe.service.api;

import io.quarkus.security.AuthenticationFailedException;
import io.quarkus.security.ForbiddenException;
import io.quarkus.security.UnauthorizedException;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;
import org.lorapipe.service.auth.AuthConfig;

/**
 * The answers of the API to a caller it cannot let in: 401 with {@code WWW-Authenticate: Bearer} and a
 * JSON body that says how to authenticate in this service's mode, or 403 for a role the caller lacks.
 * (Authentication is not proactive, so these failures reach the REST layer and its mappers.)
 */
public class AuthProblems {
    private final AuthConfig.Mode mode;

    public AuthProblems(AuthConfig config) {
        this.mode = config.mode();
    }

    @ServerExceptionMapper({UnauthorizedException.class, AuthenticationFailedException.class})
    public Response unauthorized(RuntimeException e) {
        String why = e instanceof AuthenticationFailedException && e.getMessage() != null
                ? "the bearer token was refused: " + e.getMessage()
                : "this endpoint needs a bearer token";
        return Response.status(Response.Status.UNAUTHORIZED)
                .header("WWW-Authenticate", "Bearer")
                .type(MediaType.APPLICATION_JSON)
                .entity(new ApiBodies.Unauthorized(why, howTo()))
                .build();
    }

    @ServerExceptionMapper
    public Response forbidden(ForbiddenException e) {
        return Response.status(Response.Status.FORBIDDEN)
                .type(MediaType.APPLICATION_JSON)
                .entity(new ApiBodies.Forbidden("the caller lacks the role this needs (submitting takes '"
                        + AuthConfig.SUBMIT + "' or '" + AuthConfig.ADMIN + "')"))
                .build();
    }

    private String howTo() {
        return switch (mode) {
            case STATIC -> "send 'Authorization: Bearer <key>' with a key of lora.auth.keys or lora.auth.keys-file"
                    + " (the embedded stack's key is in <stack dir>/api-keys, printed by `lora stack up`)";
            case OIDC -> "send 'Authorization: Bearer <JWT>' with an access token of the configured OIDC provider";
            case NONE -> "authentication is off (lora.auth.mode=none)";
        };
    }
}
