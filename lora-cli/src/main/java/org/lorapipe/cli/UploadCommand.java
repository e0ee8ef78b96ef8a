package org.lorapipe.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.lorapipe.contract.BucketLayout;
import org.lorapipe.contract.request.RequestParser;
import org.lorapipe.storage.ObjectInfo;
import org.lorapipe.storage.ObjectStore;
import org.lorapipe.storage.S3Uri;
import org.lorapipe.storage.StorageConfig;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

/**
 * {@code lora upload FILE... URI}: puts data sets and benchmark files where requests can name them. A URI
 * ending in {@code /} is a folder the files keep their names in; otherwise one file goes to that key. The
 * folders the pipeline writes (models, datasets, runs, sweeps) are refused: models come in with
 * {@code lora import}, the rest is the stages' own.
 */
@Command(
        name = "upload",
        mixinStandardHelpOptions = true,
        description = {
            "Upload data set or benchmark files to the pipeline's bucket, for requests to name (dataset.uri,"
                    + " evaluation.tasks[].uri).",
            "URI ending in '/': a folder, each FILE keeps its name; otherwise the one FILE goes to that key."
        },
        footerHeading = "%nExamples:%n",
        footer = {
            "  lora upload examples/stories-instruct/*.jsonl s3://lora/data/stories-instruct/",
            "  lora upload my-train.jsonl s3://lora/data/support-chats/train.jsonl",
        })
public final class UploadCommand implements Callable<Integer> {
    private static final List<String> PIPELINE_FOLDERS =
            List.of(BucketLayout.MODELS, BucketLayout.DATASETS, BucketLayout.RUNS, BucketLayout.SWEEPS);

    @Parameters(arity = "2..*", paramLabel = "FILE... URI", description = "The files, then where they go.")
    List<String> arguments;

    @Mixin
    StorageOptions storage;

    @Override
    public Integer call() {
        List<Path> files = arguments.subList(0, arguments.size() - 1).stream()
                .map(Path::of)
                .toList();
        String target = arguments.get(arguments.size() - 1);
        StorageConfig config = storage.config();
        S3Uri to = destination(target, files, config.bucket());
        try (ObjectStore store = new ObjectStore(config)) {
            for (Path f : files) {
                S3Uri uri = to.key().endsWith("/") ? new S3Uri(to.bucket(), to.key() + f.getFileName()) : to;
                ObjectInfo put = store.put(uri, f);
                System.out.printf("%s  %s%n", uri, Sizes.human(put.size()));
            }
        }
        return 0;
    }

    /** The checked destination; every problem with the arguments is a {@link UsageProblem}. */
    private static S3Uri destination(String target, List<Path> files, String bucket) {
        List<String> problems = new ArrayList<>();
        for (Path f : files) {
            if (!Files.isRegularFile(f)) {
                problems.add(f + " is not a file");
            }
        }
        S3Uri to = null;
        try {
            to = S3Uri.parse(target);
        } catch (IllegalArgumentException e) {
            problems.add(e.getMessage());
        }
        if (to != null) {
            if (!to.bucket().equals(bucket)) {
                problems.add(target + " is not in the pipeline's bucket '" + bucket
                        + "' (requests may name only that one; --bucket or S3_BUCKET chooses it)");
            }
            if (to.key().isEmpty() || !RequestParser.isNormalisedKey(to.key())) {
                problems.add(target + " must name a key without '.', '..' or empty segments, e.g. s3://" + bucket
                        + "/data/my-set/train.jsonl");
            }
            String key = to.key();
            PIPELINE_FOLDERS.stream()
                    .filter(key::startsWith)
                    .findFirst()
                    .ifPresent(
                            folder -> problems.add(
                                    target + " is inside " + folder
                                            + ", which the pipeline writes: upload data under data/ (models come in with `lora import`)"));
            if (!key.endsWith("/") && files.size() > 1) {
                problems.add(files.size() + " files cannot all go to the one key " + target
                        + ": end the URI with '/' to upload them into a folder");
            }
        }
        if (!problems.isEmpty()) {
            throw new UsageProblem(String.join("\n       ", problems));
        }
        return to;
    }
}
