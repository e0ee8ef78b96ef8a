package org.lorapipe.console.api;

import io.quarkus.security.identity.SecurityIdentity;
import io.smallrye.mutiny.Multi;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.NotFoundException;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Predicate;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirement;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;
import org.jboss.resteasy.reactive.RestStreamElementType;
import org.lorapipe.console.domain.RunBoard;
import org.lorapipe.console.domain.RunSnapshot;
import org.lorapipe.console.domain.RunView;
import org.lorapipe.console.storage.Artifacts;
import org.lorapipe.contract.json.Json;
import org.lorapipe.service.api.ApiBodies;
import org.lorapipe.service.auth.AuthConfig;
import org.lorapipe.service.auth.Callers;

/**
 * The runs the topics tell of, as the console's pages read them. A caller sees the runs it submitted
 * over HTTP and an admin sees every run, as with {@code GET /api/jobs}; a run it may not see answers 404,
 * as one that does not exist.
 */
@Path("/api/runs")
@RolesAllowed({AuthConfig.SUBMIT, AuthConfig.ADMIN})
@Tag(name = "runs", description = "Runs, their stages, progress, results and files")
@SecurityRequirement(name = ApiBodies.BEARER)
public class RunsResource {
    /** How often the event stream looks for a change of the run. */
    static final Duration TICK = Duration.ofMillis(400);
    /** An event stream ends after this; the page opens a new one. */
    static final Duration STREAM_LIFETIME = Duration.ofMinutes(30);

    /** A run with the files it has published. */
    public record RunPage(RunSnapshot run, List<Artifacts.File> files) {}

    private final RunBoard board;
    private final Artifacts artifacts;
    private final Callers callers;
    private final SecurityIdentity caller;

    public RunsResource(RunBoard board, Artifacts artifacts, Callers callers, SecurityIdentity caller) {
        this.board = board;
        this.artifacts = artifacts;
        this.callers = callers;
        this.caller = caller;
    }

    @GET
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(summary = "Runs, newest first; q filters by id or base model, state by state")
    public Response list(
            @QueryParam("q") String q,
            @QueryParam("state") String state,
            @QueryParam("limit") @DefaultValue("200") int limit) {
        String needle = q == null ? "" : q.strip().toLowerCase(Locale.ROOT);
        Predicate<RunView> filter = this::visible;
        if (!needle.isEmpty()) {
            filter = filter.and(v -> v.requestId().toLowerCase(Locale.ROOT).contains(needle)
                    || (v.request() != null
                            && v.request().baseModel().toLowerCase(Locale.ROOT).contains(needle)));
        }
        if (state != null && !state.isBlank()) {
            filter = filter.and(v -> v.state().equals(state.strip()));
        }
        List<RunSnapshot.Summary> rows = board.runs(filter, Math.max(1, Math.min(limit, 2000))).stream()
                .map(RunSnapshot::summary)
                .toList();
        return RequestsResource.json(Response.Status.OK, rows);
    }

    @GET
    @Path("/{id}")
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(summary = "One run: stages, progress, loss curve, dataset, evaluation, merge, failure and files")
    public Response get(@PathParam("id") String id) {
        RunSnapshot run = visibleRun(id);
        return RequestsResource.json(Response.Status.OK, new RunPage(run, artifacts.ofRun(id)));
    }

    /**
     * Server-sent events: the run's snapshot at once and again whenever it changes (a progress event, a
     * stage's outcome), for up to 30 minutes. Fed by {@code lora.training.progress} and the other topics
     * through the board.
     */
    @GET
    @Path("/{id}/events")
    @Produces(MediaType.SERVER_SENT_EVENTS)
    @RestStreamElementType(MediaType.TEXT_PLAIN)
    @Operation(summary = "The run's snapshot as server-sent events, again at every change")
    public Multi<String> events(@PathParam("id") String id) {
        visibleRun(id);
        AtomicLong seen = new AtomicLong(-1);
        return Multi.createFrom()
                .ticks()
                .startingAfter(Duration.ofMillis(1)) // at once: the page shows the run before its next change
                .every(TICK)
                .select()
                .first(STREAM_LIFETIME.toMillis() / TICK.toMillis())
                .onOverflow()
                .drop()
                .map(tick -> board.run(id).orElse(null))
                .select()
                .where(run -> run != null && run.version() != seen.getAndSet(run.version()))
                .map(Json::write);
    }

    private RunSnapshot visibleRun(String id) {
        return board.run(id)
                .filter(r -> callers.maySee(caller, r.owner()))
                .orElseThrow(() -> new NotFoundException("no run " + id));
    }

    private boolean visible(RunView v) {
        return callers.maySee(caller, v.principal());
    }
}
