package org.lorapipe.cli.stack;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import org.lorapipe.devstack.Ports;

/** Is a stack component serving? An HTTP health check for services, an open port for the others. */
final class Health {
    private static final HttpClient HTTP =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    private Health() {}

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
