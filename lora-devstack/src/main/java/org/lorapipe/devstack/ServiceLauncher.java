package org.lorapipe.devstack;

import java.io.File;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The one way a packaged stage service is started as a process, by {@code lora stack} and by the tests
 * that run services as processes: {@code java -Xmx1g -Dquarkus.http.port=P [-Dkey=value ...] -jar
 * <service>/target/quarkus-app/quarkus-run.jar}, with the stack's environment and the caller's extra
 * variables (the native memory policy), input from /dev/null and output appended to a log.
 */
public final class ServiceLauncher {

    /** The services' heap: their tensors live in native memory, which the policy governs. */
    public static final String HEAP = "-Xmx1g";

    private ServiceLauncher() {}

    /** The packaged runner of {@code service} (e.g. "trainer-service") under the project root. */
    public static Path runner(Path projectRoot, String service) {
        return projectRoot.resolve(service).resolve("target/quarkus-app/quarkus-run.jar");
    }

    /**
     * @param systemProperties extra {@code -D} settings, e.g. {@code quarkus.http.host=127.0.0.1}
     * @param extraEnvironment added after the stack's variables (the native memory policy, LORA_HOME)
     */
    public static ProcessBuilder processBuilder(
            Path runner,
            int httpPort,
            List<String> systemProperties,
            StackEnvironment stack,
            Map<String, String> extraEnvironment,
            Path log) {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.add(HEAP);
        command.addAll(ChildJvm.options());
        command.add("-Dquarkus.http.port=" + httpPort);
        for (String p : systemProperties) {
            command.add("-D" + p);
        }
        command.add("-jar");
        command.add(runner.toString());
        ProcessBuilder pb = new ProcessBuilder(command);
        stack.applyTo(pb.environment());
        pb.environment().putAll(extraEnvironment);
        pb.redirectErrorStream(true);
        pb.redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        pb.redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
        return pb;
    }
}
