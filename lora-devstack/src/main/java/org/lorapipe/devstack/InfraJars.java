package org.lorapipe.devstack;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

/**
 * Where the jars of the real infrastructure are: the Kafka 4.4.0 broker runtime and the s3proxy
 * server, gathered by the standalone {@code lora-infra} module into {@code lora-infra/target}.
 *
 * <p>Why jars on disk and not test dependencies: the Quarkus BOM manages {@code kafka_2.13} and
 * {@code kafka-clients} at 4.1.x, so a broker on a service's test classpath would silently be a
 * different broker with a mixed classpath. Running the broker from its own directory of jars, in
 * its own process, keeps it exactly the version we deploy against.
 *
 * <p>The project root is found, in this order, from the system property {@code lora.project.root}
 * (surefire sets it to the reactor root), the environment variable {@code LORA_HOME}, or by walking
 * up from {@code user.dir} to the directory that contains {@code lora-infra/pom.xml}.
 */
public final class InfraJars {

    /** System property naming the project root; set by surefire in the parent pom. */
    public static final String ROOT_PROPERTY = "lora.project.root";
    /** Environment variable naming the project root, for the CLI and scripts. */
    public static final String ROOT_ENV = "LORA_HOME";

    private static final String BUILD_HINT = "run ./mvnw -pl lora-infra package";

    private final Path root;

    private InfraJars(Path root) {
        this.root = root;
    }

    /** Finds the project root (see the class comment) or explains how to point at it. */
    public static InfraJars locate() {
        String property = System.getProperty(ROOT_PROPERTY);
        if (property != null && !property.isBlank()) {
            return at(Path.of(property), "system property " + ROOT_PROPERTY);
        }
        String env = System.getenv(ROOT_ENV);
        if (env != null && !env.isBlank()) {
            return at(Path.of(env), "environment variable " + ROOT_ENV);
        }
        Path start = Path.of(System.getProperty("user.dir")).toAbsolutePath();
        for (Path dir = start; dir != null; dir = dir.getParent()) {
            if (Files.isRegularFile(dir.resolve("lora-infra/pom.xml"))) {
                return new InfraJars(dir);
            }
        }
        throw new IllegalStateException("cannot find the LoRA project root (a directory containing lora-infra/pom.xml)"
                + " above " + start + ": set -D" + ROOT_PROPERTY + "=<root> or " + ROOT_ENV + "=<root>");
    }

    /** Uses an explicit project root, for example one recorded by {@code lora stack up}. */
    public static InfraJars at(Path root, String source) {
        Path abs = root.toAbsolutePath().normalize();
        if (!Files.isRegularFile(abs.resolve("lora-infra/pom.xml"))) {
            throw new IllegalStateException(
                    source + " points at " + abs + ", which has no lora-infra/pom.xml: point it at the project root");
        }
        return new InfraJars(abs);
    }

    /** The project root that contains {@code lora-infra}. */
    public Path root() {
        return root;
    }

    /** The directory of broker jars, used as the classpath {@code <dir>/*}. */
    public Path kafkaLibDir() {
        Path dir = root.resolve("lora-infra/target/kafka");
        boolean hasBroker;
        try (Stream<Path> files = Files.isDirectory(dir) ? Files.list(dir) : Stream.empty()) {
            hasBroker = files.anyMatch(f -> f.getFileName().toString().startsWith("kafka_2.13-"));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + dir, e);
        }
        if (!hasBroker) {
            throw new IllegalStateException(
                    "no Kafka broker jars in " + dir + ": " + BUILD_HINT + " (in " + root + ") to gather them");
        }
        return dir;
    }

    /** The s3proxy jar with all its dependencies, started with {@code java -jar}. */
    public Path s3proxyJar() {
        Path jar = root.resolve("lora-infra/target/s3proxy/s3proxy.jar");
        if (!Files.isRegularFile(jar)) {
            throw new IllegalStateException(
                    "no s3proxy jar at " + jar + ": " + BUILD_HINT + " (in " + root + ") to gather it");
        }
        return jar;
    }

    @Override
    public String toString() {
        return "InfraJars[" + root + "]";
    }
}
