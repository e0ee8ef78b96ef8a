package org.lorapipe.cli.stack;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.lorapipe.contract.json.Json;
import org.lorapipe.devstack.Ports;

/** Is a stack component serving? An HTTP health check for services, an open port for the others. */
final class Health {
    private static final HttpClient HTTP =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    private Health() {}

    /**
     * The request ids a service replica holds ({@code GET /api/jobs}, asked with the stack's admin key);
     * empty for the broker and S3, or when it does not answer.
     */
    static List<String> held(StackComponent c, Optional<String> apiKey) {
        if (c.health() == null || !c.alive()) {
            return List.of();
        }
        try {
            HttpRequest.Builder builder = HttpRequest.newBuilder(
                            URI.create(c.health().replace("/q/health", "/api/jobs")))
                    .timeout(Duration.ofSeconds(3))
                    .GET();
            apiKey.ifPresent(key -> builder.header("Authorization", "Bearer " + key));
            HttpRequest request = builder.build();
            HttpResponse<String> response = HTTP.send(request, HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() != 200) {
                return List.of();
            }
            List<String> ids = new ArrayList<>();
            Json.mapper().readTree(response.body()).path("held").forEach(n -> ids.add(n.asText()));
            return ids;
        } catch (Exception e) {
            return List.of();
        }
    }

    static boolean healthy(StackComponent c) {
        if (!c.alive()) {
            return false;
        }
        if (c.health() == null) {
            return Ports.isListening("127.0.0.1", c.port());
        }
        try {
            HttpRequest request = HttpRequest.newBuilder(URI.create(c.health()))
                    .timeout(Duration.ofSeconds(3))
                    .GET()
                    .build();
            HttpResponse<String> response = HTTP.send(request, HttpResponse.BodyHandlers.ofString());
            return response.statusCode() == 200;
        } catch (Exception e) {
            return false;
        }
    }
}
