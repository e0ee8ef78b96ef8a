package org.lorapipe.service.api;

import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.Map;
import org.lorapipe.service.jobs.JobRegistry;

/** {@code GET /api/jobs/{requestId}}: this stage's status for one request. */
@Path("/api/jobs")
@Produces(MediaType.APPLICATION_JSON)
public class JobsResource {
    private final JobRegistry jobs;

    public JobsResource(JobRegistry jobs) {
        this.jobs = jobs;
    }

    @GET
    @Path("/{requestId}")
    public Response get(@PathParam("requestId") String requestId) {
        return jobs.find(requestId).map(status -> Response.ok(status).build()).orElseGet(() -> Response.status(
                        Response.Status.NOT_FOUND)
                .entity(Map.of(
                        "requestId",
                        requestId,
                        "message",
                        "this stage has not seen request '" + requestId + "' (it may not have reached this stage yet)"))
                .build());
    }
}
