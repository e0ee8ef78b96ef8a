package org.lorapipe.console.api;

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
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirement;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;
import org.lorapipe.console.domain.FieldProblem;
import org.lorapipe.contract.Topics;
import org.lorapipe.contract.event.EventParser;
import org.lorapipe.contract.json.Json;
import org.lorapipe.contract.request.InvalidRequestException;
import org.lorapipe.contract.request.NotJsonException;
import org.lorapipe.contract.request.TrainingRequest;
import org.lorapipe.service.api.ApiBodies;
import org.lorapipe.service.auth.AuthConfig;
import org.lorapipe.service.auth.Callers;
import org.lorapipe.service.messaging.EventPublisher;

/**
 * The submit form's two calls. {@code POST /api/requests/check} judges a request with the contract's
 * {@code RequestParser} (the one every stage, {@code lora submit} and the dataset-service's {@code POST
 * /api/requests} use) and answers every problem with the field it is about; nothing is sent. {@code POST
 * /api/requests} does the same and, when there is no problem, publishes the request (every default
 * filled in) on {@code lora.training.requested}, keyed by its requestId, with the caller as its
 * {@code lora_principal}, as the dataset-service's endpoint does.
 */
@Path("/api/requests")
@RolesAllowed({AuthConfig.SUBMIT, AuthConfig.ADMIN})
@Tag(name = "requests", description = "Check and submit a training request from the console's form")
@SecurityRequirement(name = ApiBodies.BEARER)
public class RequestsResource {
    /** The answer to a check, and the 400 of a refused submission. */
    public record Verdict(boolean valid, List<FieldProblem> problems, TrainingRequest request) {}

    /** 202: the request is on the topic. */
    public record Accepted(String requestId, String topic, String page) {}

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

    @POST
    @Path("/check")
    @Consumes({MediaType.APPLICATION_JSON, MediaType.TEXT_PLAIN, MediaType.WILDCARD})
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(summary = "Check a request: every problem with its field; nothing is sent")
    public Response check(String body) {
        return json(Response.Status.OK, judge(body));
    }

    @POST
    @Consumes({MediaType.APPLICATION_JSON, MediaType.TEXT_PLAIN, MediaType.WILDCARD})
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(summary = "Submit a request: published on lora.training.requested when it has no problem")
    public Response submit(String body) throws Exception {
        Verdict verdict = judge(body);
        if (!verdict.valid()) {
            return json(Response.Status.BAD_REQUEST, verdict);
        }
        TrainingRequest request = verdict.request();
        publisher.submit(request, callers.principal(caller));
        return json(
                Response.Status.ACCEPTED,
                new Accepted(request.requestId(), Topics.TRAINING_REQUESTED, "/run.html?id=" + request.requestId()));
    }

    private Verdict judge(String body) {
        try {
            return new Verdict(true, List.of(), parser.requests().parse(body == null ? "" : body));
        } catch (InvalidRequestException e) {
            return new Verdict(false, FieldProblem.of(e.problems()), null);
        } catch (NotJsonException e) {
            return new Verdict(false, List.of(new FieldProblem(null, e.getMessage())), null);
        }
    }

    static Response json(Response.Status status, Object body) {
        return Response.status(status)
                .type(MediaType.APPLICATION_JSON)
                .entity(Json.write(body))
                .build();
    }
}
