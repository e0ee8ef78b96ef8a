package org.lorapipe.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import org.lorapipe.contract.BucketLayout;
import org.lorapipe.contract.artifact.Manifest;
import org.lorapipe.contract.checksum.ChecksumVerifier;
import org.lorapipe.contract.event.ModelMerged;
import org.lorapipe.contract.json.Json;
import org.lorapipe.contract.request.RequestParser;
import org.lorapipe.storage.ObjectStore;
import org.lorapipe.storage.S3Uri;
import org.lorapipe.storage.StorageConfig;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code lora pull ID DIR}: downloads the merged model of a run ({@code s3://<bucket>/runs/ID/merged/},
 * a complete publication) into a staging folder next to DIR, checks every file against
 * {@code SHA256SUMS} ({@link ChecksumVerifier}) and against the publication's manifest, and only then
 * moves it to DIR: a failed pull never leaves a half or corrupt model in DIR.
 */
@Command(
        name = "pull",
        mixinStandardHelpOptions = true,
        sortOptions = false,
        description = {
            "Download the merged model of a run (s3://<bucket>/runs/ID/merged/) into DIR and verify every"
                    + " file's checksum.",
            "",
            "DIR is written only when every file arrived and matches SHA256SUMS; it must be empty or absent"
                    + " unless --force.",
        },
        footerHeading = "%nExamples:%n",
        footer = {
            "  lora pull stories-r8 ./stories-r8-merged",
            "  lora generate --model ./stories-r8-merged --prompt \"Once upon a time\" --temperature 0",
        })
public final class PullCommand implements Callable<Integer> {

    @Parameters(index = "0", paramLabel = "ID", description = "The requestId (as printed by `lora submit`).")
    String requestId;

    @Parameters(index = "1", paramLabel = "DIR", description = "Where the model goes (created if absent).")
    Path dir;

    @Option(names = "--force", description = "Replace the contents of a DIR that is not empty.")
    boolean force;

    @Mixin
    StorageOptions storage;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        Path target = dir.toAbsolutePath().normalize();
        validate(target);
        StorageConfig config = storage.config();
        S3Uri prefix = new S3Uri(config.bucket(), BucketLayout.merged(requestId));
        try (ObjectStore store = new ObjectStore(config)) {
            Optional<Manifest> published = store.readManifest(prefix);
            if (published.isEmpty()) {
                S3Uri decision = new S3Uri(config.bucket(), BucketLayout.notMerged(requestId));
                if (store.exists(decision)) {
                    throw new IllegalStateException(notMerged(store.getString(decision), config.bucket()));
                }
                throw new IllegalStateException("no merged model for " + requestId + " yet: watch it with `lora watch "
                        + requestId + "` (looked at " + prefix + " on " + config.endpoint() + ")");
            }
            Manifest manifest = published.get();
            PrintWriter err = spec.commandLine().getErr();
            err.printf(
                    "downloading %s (%d files, %s)%n",
                    prefix, manifest.files().size(), Sizes.human(manifest.totalSize()));
            err.flush();
            Path stage = tempDir(target.getParent(), "." + target.getFileName() + ".partial-");
            try {
                download(store, prefix, manifest, stage, err);
                verify(stage, manifest);
                replace(stage, target);
            } finally {
                ModelLocation.deleteTree(stage);
            }
            spec.commandLine()
                    .getOut()
                    .printf(
                            "pulled %s to %s: %d files, %s, checksums verified%n",
                            prefix, target, manifest.files().size(), Sizes.human(manifest.totalSize()));
            return 0;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + target + ": " + e.getMessage(), e);
        }
    }

    /** What to say about a run the merge-service decided not to merge (its recorded ModelMerged). */
    private String notMerged(String recordJson, String bucket) {
        String reason = Json.read(recordJson, ModelMerged.class).reason();
        return requestId + " was not merged: " + reason + ". Its adapter is at s3://" + bucket + "/runs/"
                + requestId + "/adapter/ (try it with `lora generate --adapter`); to get a merged model, resubmit"
                + " under a new requestId with merge.enabled true or a looser merge.gate";
    }

    private void validate(Path target) {
        List<String> problems = new ArrayList<>();
        if (!RequestParser.REQUEST_ID.matcher(requestId).matches()) {
            problems.add("ID '" + requestId + "' is not a requestId (letters, digits, '.', '_', '-')");
        }
        if (Files.exists(target) && !Files.isDirectory(target)) {
            problems.add(target + " is a file, not a directory: choose a directory");
        } else if (!force && !isEmptyOrAbsent(target)) {
            problems.add(target + " is not empty: pass --force to replace its contents, or choose another directory");
        }
        if (!problems.isEmpty()) {
            throw new UsageProblem(String.join("\n       ", problems));
        }
    }

    private static void download(ObjectStore store, S3Uri prefix, Manifest manifest, Path stage, PrintWriter err) {
        for (Manifest.Entry e : manifest.files()) {
            Path file = stage.resolve(e.path()).normalize();
            if (!file.startsWith(stage) || file.equals(stage)) {
                throw new IllegalStateException(prefix + " lists " + e.path() + ", outside the folder: refusing it");
            }
            store.download(prefix.resolve(e.path()), file);
            err.printf("  %-32s %10s%n", e.path(), Sizes.human(e.size()));
            err.flush();
        }
    }

    /** SHA256SUMS first (the model's own check), then every file against the publication's manifest. */
    private void verify(Path stage, Manifest manifest) throws IOException {
        try {
            ChecksumVerifier.verify(stage);
        } catch (ChecksumVerifier.ChecksumException e) {
            throw new IllegalStateException("the merged model of " + requestId + " failed its checksums: "
                    + String.join("; ", e.problems()) + "; nothing was written to " + dir.toAbsolutePath()
                    + " (pull again; if it persists, the published model is damaged: re-run the merge)");
        }
        List<String> problems = new ArrayList<>();
        for (Manifest.Entry e : manifest.files()) {
            Path file = stage.resolve(e.path());
            String sha = ModelLocation.sha256(file);
            if (!sha.equals(e.sha256()) || Files.size(file) != e.size()) {
                problems.add(
                        e.path() + " differs from its publication record: sha256 " + sha + ", expected " + e.sha256());
            }
        }
        if (!problems.isEmpty()) {
            throw new IllegalStateException("the merged model of " + requestId + " failed its checksums: "
                    + String.join("; ", problems) + "; nothing was written to " + dir.toAbsolutePath());
        }
    }

    /** Puts the verified folder at {@code target}, replacing what was there (empty, or --force). */
    private static void replace(Path stage, Path target) throws IOException {
        if (Files.exists(target)) {
            Path old = tempDir(target.getParent(), "." + target.getFileName() + ".old-");
            Files.delete(old);
            Files.move(target, old, StandardCopyOption.ATOMIC_MOVE);
            Files.move(stage, target, StandardCopyOption.ATOMIC_MOVE);
            ModelLocation.deleteTree(old);
        } else {
            Files.move(stage, target, StandardCopyOption.ATOMIC_MOVE);
        }
    }

    private static Path tempDir(Path parent, String prefix) throws IOException {
        Files.createDirectories(parent);
        return Files.createTempDirectory(parent, prefix);
    }

    private static boolean isEmptyOrAbsent(Path target) {
        if (!Files.exists(target)) {
            return true;
        }
        try (Stream<Path> s = Files.list(target)) {
            return s.findAny().isEmpty();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + target, e);
        }
    }
}
