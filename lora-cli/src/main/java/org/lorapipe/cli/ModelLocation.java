package org.lorapipe.cli;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.lorapipe.contract.artifact.Manifest;
import org.lorapipe.storage.ObjectStore;
import org.lorapipe.storage.S3Uri;
import org.lorapipe.storage.StorageConfig;

/**
 * A model (or adapter) named on the command line as a local directory or an {@code s3://} prefix,
 * made available as a local directory.
 *
 * <p>An S3 prefix must be a complete publication (its {@value Manifest#FILE_NAME} exists). Its files
 * are downloaded, checked against the manifest's sha256, into {@code <cache>/<key>/}, where the key
 * is a hash of the endpoint and the URI. The manifest's file list is kept there ({@value #SOURCE}):
 * when it equals the published one, the download is skipped; when the model was re-published, the
 * new files replace the old directory in one rename.
 */
public final class ModelLocation {

    /** The record of what a cache entry holds: the publication's URI and manifest files. */
    static final String SOURCE = ".lora-source.json";

    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private ModelLocation() {}

    /** The default cache: $LORA_CACHE_DIR, else ~/.cache/lora/models. */
    public static Path defaultCache() {
        String env = System.getenv("LORA_CACHE_DIR");
        if (env != null && !env.isBlank()) {
            return Path.of(env);
        }
        return Path.of(System.getProperty("user.home"), ".cache", "lora", "models");
    }

    public static boolean isS3(String spec) {
        return spec != null && spec.startsWith("s3:");
    }

    /**
     * The local directory holding {@code spec}.
     *
     * @param what "model" or "adapter", for messages
     * @param progress where download progress goes (stderr, so stdout stays clean)
     */
    public static Path resolve(String spec, String what, StorageConfig storage, Path cache, PrintWriter progress) {
        if (!isS3(spec)) {
            Path dir = Path.of(spec);
            if (!Files.isDirectory(dir)) {
                throw new UsageProblem("no " + what + " directory at " + dir.toAbsolutePath()
                        + ": pass a directory written by `lora import --out DIR`, or an s3:// URI");
            }
            return dir;
        }
        S3Uri prefix;
        try {
            prefix = S3Uri.parse(spec).asPrefix();
        } catch (IllegalArgumentException e) {
            throw new UsageProblem(e.getMessage());
        }
        try (ObjectStore store = new ObjectStore(storage)) {
            return fetch(store, prefix, what, cache, progress);
        }
    }

    private static Path fetch(ObjectStore store, S3Uri prefix, String what, Path cache, PrintWriter progress) {
        Optional<Manifest> published = store.readManifest(prefix);
        if (published.isEmpty()) {
            boolean partial = !store.list(prefix, true).isEmpty();
            throw new UsageProblem(
                    partial
                            ? prefix + " has files but no " + Manifest.FILE_NAME
                                    + ": its upload never finished; publish it again (lora import --force)"
                            : "no " + what + " at " + prefix + " (on "
                                    + store.config().endpoint()
                                    + "): import one with `lora import ... --name NAME`, or check --bucket and"
                                    + " --s3-endpoint");
        }
        List<Manifest.Entry> files = published.get().files();
        Path dir = cache.resolve(key(store.config(), prefix));
        if (files.equals(cachedFiles(dir))) {
            progress.println("using cached " + prefix + " (" + dir + ")");
            progress.flush();
            return dir;
        }
        long total = files.stream().mapToLong(Manifest.Entry::size).sum();
        progress.printf("downloading %s (%d files, %s) to %s%n", prefix, files.size(), Sizes.human(total), dir);
        progress.flush();
        try {
            Files.createDirectories(cache);
            Path stage = Files.createTempDirectory(cache, "." + dir.getFileName() + ".partial-");
            try {
                for (Manifest.Entry e : files) {
                    Path target = stage.resolve(e.path()).normalize();
                    if (!target.startsWith(stage)) {
                        throw new IllegalStateException(prefix + " lists " + e.path() + ", outside the prefix");
                    }
                    store.download(prefix.resolve(e.path()), target);
                    String sha = sha256(target);
                    if (!sha.equals(e.sha256()) || Files.size(target) != e.size()) {
                        throw new IllegalStateException(prefix.resolve(e.path()) + " does not match its manifest entry"
                                + " (sha256 " + sha + ", expected " + e.sha256() + "); publish it again");
                    }
                    progress.printf("  %-32s %10s%n", e.path(), Sizes.human(e.size()));
                    progress.flush();
                }
                Files.writeString(
                        stage.resolve(SOURCE),
                        JSON.writeValueAsString(new Source(prefix.toString(), files)),
                        StandardCharsets.UTF_8);
                deleteTree(dir);
                Files.move(stage, dir, StandardCopyOption.ATOMIC_MOVE);
            } finally {
                deleteTree(stage);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the model cache " + cache + ": " + e.getMessage(), e);
        }
        return dir;
    }

    /** What the cache entry records about its origin. */
    record Source(String uri, List<Manifest.Entry> files) {}

    private static List<Manifest.Entry> cachedFiles(Path dir) {
        Path source = dir.resolve(SOURCE);
        if (!Files.isRegularFile(source)) {
            return null;
        }
        try {
            return JSON.readValue(source.toFile(), new TypeReference<Source>() {})
                    .files();
        } catch (IOException e) {
            return null; // unreadable: download again
        }
    }

    /** A stable directory name for (endpoint, prefix): readable start, hash for uniqueness. */
    static String key(StorageConfig storage, S3Uri prefix) {
        String readable = prefix.fileName().replaceAll("[^A-Za-z0-9._-]", "_");
        String hash = HexFormat.of()
                .formatHex(digest().digest((storage.endpoint() + "|" + prefix).getBytes(StandardCharsets.UTF_8)));
        return readable + "-" + hash.substring(0, 16);
    }

    static String sha256(Path file) throws IOException {
        MessageDigest md = digest();
        try (InputStream in = new DigestInputStream(Files.newInputStream(file), md)) {
            in.transferTo(java.io.OutputStream.nullOutputStream());
        }
        return HexFormat.of().formatHex(md.digest());
    }

    private static MessageDigest digest() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JDK always has SHA-256", e);
        }
    }

    static void deleteTree(Path p) throws IOException {
        if (!Files.exists(p)) {
            return;
        }
        try (Stream<Path> s = Files.walk(p)) {
            for (Path x : s.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(x);
            }
        }
    }
}
