package org.lorapipe.cli.stack;

import java.nio.file.Path;
import java.util.List;
import org.lorapipe.devstack.ServiceLauncher;

/** A stage service of the embedded stack: its module folder and HTTP port. */
public record ServiceSpec(String name, int port) {
    /** The four services, in pipeline order, on ports 8081-8084. */
    public static final List<ServiceSpec> ALL = List.of(
            new ServiceSpec("dataset-service", 8081),
            new ServiceSpec("trainer-service", 8082),
            new ServiceSpec("eval-service", 8083),
            new ServiceSpec("merge-service", 8084));

    /** The Quarkus fast-jar launcher built by {@code ./mvnw install}. */
    public Path runner(Path projectRoot) {
        return ServiceLauncher.runner(projectRoot, name);
    }

    public String healthUrl() {
        return "http://127.0.0.1:" + port + "/q/health";
    }
}
