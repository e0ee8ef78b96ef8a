package org.lorapipe.service.api;

import java.util.List;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

/**
 * The JSON bodies of the HTTP API that every service shares, as records: the code answers with them and
 * the OpenAPI document ({@code /q/openapi}) describes them from the same types.
 */
public final class ApiBodies {
    /** The security scheme every API operation requires: a bearer token (a static key or an OIDC JWT). */
    public static final String BEARER = "bearer";

    private ApiBodies() {}

    /** {@code GET /api/jobs}: the requests this replica holds now. */
    @Schema(
            description = "The requests this replica has accepted or is running, oldest first; for a caller who"
                    + " is not an admin, only its own.")
    public record Held(
            @Schema(description = "This service's stage: dataset, training, evaluation or merge") String stage,
            @Schema(description = "Their requestIds; GET /api/jobs/{requestId} shows each") List<String> held) {}

    /** 404 of {@code GET /api/jobs/{requestId}}. */
    @Schema(
            description = "This stage has not seen the request, or the caller may not see it (the same answer, so"
                    + " the API does not reveal that someone else's id exists).")
    public record NotSeen(String requestId, String message) {}

    /** 401: no token, an unknown key, or a JWT that is expired or not signed by the provider. */
    @Schema(description = "The caller is not authenticated; sent with 'WWW-Authenticate: Bearer'.")
    public record Unauthorized(
            @Schema(description = "Why the call was refused") String message,
            @Schema(description = "What to send in this service's lora.auth.mode") String howToAuthenticate) {}

    /** 403: the caller lacks the role an operation needs. */
    @Schema(description = "The caller lacks the role this operation needs.")
    public record Forbidden(String message) {}
}
