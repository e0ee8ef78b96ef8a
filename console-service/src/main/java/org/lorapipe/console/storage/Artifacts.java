package org.lorapipe.console.storage;

import jakarta.enterprise.context.ApplicationScoped;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.jboss.logging.Logger;
import org.lorapipe.contract.BucketLayout;
import org.lorapipe.contract.artifact.Manifest;
import org.lorapipe.storage.ObjectStore;
import org.lorapipe.storage.S3Uri;

/**
 * The files a run or a sweep has published, each with a download link. The file list of a folder is
 * its publication manifest's ({@code _manifest.json}), never a listing: an unfinished folder has no
 * files to show.
 */
@ApplicationScoped
public class Artifacts {
    private static final Logger LOG = Logger.getLogger(Artifacts.class);

    /** One file: its folder (adapter, eval, merged, report), its path in it, size and link. */
    public record File(String folder, String path, long size, String sha256, String link) {}

    private final ObjectStore store;
    private final DownloadLinks links;

    public Artifacts(ObjectStore store, DownloadLinks links) {
        this.store = store;
        this.links = links;
    }

    /** Every published file of the run's adapter, evaluation and merged model. */
    public List<File> ofRun(String requestId) {
        List<File> out = new ArrayList<>();
        add(out, "adapter", BucketLayout.adapter(requestId));
        add(out, "eval", BucketLayout.evaluation(requestId));
        add(out, "merged", BucketLayout.merged(requestId));
        return out;
    }

    /** Every file of a sweep's published report. */
    public List<File> ofSweep(String sweepId) {
        List<File> out = new ArrayList<>();
        add(out, "report", BucketLayout.sweepReport(sweepId));
        return out;
    }

    private void add(List<File> out, String folder, String prefixKey) {
        S3Uri prefix = store.uri(prefixKey).asPrefix();
        Optional<Manifest> manifest;
        try {
            manifest = store.readManifest(prefix);
        } catch (RuntimeException e) {
            LOG.debugf("no manifest at %s: %s", prefix, e.getMessage());
            return;
        }
        manifest.ifPresent(m -> m.files().forEach(f -> {
            String key = prefix.key() + f.path();
            out.add(new File(folder, f.path(), f.size(), f.sha256(), links.link(key)));
        }));
    }
}
