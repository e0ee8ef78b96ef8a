package org.lorapipe.cli.sweep;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import org.lorapipe.cli.StorageOptions;
import org.lorapipe.cli.UsageProblem;
import org.lorapipe.contract.BucketLayout;
import org.lorapipe.contract.sweep.SweepIds;
import org.lorapipe.storage.ObjectStore;
import org.lorapipe.storage.S3Uri;
import org.lorapipe.storage.StorageConfig;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

/**
 * {@code lora sweep report ID DIR}: downloads a sweep's report ({@code sweeps/ID/report/}, a publication)
 * with every file checked against its manifest.
 */
@Command(
        name = "report",
        mixinStandardHelpOptions = true,
        description = {
            "Download a sweep's report (s3://<bucket>/sweeps/ID/report/: report.md, report.json, SVG charts)"
                    + " into DIR, every file checked against the publication's manifest.",
            "The report is rewritten after each run ends, so it can be pulled while the sweep runs."
        })
public final class SweepReportCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "ID", description = "The sweepId.")
    String sweepId;

    @Parameters(index = "1", paramLabel = "DIR", description = "Where the report goes (created if absent).")
    Path dir;

    @Mixin
    StorageOptions storage;

    @Override
    public Integer call() {
        if (!SweepIds.SWEEP_ID.matcher(sweepId).matches()) {
            throw new UsageProblem("ID '" + sweepId + "' is not a sweepId (letters, digits, '.', '_', '-')");
        }
        StorageConfig config = storage.config();
        S3Uri prefix = new S3Uri(config.bucket(), BucketLayout.sweepReport(sweepId));
        try (ObjectStore store = new ObjectStore(config)) {
            if (!store.isPublished(prefix)) {
                throw new IllegalStateException("no report for sweep " + sweepId + " yet (looked at " + prefix
                        + "): it is written when the first run ends; follow it with `lora sweep watch " + sweepId
                        + "`");
            }
            Files.createDirectories(dir);
            List<Path> files = store.downloadFolder(prefix, dir, bytes -> {});
            System.out.printf(
                    "pulled %s to %s: %d files; read %s%n", prefix, dir, files.size(), dir.resolve("report.md"));
            return 0;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + dir + ": " + e.getMessage(), e);
        }
    }
}
