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
        List<ObjectInfo> objects = store.list(from, true);
        beforeDownload.accept(total(objects.stream().mapToLong(o -> Math.max(0, o.size()))));
        List<Path> written = new ArrayList<>();
        for (ObjectInfo o : objects) {
            written.add(store.download(
                    o.uri(), targetIn(root, o.uri().relativeTo(from), o.uri(), StorageException.Kind.FAILED)));
        }
        return written;
    }

    /** The files {@code manifest} lists under {@code folder}, each checked against its sha256 as it is written. */
    static List<Path> downloadListed(
            ObjectStore store, S3Uri folder, Manifest manifest, Path dir, LongConsumer beforeDownload) {
        Path root = dir.toAbsolutePath().normalize();
        beforeDownload.accept(total(manifest.files().stream().mapToLong(Manifest.Entry::size)));
        List<Path> written = new ArrayList<>();
        for (Manifest.Entry e : manifest.files()) {
            // a manifest naming a path outside is a damaged publication
            Path target = targetIn(root, e.path(), folder.resolve(Manifest.FILE_NAME), StorageException.Kind.CORRUPT);
            written.add(store.downloadVerified(folder, e, target));
        }
        return written;
    }

    private static long total(java.util.stream.LongStream sizes) {
        return sizes.reduce(0, Math::addExact);
    }

    /** Where {@code relative} goes under {@code root}; never outside it, whatever {@code source} names. */
    private static Path targetIn(Path root, String relative, S3Uri source, StorageException.Kind kind) {
        Path target = root.resolve(relative).normalize();
        if (!target.startsWith(root) || target.equals(root)) {
            // S3Uri and the manifest's reader already reject '..' segments; this guards against anything missed
            throw new StorageException(kind, source, source + " names '" + relative + "', outside " + root);
        }
        return target;
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
