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
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.lorapipe.devstack.InfraJars;
import org.lorapipe.model.NativeMemoryPolicy;
import org.lorapipe.testkit.NeedsTools;

/**
 * The deployment files render and say what operators need: kustomize overlays give every service
 * Deployment an image, probes on /q/health, resources and its S3 credentials from the Secret, which
 * no committed file defines (nor any other secret value); the GPU overlay puts the trainer on a GPU;
 * docker-compose.yml is valid and has no default keys; every deployment runs the native memory policy. Needs kubectl and docker-compose
 * (.ci/run installs docker-compose).
 */
@NeedsTools
class DeploymentManifestsTest {
    private static final List<String> SERVICES =
            List.of("dataset-service", "trainer-service", "eval-service", "merge-service");
    private final Path root = InfraJars.locate().root();

    @ParameterizedTest
    @ValueSource(strings = {"cpu", "gpu"})
    void overlaysRenderDeploymentsOperatorsCanRun(String overlay) throws Exception {
        List<JsonNode> objects = yaml(run(
                "kubectl", "kustomize", root.resolve("k8s/overlays/" + overlay).toString()));
        List<JsonNode> deployments = objects.stream()
                .filter(o -> o.path("kind").asText().equals("Deployment"))
                .toList();
        assertThat(deployments).extracting(d -> d.at("/metadata/name").asText()).containsAll(SERVICES);
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
        for (String service : SERVICES) {
            assertThat(config).contains(service + ":");
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
