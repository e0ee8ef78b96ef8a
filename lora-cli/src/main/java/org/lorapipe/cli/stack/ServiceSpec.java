package org.lorapipe.cli.stack;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.lorapipe.devstack.ServiceLauncher;

/**
 * One replica of a stage service in the embedded stack: its module, its replica number (from 1) and its
 * HTTP port. The first replicas use 8081-8084; replica r of the i-th service uses
 * {@code 8084 + 4 * (r - 2) + i + 1}, so two replicas of each stage use 8081-8088. The sweep-service,
 * which turns a sweep into runs of the stages, runs beside them: replica r on {@code 8180 + r}. The web
 * console (console-service, a read view of the topics and the bucket) runs once, on 8180, whatever the
 * replica count: every replica of it would show the same.
 */
public record ServiceSpec(String module, int replica, int port) {
    /** The four modules, in pipeline order. */
    public static final List<String> MODULES =
            List.of("dataset-service", "trainer-service", "eval-service", "merge-service");

    /** The sweep-service's module. */
    public static final String SWEEP_MODULE = "sweep-service";

    /** The first sweep-service replica's port; replica r uses this + r - 1 (above the stages' 8081-8104). */
    public static final int SWEEP_PORT = 8181;

    /** The web console's module. */
    public static final String CONSOLE_MODULE = "console-service";

    /** The web console's port. */
    public static final int CONSOLE_PORT = 8180;

    /** The four services, one replica each, on ports 8081-8084, the sweep-service on 8181, the console on 8180. */
    public static final List<ServiceSpec> ALL = replicas(1);

    /** A first replica. */
    public ServiceSpec(String module, int port) {
        this(module, 1, port);
    }

    /**
     * {@code n} replicas of every service, on the ports above: the stages first, then the sweep-service,
     * then the one console.
     */
    public static List<ServiceSpec> replicas(int n) {
        if (n < 1) {
            throw new IllegalArgumentException("--replicas must be at least 1, got " + n);
        }
        List<ServiceSpec> specs = new ArrayList<>();
        for (int r = 1; r <= n; r++) {
            for (int i = 0; i < MODULES.size(); i++) {
                specs.add(new ServiceSpec(MODULES.get(i), r, 8081 + MODULES.size() * (r - 1) + i));
            }
        }
        for (int r = 1; r <= n; r++) {
            specs.add(new ServiceSpec(SWEEP_MODULE, r, SWEEP_PORT + r - 1));
        }
        specs.add(new ServiceSpec(CONSOLE_MODULE, 1, CONSOLE_PORT));
        return List.copyOf(specs);
    }

    /** The component name: the module for the first replica, {@code module-r} for the others. */
    public String name() {
        return replica == 1 ? module : module + "-" + replica;
    }

    /** The Quarkus fast-jar launcher built by {@code ./mvnw install}. */
    public Path runner(Path projectRoot) {
        return ServiceLauncher.runner(projectRoot, module);
    }

    /** The page a person opens: the web console's, or the service's root. */
    public String url() {
        return "http://127.0.0.1:" + port + "/";
    }

    public String healthUrl() {
        return "http://127.0.0.1:" + port + "/q/health";
    }
}
