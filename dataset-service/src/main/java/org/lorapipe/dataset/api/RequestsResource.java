package org.lorapipe.dataset.api;

import io.quarkus.security.identity.SecurityIdentity;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.List;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.enums.SchemaType;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.ExampleObject;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.RequestBody;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirement;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;
import org.lorapipe.contract.Topics;
import org.lorapipe.contract.event.EventParser;
import org.lorapipe.contract.request.InvalidRequestException;
import org.lorapipe.contract.request.NotJsonException;
import org.lorapipe.contract.request.TrainingRequest;
import org.lorapipe.service.api.ApiBodies;
import org.lorapipe.service.auth.AuthConfig;
import org.lorapipe.service.auth.Callers;
import org.lorapipe.service.messaging.EventPublisher;

/**
 * {@code POST /api/requests}: for teams that prefer HTTP to Kafka. The body is judged by the same parser
 * as a record on {@code lora.training.requested}; a valid request is published there (with every
 * default filled in) and answered 202 with its id, an invalid one 400 with every problem. It takes a
 * bearer token with the role {@code submit} or {@code admin} ({@code lora.auth.*}).
 */
@Path("/api/requests")
@RolesAllowed({AuthConfig.SUBMIT, AuthConfig.ADMIN})
@Tag(name = "requests", description = "Submit a training request over HTTP instead of Kafka")
@SecurityRequirement(name = ApiBodies.BEARER)
public class RequestsResource {
    /** 202: where the request went and where to follow it. */
    @Schema(description = "The request was valid and is published on lora.training.requested.")
    public record Accepted(
            @Schema(description = "The run's id") String requestId,
            @Schema(description = "The topic it was published on") String topic,
            @Schema(description = "Where to follow it: GET this path on each stage's service") String status) {}

    /** 400: every problem of the request, each with a hint. */
    @Schema(description = "The request breaks the contract's rules; nothing was published.")
    public record Refused(
            @Schema(description = "Every problem in one text") String message,
            @Schema(
                            description =
                                    "Each problem on its own, with how to fix it (at most 50 and a last line counting"
                                            + " the rest)")
                    List<String> problems) {}

    private final EventParser parser;
    private final EventPublisher publisher;
    private final Callers callers;
    private final SecurityIdentity caller;

    public RequestsResource(EventParser parser, EventPublisher publisher, Callers callers, SecurityIdentity caller) {
        this.parser = parser;
        this.publisher = publisher;
        this.callers = callers;
        this.caller = caller;
    }

    /**
     * Publishes a valid request with the caller as its {@code lora_principal} header: the dataset stage
     * records that principal as the run's owner, and the job views show the run to it (and to admins).
     */
    @POST
    @Consumes({MediaType.APPLICATION_JSON, MediaType.TEXT_PLAIN, MediaType.WILDCARD})
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(
            summary = "Submit a training request",
            description = "The body is judged by the same parser as a record on lora.training.requested (`lora"
                    + " submit` too); a valid request is published there with every default filled in and the"
                    + " caller as its lora_principal, the run's owner. Needs the role submit or admin.")
    @RequestBody(
            required = true,
            description = "A training request: only requestId, baseModel and dataset.uri are required. Its JSON"
                    + " Schema is docs/training-requested.schema.json; docs/CONTRACT.md, \"The training request\","
                    + " lists every field, default and rule.",
            content =
                    @Content(
                            mediaType = MediaType.APPLICATION_JSON,
                            schema =
                                    @Schema(
                                            type = SchemaType.OBJECT,
                                            requiredProperties = {"requestId", "baseModel", "dataset"}),
                            examples =
                                    @ExampleObject(
                                            name = "minimal",
                                            value =
                                                    "{\"requestId\": \"stories-r8\", \"baseModel\": \"s3://lora/models/stories260K\","
                                                            + " \"dataset\": {\"uri\": \"s3://lora/data/stories-instruct/train.jsonl\"}}")))
    @APIResponse(
            responseCode = "202",
            description = "Valid and published",
            content =
                    @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = Accepted.class)))
    @APIResponse(
            responseCode = "400",
            description = "Not JSON, or a request that breaks the rules: every problem at once",
            content =
                    @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = Refused.class)))
    @APIResponse(
            responseCode = "401",
            description = "No token, an unknown key, or a JWT that is expired or not signed by the provider"
                    + " (with 'WWW-Authenticate: Bearer')",
            content =
                    @Content(
                            mediaType = MediaType.APPLICATION_JSON,
                            schema = @Schema(implementation = ApiBodies.Unauthorized.class)))
    @APIResponse(
            responseCode = "403",
            description = "The caller has neither the role submit nor admin",
            content =
                    @Content(
                            mediaType = MediaType.APPLICATION_JSON,
                            schema = @Schema(implementation = ApiBodies.Forbidden.class)))
    @APIResponse(
            responseCode = "413",
            description = "The body is larger than lora.limits.request-bytes (256 KiB by default)")
    @APIResponse(
            responseCode = "500",
            description = "Kafka did not acknowledge the request within 30 s (it may still have been published:"
                    + " GET /api/jobs/{requestId} tells)")
    public Response submit(String body) throws Exception {
        TrainingRequest request;
        try {
            request = parser.requests().parse(body == null ? "" : body);
        } catch (InvalidRequestException e) {
            return problems(e.getMessage(), e.problems());
        } catch (NotJsonException e) {
            return problems(e.getMessage(), List.of(e.getMessage()));
        }
        publisher.submit(request, callers.principal(caller));
        return Response.accepted(new Accepted(
                        request.requestId(), Topics.TRAINING_REQUESTED, "/api/jobs/" + request.requestId()))
                .build();
    }

    private static Response problems(String message, List<String> problems) {
        return Response.status(Response.Status.BAD_REQUEST)
                .type(MediaType.APPLICATION_JSON)
                .entity(new Refused(message, problems))
                .build();
    }
}
