package org.lorapipe.service.jobs;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Optional;
import java.util.stream.Stream;
import org.jboss.logging.Logger;

/**
 * A job's local scratch folder (models, shards, outputs staged before upload), deleted with everything
 * in it when the job ends: {@code try (WorkDir work = WorkDir.create(...)) { ... work.path() ... }}.
 */
public final class WorkDir implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(WorkDir.class);

    private final Path path;

    private WorkDir(Path path) {
        this.path = path;
    }

    /**
     * A fresh folder {@code <stage>-<requestId>-*} under {@code base} (a configured work dir), or under
     * the system temporary folder when none is configured.
     */
    public static WorkDir create(Optional<String> base, String stage, String requestId) {
        try {
            Path root = base.map(Path::of).orElse(Path.of(System.getProperty("java.io.tmpdir")));
            Files.createDirectories(root);
            return new WorkDir(Files.createTempDirectory(root, stage + "-" + requestId + "-"));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create a work folder for " + requestId, e);
        }
    }

    public Path path() {
        return path;
    }

    public Path resolve(String child) {
        return path.resolve(child);
    }

    /** Deletes a folder and everything in it, logging (not throwing) what could not be deleted. */
    public static void deleteQuietly(Path dir) {
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            LOG.debugf("could not delete %s: %s", dir, e.getMessage());
        }
    }

    @Override
    public void close() {
        deleteQuietly(path);
    }
}
