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
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.lorapipe.contract.Topics;
import org.lorapipe.contract.event.EventParser;
import org.lorapipe.contract.json.Json;
import org.lorapipe.contract.request.InvalidRequestException;
import org.lorapipe.contract.request.NotJsonException;
import org.lorapipe.contract.request.TrainingRequest;
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
public class RequestsResource {
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
    public Response submit(String body) throws Exception {
        TrainingRequest request;
        try {
            request = parser.requests().parse(body == null ? "" : body);
        } catch (InvalidRequestException e) {
            return problems(e.getMessage(), e.problems());
        } catch (NotJsonException e) {
            return problems(e.getMessage(), List.of(e.getMessage()));
        }
        publisher
                .publish(Topics.TRAINING_REQUESTED, request.requestId(), Json.write(request), callers.principal(caller))
                .toCompletableFuture()
                .get(30, TimeUnit.SECONDS);
        return Response.accepted(Map.of(
                        "requestId",
                        request.requestId(),
                        "topic",
                        Topics.TRAINING_REQUESTED,
                        "status",
                        "/api/jobs/" + request.requestId()))
                .build();
    }

    private static Response problems(String message, List<String> problems) {
        return Response.status(Response.Status.BAD_REQUEST)
                .type(MediaType.APPLICATION_JSON)
                .entity(Map.of("message", message, "problems", problems))
                .build();
    }
}
