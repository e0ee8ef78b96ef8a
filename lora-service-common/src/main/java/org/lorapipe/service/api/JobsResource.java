package org.lorapipe.service.api;

import io.quarkus.security.Authenticated;
import io.quarkus.security.identity.SecurityIdentity;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.Optional;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.enums.SchemaType;
import org.eclipse.microprofile.openapi.annotations.enums.SecuritySchemeType;
import org.eclipse.microprofile.openapi.annotations.headers.Header;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirement;
import org.eclipse.microprofile.openapi.annotations.security.SecurityScheme;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;
import org.lorapipe.contract.request.RequestParser;
import org.lorapipe.service.auth.Callers;
import org.lorapipe.service.config.ServiceConfig;
import org.lorapipe.service.jobs.JobRegistry;
import org.lorapipe.service.jobs.JobState;
import org.lorapipe.service.jobs.JobStatus;
import org.lorapipe.service.jobs.RunOwners;
import org.lorapipe.service.jobs.StageOutput;
import org.lorapipe.storage.ObjectStore;
import org.lorapipe.storage.S3Uri;

/**
 * {@code GET /api/jobs/{requestId}}: this stage's status for one request. What this replica has seen
 * comes from memory; otherwise (another replica, or before a restart) the published result answers:
 * there, the request is done. {@code GET /api/jobs} lists the requests this replica holds now.
 *
 * <p>Both take a bearer token. A caller sees the runs it owns ({@link RunOwners}; on the dataset stage
 * also the job of a record it sent, before the owner is recorded), an admin sees every run. Any other
 * run is answered 404 exactly like a run this stage has never seen, so the API does not tell whether
 * someone else's id exists.
 */
@Path("/api/jobs")
@Produces(MediaType.APPLICATION_JSON)
@Authenticated
@Tag(name = "jobs", description = "This stage's status of the requests it has seen")
@SecurityScheme(
        securitySchemeName = ApiBodies.BEARER,
        type = SecuritySchemeType.HTTP,
        scheme = "bearer",
        description = "Authorization: Bearer <token>. lora.auth.mode static (default): a key of LORA_AUTH_KEYS or"
                + " LORA_AUTH_KEYS_FILE (`lora stack up` writes the embedded stack's key to <stack dir>/api-key);"
                + " oidc: an access token (JWT) of the configured provider, roles from 'groups'; none: no token."
                + " Roles: submit (POST /api/requests), admin (everything, every run).")
@SecurityRequirement(name = ApiBodies.BEARER)
@APIResponse(
        responseCode = "401",
        description = "No token, an unknown key, or a JWT that is expired or not signed by the provider",
        headers =
                @Header(name = "WWW-Authenticate", description = "Bearer", schema = @Schema(type = SchemaType.STRING)),
        content =
                @Content(
                        mediaType = MediaType.APPLICATION_JSON,
                        schema = @Schema(implementation = ApiBodies.Unauthorized.class)))
public class JobsResource {
    private final JobRegistry jobs;
    private final StageOutput output;
    private final ObjectStore store;
    private final String stage;
    private final RunOwners owners;
    private final Callers callers;
    private final SecurityIdentity caller;

    public JobsResource(
            JobRegistry jobs,
            StageOutput output,
            ObjectStore store,
            ServiceConfig config,
            RunOwners owners,
            Callers callers,
            SecurityIdentity caller) {
        this.jobs = jobs;
        this.output = output;
        this.store = store;
        this.stage = config.stage();
        this.owners = owners;
        this.callers = callers;
        this.caller = caller;
    }

    /**
     * The requests this replica has accepted or is running, oldest first: {@code {"stage", "held": [...]}};
     * for a caller who is not an admin, only its own.
     */
    @GET
    @Operation(
            summary = "The requests this replica holds",
            description = "Accepted or running here, oldest first. A caller who is not an admin sees only its own"
                    + " runs. Another replica of the same stage answers for its own requests.")
    @APIResponse(
            responseCode = "200",
            description = "The held requests (possibly none)",
            content =
                    @Content(
                            mediaType = MediaType.APPLICATION_JSON,
                            schema = @Schema(implementation = ApiBodies.Held.class)))
    public ApiBodies.Held held() {
        return new ApiBodies.Held(
                stage, jobs.active().stream().filter(this::maySeeHeld).toList());
    }

    @GET
    @Path("/{requestId}")
    @Operation(
            summary = "This stage's status of one request",
            description = "From this replica's memory when it holds or held the request; otherwise from the"
                    + " stage's published result in object storage (then the request is done here). The"
                    + " caller must own the run or be an admin.")
    @APIResponse(
            responseCode = "200",
            description = "The request's state at this stage",
            content =
                    @Content(
                            mediaType = MediaType.APPLICATION_JSON,
                            schema = @Schema(implementation = JobStatus.class)))
    @APIResponse(
            responseCode = "404",
            description = "Not seen by this stage (it may not have reached it yet), or a run the caller may not see",
            content =
                    @Content(
                            mediaType = MediaType.APPLICATION_JSON,
                            schema = @Schema(implementation = ApiBodies.NotSeen.class)))
    public Response get(
            @Parameter(description = "The run's requestId", example = "stories-r8") @PathParam("requestId")
                    String requestId) {
        return jobs.find(requestId)
                .filter(status -> maySeeHeld(requestId))
                .or(() -> fromStorage(requestId).filter(status -> maySeeRun(requestId)))
                .map(status -> Response.ok(status).build())
                .orElseGet(() -> Response.status(Response.Status.NOT_FOUND)
                        .entity(new ApiBodies.NotSeen(
                                requestId,
                                "this stage has not seen request '" + requestId
                                        + "' (it may not have reached this stage yet)"))
                        .build());
    }

    /**
     * A job held here: the principal its record named decides when there is one (on the dataset stage a
     * second submitter's CONFLICT is that submitter's to see), else the run's recorded owner.
     */
    private boolean maySeeHeld(String requestId) {
        if (callers.isAdmin(caller)) {
            return true;
        }
        String submitter = jobs.submitter(requestId);
        return submitter != null ? submitter.equals(callers.principal(caller)) : maySeeRun(requestId);
    }

    private boolean maySeeRun(String requestId) {
        return callers.isAdmin(caller) || callers.maySee(caller, owners.principalOf(requestId));
    }

    private Optional<JobStatus> fromStorage(String requestId) {
        if (!RequestParser.REQUEST_ID.matcher(requestId).matches()) {
            return Optional.empty(); // never a storage key
        }
        S3Uri folder = output.outputFolder(requestId);
        if (store.isPublished(folder)) {
            return Optional.of(status(requestId, JobState.DONE, "result published at " + folder));
        }
        return Optional.empty();
    }

    private JobStatus status(String requestId, JobState state, String message) {
        return new JobStatus(requestId, stage, state, null, null, null, message);
    }
}
