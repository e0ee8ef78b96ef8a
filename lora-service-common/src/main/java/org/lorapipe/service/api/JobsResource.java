package org.lorapipe.service.api;

import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.Map;
import java.util.Optional;
import org.lorapipe.contract.request.RequestParser;
import org.lorapipe.service.config.ServiceConfig;
import org.lorapipe.service.jobs.JobRegistry;
import org.lorapipe.service.jobs.JobState;
import org.lorapipe.service.jobs.JobStatus;
import org.lorapipe.service.jobs.StageOutput;
import org.lorapipe.storage.ObjectStore;
import org.lorapipe.storage.S3Uri;

/**
 * {@code GET /api/jobs/{requestId}}: this stage's status for one request. What this replica has seen
 * comes from memory; otherwise (another replica, or before a restart) the published result answers:
 * there, the request is done. {@code GET /api/jobs} lists the requests this replica holds now.
 */
@Path("/api/jobs")
@Produces(MediaType.APPLICATION_JSON)
public class JobsResource {
    private final JobRegistry jobs;
    private final StageOutput output;
    private final ObjectStore store;
    private final String stage;

    public JobsResource(JobRegistry jobs, StageOutput output, ObjectStore store, ServiceConfig config) {
        this.jobs = jobs;
        this.output = output;
        this.store = store;
        this.stage = config.stage();
    }

    /** The requests this replica has accepted or is running, oldest first: {@code {"stage", "held": [...]}}. */
    @GET
    public Map<String, Object> held() {
        return Map.of("stage", stage, "held", jobs.active());
    }

    @GET
    @Path("/{requestId}")
    public Response get(@PathParam("requestId") String requestId) {
        return jobs.find(requestId)
                .or(() -> fromStorage(requestId))
                .map(status -> Response.ok(status).build())
                .orElseGet(() -> Response.status(Response.Status.NOT_FOUND)
                        .entity(Map.of(
                                "requestId",
                                requestId,
                                "message",
                                "this stage has not seen request '" + requestId
                                        + "' (it may not have reached this stage yet)"))
                        .build());
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
