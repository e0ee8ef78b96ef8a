package org.lorapipe.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The resolver's order and the download cache, against a real HTTP server on localhost. */
class TestDataTest {

    @TempDir
    Path tmp;

    private HttpServer server;
    private final Map<String, byte[]> served = new ConcurrentHashMap<>();

    @BeforeEach
    void serve() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/", exchange -> {
            byte[] body = served.get(exchange.getRequestURI().getPath());
            if (body == null) {
                exchange.sendResponseHeaders(404, -1);
            } else {
                exchange.sendResponseHeaders(200, body.length);
                exchange.getResponseBody().write(body);
            }
            exchange.close();
        });
        server.start();
    }

    @AfterEach
    void stop() {
        server.stop(0);
    }

    private String url(String path) {
        return "http://127.0.0.1:" + server.getAddress().getPort() + path;
    }

    private static String sha(byte[] b) {
        return HexFormat.of().formatHex(TestDataFetcher.sha256().digest(b));
    }

    private static String line(byte[] content, String path, String origin) {
        return sha(content) + "  " + content.length + "  " + path + "  " + origin;
    }

    /** A project root holding the lock (origins must be https in a real lock; the fetcher takes http too). */
    private Path project(String... lockLines) throws IOException {
        Path root = Files.createDirectories(tmp.resolve("work/checkout"));
        Files.write(root.resolve(TestDataLock.FILE), List.of(lockLines));
        return root;
    }

    @Test
    void environmentFirstThenSharedBesideTheProjectThenTheCache() throws IOException {
        Path root = project("# empty");
        Path cache = tmp.resolve("cache");
        assertThat(TestData.Resolution.find(null, root, cache).source()).isEqualTo("download cache");

        Path shared = Files.createDirectories(tmp.resolve("work/shared/data"));
        TestData.Resolution r = TestData.Resolution.find(null, root, cache);
        assertThat(r.source()).isEqualTo("../shared/data");
        assertThat(r.root()).isEqualTo(shared);

        Path own = Files.createDirectories(tmp.resolve("elsewhere"));
        TestData.Resolution env = TestData.Resolution.find(own.toString(), root, cache);
        assertThat(env.source()).isEqualTo(TestData.ENV);
        assertThat(env.root()).isEqualTo(own);
    }

    @Test
    void aVariableThatNamesNoFolderIsAnErrorNotAFallback() throws IOException {
        Path root = project("# empty");
        TestData.Resolution r = TestData.Resolution.find(tmp.resolve("nope").toString(), root, tmp.resolve("cache"));
        assertThatThrownBy(r::root)
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining(TestData.ENV + "=")
                .hasMessageContaining("is not a folder");
    }

    @Test
    void theCacheDownloadsEachPinnedFileOnceAndChecksIt() throws IOException {
        byte[] model = "weights".getBytes(StandardCharsets.UTF_8);
        byte[] tok = "tokens!".getBytes(StandardCharsets.UTF_8);
        served.put("/m/model.bin", model);
        served.put("/m/tok.bin", tok);
        Path root = project(
                line(model, "models/tiny/model.bin", url("/m/model.bin")),
                line(tok, "models/tiny/tok.bin", url("/m/tok.bin")));
        Path cache = tmp.resolve("cache");
        TestData.Resolution r = TestData.Resolution.find(null, root, cache);

        Path dir = r.provide("models/tiny");
        assertThat(dir.resolve("model.bin")).hasBinaryContent(model);
        assertThat(dir.resolve("tok.bin")).hasBinaryContent(tok);

        served.clear(); // a second use reads the cache, not the network
        assertThat(r.provide("models/tiny/model.bin")).hasBinaryContent(model);
    }

    @Test
    void aFileThatIsNotThePinnedOneNeverEntersTheCache() throws IOException {
        byte[] pinned = "the real file".getBytes(StandardCharsets.UTF_8);
        served.put("/f", "a tampered file".getBytes(StandardCharsets.UTF_8));
        Path root = project(line(pinned, "eval/x.jsonl", url("/f")));
        Path cache = tmp.resolve("cache");
        TestData.Resolution r = TestData.Resolution.find(null, root, cache);

        assertThatThrownBy(() -> r.provide("eval/x.jsonl"))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("sent more than the pinned")
                .hasMessageContaining("LORA_TEST_DATA");
        served.put("/f", "the REAL file".getBytes(StandardCharsets.UTF_8)); // same size, other bytes
        assertThatThrownBy(() -> r.provide("eval/x.jsonl"))
                .as("once failed, the resolution answers with the first failure at once")
                .hasMessageContaining("sent more than the pinned");
        TestData.Resolution again = TestData.Resolution.find(null, root, cache);
        assertThatThrownBy(() -> again.provide("eval/x.jsonl")).hasMessageContaining("is not the pinned file");
        assertThat(cache.resolve("eval/x.jsonl")).doesNotExist();
        try (var files = Files.walk(cache)) {
            assertThat(files.filter(Files::isRegularFile))
                    .as("no partial downloads left")
                    .isEmpty();
        }
    }

    @Test
    void noNetworkGivesOneMessageSayingHowToGetTheData() throws IOException {
        byte[] pinned = "x".getBytes(StandardCharsets.UTF_8);
        Path root = project(line(pinned, "models/a.bin", url("/missing")));
        TestData.Resolution r = TestData.Resolution.find(null, root, tmp.resolve("cache"));
        assertThatThrownBy(() -> r.provide("models/a.bin"))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("HTTP 404")
                .hasMessageContaining("set " + TestData.ENV)
                .hasMessageContaining("../shared/data")
                .hasMessageContaining("CONTRIBUTING.md");
    }

    @Test
    void filesWithoutAPublicCopySayHowTheyAreMade() throws IOException {
        byte[] pinned = "x".getBytes(StandardCharsets.UTF_8);
        Path root = project(line(pinned, "models/out.txt", "none:llama2.c run -t 0 -n 256 output"));
        TestData.Resolution r = TestData.Resolution.find(null, root, tmp.resolve("cache"));
        assertThat(r.provide("models")).as("a folder does not need it").isEqualTo(tmp.resolve("cache/models"));
        assertThatThrownBy(() -> r.provide("models/out.txt"))
                .hasMessageContaining("models/out.txt has no public copy (llama2.c run -t 0 -n 256 output)");
    }

    @Test
    void archiveMembersComeFromOnePassOverTheArchive() throws IOException {
        byte[] a = "question,A,B,C,D,A\n".getBytes(StandardCharsets.UTF_8);
        byte[] b = "q2,w,x,y,z,B\n".repeat(100).getBytes(StandardCharsets.UTF_8);
        served.put(
                "/data.tar",
                tar(Map.of("data/dev/a_dev.csv", a, "data/val/b_val.csv", b, "data/other.txt", new byte[700])));
        Path root = project(
                line(a, "eval/mmlu/dev/a_dev.csv", "tar:" + url("/data.tar") + "!data/dev/a_dev.csv"),
                line(b, "eval/mmlu/val/b_val.csv", "tar:" + url("/data.tar") + "!data/val/b_val.csv"));
        Path cache = tmp.resolve("cache");
        Path mmlu = TestData.Resolution.find(null, root, cache).provide("eval/mmlu");
        assertThat(mmlu.resolve("dev/a_dev.csv")).hasBinaryContent(a);
        assertThat(mmlu.resolve("val/b_val.csv")).hasBinaryContent(b);
    }

    @Test
    void theLockRefusesMalformedLinesAllAtOnce() {
        assertThatThrownBy(() -> TestDataLock.parse(
                        List.of(
                                "abc  12  models/x  https://example.org/x",
                                "0".repeat(64) + "  twelve  ../etc/passwd  ftp://x"),
                        "test-data.lock"))
                .hasMessageContaining(":1: not a lower-case SHA-256")
                .hasMessageContaining(":2: size is not a number")
                .hasMessageContaining(":2: path must be relative")
                .hasMessageContaining(":2: origin must be https:");
    }

    @Test
    void theRepositoryLockCoversEveryFileOfTheData() {
        TestDataLock lock = TestDataLock.read(TestData.projectRoot().resolve(TestDataLock.FILE));
        assertThat(lock.entries())
                .containsKeys(
                        "models/stories260K/stories260K.bin",
                        "models/stories260K/tok512.bin",
                        "instruct/alpaca_en_demo.json",
                        "eval/arc/ARC-Easy-Dev.jsonl");
        assertThat(lock.entries().get("models/stories260K/stories260K.bin").sha256())
                .as("the SHA-256 the data's own README gives")
                .isEqualTo("b0a507e7ad0f626624f17112325e66691f9076d622e1d3274d103d00299f2696");
    }

    /** A ustar archive of the given files. */
    private static byte[] tar(Map<String, byte[]> files) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (Map.Entry<String, byte[]> f : files.entrySet()) {
            byte[] h = new byte[512];
            byte[] name = f.getKey().getBytes(StandardCharsets.UTF_8);
            System.arraycopy(name, 0, h, 0, name.length);
            byte[] size = String.format("%011o", f.getValue().length).getBytes(StandardCharsets.US_ASCII);
            System.arraycopy(size, 0, h, 124, size.length);
            h[156] = '0';
            out.write(h);
            out.write(f.getValue());
            out.write(new byte[(512 - f.getValue().length % 512) % 512]);
        }
        out.write(new byte[1024]);
        return out.toByteArray();
    }
}
