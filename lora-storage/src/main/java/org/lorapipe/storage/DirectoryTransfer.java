package org.lorapipe.storage;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.LongConsumer;
import java.util.stream.Stream;
import org.lorapipe.contract.artifact.Manifest;

/**
 * Mirrors local directories to S3 prefixes and back, for {@link ObjectStore#uploadDirectory},
 * {@link ObjectStore#downloadPrefix} and {@link ObjectStore#publish}. Keys use '/' whatever the
 * local separator; files go one at a time, each streamed and retried on its own.
 */
final class DirectoryTransfer {

    private DirectoryTransfer() {}

    static List<ObjectInfo> upload(ObjectStore store, Path dir, S3Uri prefix) {
        List<ObjectInfo> uploaded = new ArrayList<>();
        for (Path file : filesUnder(dir)) {
            uploaded.add(store.put(prefix.resolve(relativeKey(dir, file)), file));
        }
        return uploaded;
    }

    static List<Path> download(ObjectStore store, S3Uri prefix, Path dir, LongConsumer beforeDownload) {
        Path root = dir.toAbsolutePath().normalize();
        S3Uri from = prefix.asPrefix();
        List<Path> written = new ArrayList<>();
        List<ObjectInfo> objects = store.list(from, true);
        long total = 0;
        for (ObjectInfo o : objects) {
            total = Math.addExact(total, Math.max(0, o.size()));
        }
        beforeDownload.accept(total);
        for (ObjectInfo o : objects) {
            String relative = o.uri().relativeTo(from);
            Path target = root.resolve(relative).normalize();
            if (!target.startsWith(root) || target.equals(root)) {
                // S3Uri already rejects '..' segments; this guards against anything it missed
                throw new StorageException(
                        StorageException.Kind.FAILED, o.uri(), o.uri() + " would be written outside " + root);
            }
            written.add(store.download(o.uri(), target));
        }
        return written;
    }

    static Manifest publish(ObjectStore store, S3Uri prefix, Path dir) {
        Publication publication = store.beginPublication(prefix);
        for (Path file : filesUnder(dir)) {
            publication.putFile(relativeKey(dir, file), file);
        }
        return publication.commit();
    }

    /** Regular files under {@code dir}, sorted so uploads and manifests are reproducible. */
    static List<Path> filesUnder(Path dir) {
        if (!Files.isDirectory(dir)) {
            throw new UncheckedIOException(new IOException(dir + " is not a directory"));
        }
        try (Stream<Path> files = Files.walk(dir)) {
            return files.filter(Files::isRegularFile).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + dir, e);
        }
    }

    static String relativeKey(Path dir, Path file) {
        return dir.relativize(file).toString().replace(File.separatorChar, '/');
    }
}
