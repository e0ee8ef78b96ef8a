package org.lorapipe.console.messaging;

import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;
import org.lorapipe.console.domain.RunBoard;

/**
 * {@code /q/health/ready}: UP once the console has read every record that was on its topics when it
 * started, so a page it serves is never a half-built view of the past.
 */
@Readiness
@ApplicationScoped
public class ReaderReadiness implements HealthCheck {
    private final TopicReader reader;
    private final RunBoard board;

    public ReaderReadiness(TopicReader reader, RunBoard board) {
        this.reader = reader;
        this.board = board;
    }

    @Override
    public HealthCheckResponse call() {
        var response = HealthCheckResponse.named("console topic reader")
                .withData("runs", board.size())
                .withData("records", board.applied())
                .withData("skipped", board.skipped().toString());
        if (reader.lastError() != null) {
            response.withData("lastError", reader.lastError());
        }
        return reader.caughtUp() ? response.up().build() : response.down().build();
    }
}
