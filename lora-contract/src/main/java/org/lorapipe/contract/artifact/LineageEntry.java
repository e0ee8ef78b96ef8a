package org.lorapipe.contract.artifact;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.stream.Stream;
import org.lorapipe.contract.checksum.Sha256Sums;

/**
 * One input a published model was made from, pinned by its sha256: a file of the base model, the
 * prepared dataset's {@code manifest.json} and shards, the tokenizer the dataset was cut with, a file of
 * the adapter. Model cards list these so that anyone can check which bytes went in.
 *
 * @param input what kind of input: {@value #BASE_MODEL}, {@value #DATASET}, {@value #TOKENIZER},
 *     {@value #ADAPTER}, {@value #EVALUATION}
 * @param uri where it was read from ({@code s3://...}, the file itself or its folder)
 * @param path the file, relative to its folder ({@code config.json}); for the tokenizer, {@code tokenizer.json}
 * @param sha256 lowercase hex of the file's bytes
 */
public record LineageEntry(String input, String uri, String path, String sha256) {
    public static final String BASE_MODEL = "base model";
    public static final String DATASET = "dataset";
    public static final String TOKENIZER = "tokenizer";
    public static final String ADAPTER = "adapter";
    public static final String EVALUATION = "evaluation";

    public LineageEntry {
        Objects.requireNonNull(input, "input");
        Objects.requireNonNull(path, "path");
        Objects.requireNonNull(sha256, "sha256");
    }

    /**
     * One entry per file of a folder downloaded to {@code localDir} from {@code folderUri}, sorted by
     * path: the sha256 its publication's manifest lists when there is one (the download was checked
     * against it), else the sha256 of the local copy (a folder uploaded by other tools).
     */
    public static List<LineageEntry> ofFolder(
            String input, String folderUri, Path localDir, Optional<Manifest> manifest) {
        String uri = folderUri.endsWith("/") ? folderUri : folderUri + "/";
        List<LineageEntry> out = new ArrayList<>();
        try (Stream<Path> files = Files.walk(localDir)) {
            for (Path f : files.filter(Files::isRegularFile).sorted().toList()) {
                String path = localDir.relativize(f).toString().replace('\\', '/');
                String sha256 = manifest.flatMap(m -> m.file(path))
                        .map(Manifest.Entry::sha256)
                        .orElse(null);
                out.add(new LineageEntry(input, uri + path, path, sha256 != null ? sha256 : Sha256Sums.sha256(f)));
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot hash the files of " + localDir + ": " + e.getMessage(), e);
        }
        return out;
    }

    /** One entry per file a publication's manifest lists, in its order (sorted by path). */
    public static List<LineageEntry> ofManifest(String input, String folderUri, Manifest manifest) {
        String uri = folderUri.endsWith("/") ? folderUri : folderUri + "/";
        return manifest.files().stream()
                .map(e -> new LineageEntry(input, uri + e.path(), e.path(), e.sha256()))
                .toList();
    }
}
