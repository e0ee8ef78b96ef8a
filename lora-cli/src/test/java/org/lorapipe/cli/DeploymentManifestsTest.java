package org.lorapipe.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLParser;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.lorapipe.cli.stack.ServiceSpec;
import org.lorapipe.devstack.InfraJars;
import org.lorapipe.model.NativeMemoryPolicy;
import org.lorapipe.testkit.NeedsTools;

/**
 * The deployment files render and say what operators need: every module with a Dockerfile.jvm (the
 * four stages and the sweep-service) is in docker-compose.yml and in both kustomize overlays; the
 * overlays give every service Deployment a tagged image, port 8080 behind a Service, probes on
 * /q/health, resources, a PodDisruptionBudget and its S3 credentials from the Secret, which no
 * committed file defines (nor any other secret value); the GPU overlay puts the trainer on a GPU;
 * docker-compose.yml is valid, has no default keys and publishes each service on its embedded-stack
 * port; every deployment runs the native memory policy; every service's /q/metrics is scraped (pod
 * annotations, the prometheus-operator overlay's PodMonitor, docker-compose's observability profile). Needs
 * kubectl and docker-compose (.ci/run
 * installs docker-compose).
 */
@NeedsTools
class DeploymentManifestsTest {
    /** The modules with a src/main/docker/Dockerfile.jvm: every one is deployed by every deployment file. */
    private static final List<String> SERVICES = List.of(
            "dataset-service", "trainer-service", "eval-service", "merge-service", "sweep-service", "console-service");
    /** Services without a KEDA ScaledObject: autoscaling.yaml says why, the Deployment sets the count. */
    private static final Set<String> FIXED_REPLICAS = Set.of("sweep-service", "console-service");
    /** QUARKUS_HTTP_PORT in the Dockerfiles: the port inside every container. */
    private static final int CONTAINER_PORT = 8080;
    /** Where every service serves its Prometheus metrics (Quarkus Micrometer's default). */
    private static final String METRICS_PATH = "/q/metrics";
    /** The docker-compose profile that adds Prometheus and Grafana. */
    private static final String OBSERVABILITY = "observability";

    private static final Pattern MODULE = Pattern.compile("<module>([^<]+)</module>");
    private final Path root = InfraJars.locate().root();

    /**
     * SERVICES is not just a list someone keeps: it is exactly the modules that build an image, and the
     * services the embedded stack runs, so a new service module fails here until it is deployed.
     */
    @Test
    void theDeployedServicesAreTheModulesWithADockerfile() throws Exception {
        Set<String> withDockerfile = new TreeSet<>();
        Matcher m = MODULE.matcher(Files.readString(root.resolve("pom.xml")));
        while (m.find()) {
            String module = m.group(1).trim();
            if (Files.exists(root.resolve(module + "/src/main/docker/Dockerfile.jvm"))) {
                withDockerfile.add(module);
            }
        }
        assertThat(withDockerfile).as("modules with a Dockerfile.jvm").isEqualTo(new TreeSet<>(SERVICES));
        Set<String> stack =
                ServiceSpec.ALL.stream().map(ServiceSpec::module).collect(Collectors.toCollection(TreeSet::new));
        assertThat(stack).as("the embedded stack's services").isEqualTo(new TreeSet<>(SERVICES));
        for (String service : SERVICES) {
            String dockerfile = Files.readString(root.resolve(service + "/src/main/docker/Dockerfile.jvm"));
            assertThat(dockerfile)
                    .as("%s Dockerfile", service)
                    .containsPattern("(?m)^\\s+QUARKUS_HTTP_PORT=" + CONTAINER_PORT + " \\\\$")
                    .containsPattern("(?m)^EXPOSE " + CONTAINER_PORT + "$");
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"cpu", "gpu"})
    void overlaysRenderDeploymentsOperatorsCanRun(String overlay) throws Exception {
        List<JsonNode> objects = yaml(run(
                "kubectl", "kustomize", root.resolve("k8s/overlays/" + overlay).toString()));
        List<JsonNode> deployments = objects.stream()
                .filter(o -> o.path("kind").asText().equals("Deployment"))
                .toList();
        assertThat(deployments).extracting(d -> d.at("/metadata/name").asText()).containsAll(SERVICES);
        for (String service : SERVICES) {
            JsonNode container = named(objects, "Deployment", service).at("/spec/template/spec/containers/0");
            // an overlay without an images: entry for the service leaves the base's :latest
            assertThat(container.path("image").asText())
                    .as("%s image tagged by the %s overlay", service, overlay)
                    .startsWith("lora/" + service + ":")
                    .doesNotEndWith(":latest");
            assertThat(container.at("/ports/0/containerPort").asInt())
                    .as("%s port", service)
                    .isEqualTo(CONTAINER_PORT);
            assertThat(container.at("/ports/0/name").asText()).isEqualTo("http");
            JsonNode port = named(objects, "Service", service).at("/spec/ports/0");
            assertThat(port.path("port").asInt()).as("%s Service", service).isEqualTo(CONTAINER_PORT);
            assertThat(port.path("targetPort").asText())
                    .as("%s Service", service)
                    .isEqualTo("http");
            assertThat(named(objects, "Service", service)
                            .at("/spec/selector/app")
                            .asText())
                    .isEqualTo(service);
            assertThat(named(objects, "PodDisruptionBudget", service)
                            .at("/spec/selector/matchLabels/app")
                            .asText())
                    .as("%s PodDisruptionBudget", service)
                    .isEqualTo(service);
            JsonNode annotations = named(objects, "Deployment", service).at("/spec/template/metadata/annotations");
            assertThat(annotations.path("prometheus.io/scrape").asText())
                    .as("%s pods scraped by Prometheus", service)
                    .isEqualTo("true");
            assertThat(annotations.path("prometheus.io/port").asText())
                    .as("%s scrape port", service)
                    .isEqualTo(String.valueOf(CONTAINER_PORT));
            assertThat(annotations.path("prometheus.io/path").asText())
                    .as("%s scrape path", service)
                    .isEqualTo(METRICS_PATH);
        }
        Set<String> scaled = objects.stream()
                .filter(o -> o.path("kind").asText().equals("ScaledObject"))
                .map(o -> o.at("/spec/scaleTargetRef/name").asText())
                .collect(Collectors.toCollection(TreeSet::new));
        Set<String> expectedScaled = new TreeSet<>(SERVICES);
        expectedScaled.removeAll(FIXED_REPLICAS);
        assertThat(scaled).as("ScaledObjects' targets").isEqualTo(expectedScaled);
        String autoscaling = Files.readString(root.resolve("k8s/base/autoscaling.yaml"));
        for (String service : FIXED_REPLICAS) {
            assertThat(autoscaling)
                    .as("autoscaling.yaml says why %s is not scaled", service)
                    .contains(service);
            assertThat(named(objects, "Deployment", service)
                            .at("/spec/replicas")
                            .asInt())
                    .as("%s replicas", service)
                    .isPositive();
        }
        for (JsonNode d : deployments) {
            String name = d.at("/metadata/name").asText();
            JsonNode container = d.at("/spec/template/spec/containers/0");
            assertThat(d.at("/metadata/namespace").asText()).as(name).isEqualTo("lora");
            assertThat(container.path("image").asText()).as("%s image", name).isNotBlank();
            assertThat(container.path("readinessProbe").isMissingNode())
                    .as("%s readiness", name)
                    .isFalse();
            assertThat(container.path("livenessProbe").isMissingNode())
                    .as("%s liveness", name)
                    .isFalse();
            assertThat(container.at("/resources/requests/memory").asText())
                    .as("%s resources", name)
                    .isNotBlank();
            if (SERVICES.contains(name)) {
                assertThat(container.at("/readinessProbe/httpGet/path").asText())
                        .isEqualTo("/q/health/ready");
                assertThat(container.at("/livenessProbe/httpGet/path").asText()).isEqualTo("/q/health/live");
                assertThat(container.path("envFrom").toString())
                        .as("%s credentials", name)
                        .contains("lora-s3-credentials");
                assertThat(container.path("envFrom").toString())
                        .as("%s API keys, from a Secret the operator creates", name)
                        .contains("lora-api-auth");
            }
        }
        JsonNode trainer = deployments.stream()
                .filter(d -> d.at("/metadata/name").asText().equals("trainer-service"))
                .findFirst()
                .orElseThrow();
        String gpu = trainer.at("/spec/template/spec/containers/0/resources/limits/nvidia.com~1gpu")
                .asText();
        assertThat(gpu).isEqualTo(overlay.equals("gpu") ? "1" : "");
        assertThat(objects).anySatisfy(o -> assertThat(o.path("kind").asText()).isEqualTo("ScaledObject"));
        // the Secrets (S3 keys, Kafka login, API keys) are created by the operator from uncommitted files
        // (README, "Security" and "Calling the HTTP API")
        assertThat(objects).noneSatisfy(o -> assertThat(o.path("kind").asText()).isEqualTo("Secret"));
        assertThat(objects.toString()).doesNotContain("minioadmin");
    }

    /** With the Prometheus Operator, one PodMonitor scrapes every service's pods. */
    @Test
    void theOperatorOverlayMonitorsEveryService() throws Exception {
        List<JsonNode> objects = yaml(run(
                "kubectl",
                "kustomize",
                root.resolve("k8s/overlays/prometheus-operator").toString()));
        JsonNode monitor = named(objects, "PodMonitor", "lora-services");
        assertThat(monitor.at("/metadata/namespace").asText()).isEqualTo("lora");
        Set<String> selected = new TreeSet<>();
        monitor.at("/spec/selector/matchExpressions/0/values").forEach(v -> selected.add(v.asText()));
        assertThat(monitor.at("/spec/selector/matchExpressions/0/key").asText()).isEqualTo("app");
        assertThat(selected).as("services the PodMonitor scrapes").isEqualTo(new TreeSet<>(SERVICES));
        assertThat(monitor.at("/spec/podMetricsEndpoints/0/port").asText()).isEqualTo("http");
        assertThat(monitor.at("/spec/podMetricsEndpoints/0/path").asText()).isEqualTo(METRICS_PATH);
        assertThat(monitor.at("/spec/jobLabel").asText())
                .as("job = the service, as the dashboard groups")
                .isEqualTo("app");
        for (String service : SERVICES) {
            assertThat(named(objects, "Deployment", service)).as(service).isNotNull();
        }
    }

    /**
     * docker-compose's optional observability profile: Prometheus scrapes every service at /q/metrics by
     * its compose name, Grafana gets the Prometheus data source the dashboard's panels name, and the
     * dashboard. Without the profile neither starts.
     */
    @Test
    void composeObservabilityProfileScrapesEveryService() throws Exception {
        JsonNode services = yaml(Files.readString(root.resolve("docker-compose.yml")))
                .get(0)
                .path("services");
        for (String extra : List.of("prometheus", "grafana")) {
            assertThat(services.at("/" + extra + "/profiles").toString())
                    .as("%s only with --profile %s", extra, OBSERVABILITY)
                    .isEqualTo("[\"" + OBSERVABILITY + "\"]");
        }
        for (String service : SERVICES) {
            assertThat(services.path(service).has("profiles"))
                    .as("%s runs without a profile", service)
                    .isFalse();
        }
        assertThat(services.at("/prometheus/volumes").toString())
                .contains("./deploy/prometheus/prometheus.yml:/etc/prometheus/prometheus.yml");
        assertThat(services.at("/grafana/volumes").toString())
                .contains("./deploy/grafana/provisioning:/etc/grafana/provisioning")
                .contains("./deploy/grafana/lora-dashboard.json:");

        JsonNode prometheus = yaml(Files.readString(root.resolve("deploy/prometheus/prometheus.yml")))
                .get(0);
        Map<String, String> scraped = new TreeMap<>();
        for (JsonNode job : prometheus.path("scrape_configs")) {
            for (JsonNode target : job.at("/static_configs/0/targets")) {
                scraped.put(target.asText(), job.path("metrics_path").asText());
            }
        }
        for (String service : SERVICES) {
            assertThat(scraped)
                    .as("deploy/prometheus/prometheus.yml scrapes %s", service)
                    .containsEntry(service + ":" + CONTAINER_PORT, METRICS_PATH);
        }

        String datasourceUid = yaml(Files.readString(
                        root.resolve("deploy/grafana/provisioning/datasources/prometheus.yml")))
                .get(0)
                .at("/datasources/0/uid")
                .asText();
        JsonNode dashboard = new ObjectMapper()
                .readTree(root.resolve("deploy/grafana/lora-dashboard.json").toFile());
        assertThat(dashboard.path("panels")).isNotEmpty();
        for (JsonNode panel : dashboard.path("panels")) {
            assertThat(panel.at("/datasource/uid").asText())
                    .as(
                            "panel '%s' reads the provisioned Prometheus",
                            panel.path("title").asText())
                    .isEqualTo(datasourceUid);
            assertThat(panel.path("targets")).as(panel.path("title").asText()).isNotEmpty();
        }
    }

    @Test
    void composeFileIsValid() throws Exception {
        String compose = root.resolve("docker-compose.yml").toString();
        // an empty env file, so a developer's own .env cannot make the test pass or fail
        String noEnvFile = Files.createTempFile("empty", ".env").toString();
        // no default keys: without S3_ACCESS_KEY/S3_SECRET_KEY compose refuses and says where to set them
        ProcessBuilder refused = new ProcessBuilder("docker-compose", "-f", compose, "--env-file", noEnvFile, "config")
                .redirectErrorStream(true);
        refused.environment().remove("S3_ACCESS_KEY");
        refused.environment().remove("S3_SECRET_KEY");
        Process p = refused.start();
        String refusal = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(refusal).isNotZero();
        assertThat(refusal).contains("set S3_ACCESS_KEY in .env");
        String config = run(
                Map.of("S3_ACCESS_KEY", "compose-test-key", "S3_SECRET_KEY", "compose-test-secret"),
                "docker-compose",
                "-f",
                compose,
                "--env-file",
                noEnvFile,
                "config");
        assertThat(config).contains("compose-test-secret").doesNotContain("minioadmin");
        JsonNode services = yaml(config).get(0).path("services");
        Set<String> built = new TreeSet<>();
        services.fields().forEachRemaining(e -> {
            if (e.getValue().has("build")) {
                built.add(e.getKey());
            }
        });
        assertThat(built).as("compose services built from a Dockerfile").isEqualTo(new TreeSet<>(SERVICES));
        for (String service : SERVICES) {
            JsonNode s = services.path(service);
            assertThat(s.at("/build/context").asText()).as(service).endsWith("/" + service);
            assertThat(s.at("/build/dockerfile").asText()).as(service).isEqualTo("src/main/docker/Dockerfile.jvm");
            assertThat(s.path("image").asText()).as(service).isEqualTo("lora/" + service + ":latest");
            assertThat(s.path("depends_on").has("kafka-init"))
                    .as("%s waits for the topics", service)
                    .isTrue();
            assertThat(s.path("depends_on").has("minio-init"))
                    .as("%s waits for the bucket", service)
                    .isTrue();
            assertThat(s.path("healthcheck").isMissingNode())
                    .as("%s health check", service)
                    .isFalse();
            assertThat(s.at("/environment/KAFKA_BOOTSTRAP_SERVERS").asText())
                    .as(service)
                    .isNotBlank();
            NativeMemoryPolicy.load(root).variables().forEach((k, v) -> assertThat(
                            s.at("/environment/" + k).asText())
                    .as("%s %s", service, k)
                    .isEqualTo(v));
            // the host port is the embedded stack's (lora stack up), so clients use one port everywhere
            assertThat(s.path("ports")).as("%s ports", service).hasSize(1);
            JsonNode port = s.path("ports").get(0);
            assertThat(port.path("target").asInt())
                    .as("%s container port", service)
                    .isEqualTo(CONTAINER_PORT);
            assertThat(port.path("published").asInt())
                    .as("%s host port", service)
                    .isEqualTo(stackPort(service));
        }
        NativeMemoryPolicy.load(root)
                .variables()
                .forEach((k, v) -> assertThat(config).as("compose env").containsPattern(k + ": ['\"]?" + v));
        assertThat(config).as("API keys from the environment").contains("LORA_AUTH_KEYS");
        assertThat(config).contains("apache/kafka").contains("minio/minio").contains("mc mb --ignore-existing");
    }

    /**
     * The native memory policy is decided in native-memory.env; the places that cannot read that file
     * (Dockerfiles, the Kubernetes ConfigMap, the Maven test JVMs) carry exactly its values.
     */
    @Test
    void everyDeploymentRunsTheNativeMemoryPolicy() throws Exception {
        Map<String, String> policy = NativeMemoryPolicy.load(root).variables();
        assertThat(policy).containsKey("MALLOC_MMAP_THRESHOLD_");
        List<Path> dockerfiles = new ArrayList<>();
        for (String service : SERVICES) {
            dockerfiles.add(root.resolve(service + "/src/main/docker/Dockerfile.jvm"));
        }
        dockerfiles.addAll(CudaDockerfilesTest.dockerfiles(root));
        for (Path file : dockerfiles) {
            String service = root.relativize(file).toString();
            String dockerfile = Files.readString(file);
            policy.forEach((k, v) -> assertThat(dockerfile)
                    .as("%s Dockerfile", service)
                    .containsPattern("(?m)^\\s+" + k + "=" + v + " \\\\$"));
            for (String other : NativeMemoryPolicy.VARIABLES) {
                if (!policy.containsKey(other)) {
                    assertThat(dockerfile).as("%s Dockerfile", service).doesNotContain(other + "=");
                }
            }
        }
        JsonNode config = yaml(run(
                        "kubectl", "kustomize", root.resolve("k8s/overlays/cpu").toString()))
                .stream()
                .filter(o -> o.at("/metadata/name").asText().equals("lora-config"))
                .findFirst()
                .orElseThrow()
                .path("data");
        Map<String, String> k8s = new TreeMap<>();
        config.fields().forEachRemaining(e -> {
            if (NativeMemoryPolicy.VARIABLES.contains(e.getKey())) {
                k8s.put(e.getKey(), e.getValue().asText());
            }
        });
        assertThat(k8s).as("k8s ConfigMap").isEqualTo(new TreeMap<>(policy));
        String pom = Files.readString(root.resolve("pom.xml"));
        policy.forEach((k, v) -> assertThat(pom.split("<" + k + ">" + v + "</" + k + ">", -1))
                .as("surefire and failsafe set %s=%s", k, v)
                .hasSize(3));
        assertThat(Files.readString(root.resolve("docker-compose.yml"))).contains("env_file: native-memory.env");
    }

    /** The port of the first replica of {@code module} in the embedded stack (8081-8084, 8181). */
    private static int stackPort(String module) {
        return ServiceSpec.ALL.stream()
                .filter(s -> s.module().equals(module) && s.replica() == 1)
                .findFirst()
                .orElseThrow()
                .port();
    }

    private static JsonNode named(List<JsonNode> objects, String kind, String name) {
        return objects.stream()
                .filter(o -> o.path("kind").asText().equals(kind)
                        && o.at("/metadata/name").asText().equals(name))
                .findFirst()
                .orElseThrow(() -> new AssertionError("no " + kind + " " + name));
    }

    private static List<JsonNode> yaml(String text) throws IOException {
        ObjectMapper mapper = new ObjectMapper(new YAMLFactory());
        List<JsonNode> out = new ArrayList<>();
        try (YAMLParser parser = new YAMLFactory().createParser(text)) {
            mapper.readValues(parser, JsonNode.class).forEachRemaining(out::add);
        }
        return out;
    }

    private static String run(String... command) throws Exception {
        return run(Map.of(), command);
    }

    private static String run(Map<String, String> env, String... command) throws Exception {
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        builder.environment().putAll(env);
        Process p = builder.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(String.join(" ", command) + ":\n" + out).isZero();
        return out;
    }
}
