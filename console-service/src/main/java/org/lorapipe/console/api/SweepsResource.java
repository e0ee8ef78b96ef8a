package org.lorapipe.console.api;

import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.NotFoundException;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.List;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirement;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;
import org.lorapipe.console.domain.RunBoard;
import org.lorapipe.console.domain.SweepView;
import org.lorapipe.console.storage.Artifacts;
import org.lorapipe.service.api.ApiBodies;
import org.lorapipe.service.auth.AuthConfig;

/**
 * Sweeps, from their newest {@code lora.sweep.progress} / {@code lora.sweep.completed}, and the files
 * of their report. A sweep has no owner (it is sent to Kafka), so only admins see sweeps, as they alone
 * see runs with no owner.
 */
@Path("/api/sweeps")
@RolesAllowed(AuthConfig.ADMIN)
@Tag(name = "sweeps", description = "Sweeps: their runs' table and report")
@SecurityRequirement(name = ApiBodies.BEARER)
public class SweepsResource {
    /** A sweep with the files of its report. */
    public record SweepPage(SweepView sweep, List<Artifacts.File> files) {}

    private final RunBoard board;
    private final Artifacts artifacts;

    public SweepsResource(RunBoard board, Artifacts artifacts) {
        this.board = board;
        this.artifacts = artifacts;
    }

    @GET
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(summary = "Sweeps, newest first")
    public Response list() {
        return RequestsResource.json(Response.Status.OK, board.sweeps());
    }

    @GET
    @Path("/{id}")
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(summary = "One sweep: its runs' table and its report's files")
    public Response get(@PathParam("id") String id) {
        SweepView sweep = board.sweep(id).orElseThrow(() -> new NotFoundException("no sweep " + id));
        return RequestsResource.json(Response.Status.OK, new SweepPage(sweep, artifacts.ofSweep(id)));
    }
}
