package org.lorapipe.testkit;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Where tests, examples and benchmarks find the public test data (a tiny pretrained model, instruction
 * sets, benchmark sets), the one resolver of the project. In this order:
 *
 * <ol>
 *   <li>the folder named by the environment variable {@value #ENV} (or the system property {@value
 *       #PROPERTY});
 *   <li>{@code ../shared/data} beside the project root;
 *   <li>a user cache, {@code ~/.cache/lora-pipeline/test-data} ({@code $XDG_CACHE_HOME} if set), filled
 *       on first use by downloading each file from the public origin pinned in {@value
 *       TestDataLock#FILE} and checking its SHA-256.
 * </ol>
 *
 * With none of them usable the call fails with one message saying how to get the data, and every later
 * call in the JVM fails at once with the same message: tests never skip themselves. The data is never
 * copied into the repository.
 */
public final class TestData {

    public static final String ENV = "LORA_TEST_DATA";
    public static final String PROPERTY = "lora.test.data";
    static final String ROOT_PROPERTY = "lora.project.root";

    private static Resolution resolved;

    private TestData() {}

    /** A file of the data, e.g. {@code models/stories260K/stories260K.bin}, fetched into the cache if needed. */
    public static Path file(String relative) {
        Path p = resolution().provide(relative);
        if (!Files.isRegularFile(p)) {
            throw new IllegalStateException("no file " + relative + " in the test data at "
                    + resolution().root() + " (" + resolution().source() + ")");
        }
        return p;
    }

    /**
     * A folder of the data, e.g. {@code models/stories260K}, with every downloadable pinned file under it
     * present (a file without a public copy fails when it is asked for by {@link #file}).
     */
    public static Path dir(String relative) {
        Path p = resolution().provide(relative);
        if (!Files.isDirectory(p)) {
            throw new IllegalStateException("no folder " + relative + " in the test data at "
                    + resolution().root() + " (" + resolution().source() + ")");
        }
        return p;
    }

    /**
     * The data folder, with every downloadable pinned file present (in the cache case, fetched on the
     * first call). Files without a public copy are left to the tests that read them, which then say how
     * to make them.
     */
    public static Path root() {
        return resolution().provide("");
    }

    /** The project root: the nearest folder at or above {@value #ROOT_PROPERTY} or the working folder holding the lock. */
    public static Path projectRoot() {
        String start = System.getProperty(ROOT_PROPERTY, System.getProperty("user.dir"));
        for (Path p = Path.of(start).toAbsolutePath().normalize(); p != null; p = p.getParent()) {
            if (Files.isRegularFile(p.resolve(TestDataLock.FILE))) {
                return p;
            }
        }
        throw new IllegalStateException("no " + TestDataLock.FILE + " at or above " + start
                + ": run the tests from inside the lora-pipeline checkout");
    }

    static synchronized Resolution resolution() {
        if (resolved == null) {
            resolved = Resolution.find(System.getProperty(PROPERTY, System.getenv(ENV)), projectRoot(), cacheHome());
        }
        return resolved;
    }

    static Path cacheHome() {
        String xdg = System.getenv("XDG_CACHE_HOME");
        Path base = xdg != null && !xdg.isBlank() ? Path.of(xdg) : Path.of(System.getProperty("user.home"), ".cache");
        return base.resolve("lora-pipeline").resolve("test-data");
    }

    /** The chosen source, or the failure that every call then reports. */
    static final class Resolution {
        private final Path root;
        private final String source;
        private final TestDataLock lock;
        private String failure;

        Resolution(Path root, String source, TestDataLock lock, String failure) {
            this.root = root;
            this.source = source;
            this.lock = lock;
            this.failure = failure;
        }

        String source() {
            return source;
        }

        static Resolution find(String configured, Path projectRoot, Path cache) {
            TestDataLock lock = TestDataLock.read(projectRoot.resolve(TestDataLock.FILE));
            if (configured != null && !configured.isBlank()) {
                Path d = Path.of(configured).toAbsolutePath().normalize();
                if (!Files.isDirectory(d)) {
                    return failed(
                            lock,
                            ENV + "=" + configured + " is not a folder. Point it at a copy of the test"
                                    + " data folder (models/, instruct/, eval/), or unset it to use ../shared/data or the"
                                    + " download cache.");
                }
                return new Resolution(d, ENV, lock, null);
            }
            Path shared = projectRoot.resolveSibling("shared").resolve("data");
            if (Files.isDirectory(shared)) {
                return new Resolution(shared, "../shared/data", lock, null);
            }
            return new Resolution(cache, "download cache", lock, null);
        }

        static Resolution failed(TestDataLock lock, String why) {
            return new Resolution(null, "none", lock, why);
        }

        synchronized Path root() {
            if (failure != null) {
                throw new IllegalStateException(failure);
            }
            return root;
        }

        /** root/relative, after fetching the pinned files under it when the cache is the source. */
        synchronized Path provide(String relative) {
            Path r = root();
            if (!source.equals("download cache")) {
                return relative.isEmpty() ? r : r.resolve(relative);
            }
            List<TestDataLock.Entry> wanted = relative.isEmpty()
                    ? lock.entries().values().stream()
                            .filter(TestDataLock.Entry::downloadable)
                            .toList()
                    : lock.under(relative);
            if (wanted.isEmpty()) {
                throw new IllegalStateException(relative + " is not in " + TestDataLock.FILE
                        + ": add it there (sha256, size, path, origin) to use it from the download cache");
            }
            List<TestDataLock.Entry> missing = new ArrayList<>();
            for (TestDataLock.Entry e : wanted) {
                if (!Files.isRegularFile(r.resolve(e.path()))) {
                    missing.add(e);
                }
            }
            for (TestDataLock.Entry e : missing) {
                if (!e.downloadable() && e.path().equals(relative)) { // asked for by name: say how to make it
                    throw new IllegalStateException(howToGet(
                            e.path() + " has no public copy (" + e.origin().substring("none:".length()) + ")"));
                }
            }
            try {
                // a folder gets every downloadable file; one without a public copy fails only when read
                new TestDataFetcher(r)
                        .fetch(missing.stream()
                                .filter(TestDataLock.Entry::downloadable)
                                .toList());
            } catch (IOException | RuntimeException e) {
                String message = howToGet("downloading into " + r + " failed: " + e.getMessage());
                failure = message; // later calls fail at once instead of waiting on the network again
                throw new IllegalStateException(message, e);
            }
            return relative.isEmpty() ? r : r.resolve(relative);
        }

        private String howToGet(String what) {
            return "The tests need the public test data and found none: " + ENV + " is not set, there is no"
                    + " ../shared/data beside the project, and " + what + ".\n"
                    + "Get the data in one of these ways:\n"
                    + "  - set " + ENV + " to a folder holding a copy of it (models/, instruct/, eval/);\n"
                    + "  - or place it at ../shared/data beside the checkout;\n"
                    + "  - or run the tests once with network access: each file is downloaded from the origin"
                    + " pinned in " + TestDataLock.FILE + " into " + root + " and checked against its SHA-256.\n"
                    + "See CONTRIBUTING.md, \"Test data\".";
        }
    }
}
