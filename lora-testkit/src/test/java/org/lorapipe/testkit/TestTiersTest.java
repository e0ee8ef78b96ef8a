package org.lorapipe.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The quick tier stays quick and self-contained: every test class of the repository that starts a
 * broker or an S3 server carries {@link NeedsInfra}, and every one that runs other programs carries
 * {@link NeedsTools} (integration tests, {@code *IT}, run only in {@code verify} anyway).
 */
class TestTiersTest {

    private static final Pattern INFRA = Pattern.compile(
            "@QuarkusTest\\b|LocalInfra\\.shared\\(|S3Server\\.start\\(|KafkaBroker\\.start\\(|EmbeddedStack\\.");
    private static final Pattern TOOLS =
            Pattern.compile("new ProcessBuilder\\(|TrainingRun\\.inChildProcess|TorchReference\\.");

    @Test
    void testsThatStartServersOrProgramsAreTagged() throws IOException {
        assertThat(untagged(INFRA, "@NeedsInfra"))
                .as("test classes starting a broker or S3 without @NeedsInfra")
                .isEmpty();
        assertThat(untagged(TOOLS, "@NeedsTools"))
                .as("test classes running other programs without @NeedsTools")
                .isEmpty();
    }

    @Test
    void theGuardSeesTheKnownInfraTests() throws IOException {
        assertThat(testSources())
                .as("the scan reaches the service modules")
                .anyMatch(p -> p.endsWith("DatasetServiceContractTest.java"));
    }

    private static List<String> untagged(Pattern uses, String tag) throws IOException {
        return testSources().stream()
                .filter(p -> !p.getFileName().toString().endsWith("IT.java"))
                .filter(p -> {
                    String src = read(p);
                    boolean isTest = src.contains("@Test") || src.contains("@ParameterizedTest");
                    return isTest && uses.matcher(src).find() && !src.contains(tag);
                })
                .map(p -> TestData.projectRoot().relativize(p).toString())
                .toList();
    }

    private static List<Path> testSources() throws IOException {
        Path root = TestData.projectRoot();
        try (Stream<Path> modules = Files.list(root)) {
            return modules.map(m -> m.resolve("src/test/java"))
                    .filter(Files::isDirectory)
                    .flatMap(TestTiersTest::javaFiles)
                    .toList();
        }
    }

    private static Stream<Path> javaFiles(Path dir) {
        try (Stream<Path> files = Files.walk(dir)) {
            return files.filter(f -> f.toString().endsWith(".java")).toList().stream();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static String read(Path p) {
        try {
            return Files.readString(p);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
