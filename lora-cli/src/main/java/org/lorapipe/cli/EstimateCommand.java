package org.lorapipe.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.lorapipe.contract.json.Json;
import org.lorapipe.contract.request.TrainingRequest;
import org.lorapipe.model.LlamaConfig;
import org.lorapipe.model.ModelFormatException;
import org.lorapipe.storage.ObjectStore;
import org.lorapipe.storage.S3Uri;
import org.lorapipe.storage.StorageException;
import org.lorapipe.tuning.memory.ByteSize;
import org.lorapipe.tuning.memory.MemoryEstimate;
import org.lorapipe.tuning.memory.MemoryEstimator;
import org.lorapipe.tuning.memory.MemoryFit;
import org.lorapipe.tuning.memory.RunShape;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code lora estimate REQUEST.json}: the peak memory a training request would take on this engine,
 * part by part, from its base model's config.json alone (nothing is loaded or trained), the estimate
 * the trainer makes at intake; with {@code --budget}, whether it fits and which settings would.
 */
@Command(
        name = "estimate",
        mixinStandardHelpOptions = true,
        description = {
            "The peak memory a training request would take, part by part, before it runs:",
            "weights as held, adapter, gradients, optimizer state, saved activations,",
            "the loss chunk's logits, one layer in flight, the allocator's share and the",
            "runtime baseline (JVM + libtorch), on this engine (CPU, fp32 compute).",
            "Reads only the base model's config.json: from the request's baseModel in",
            "object storage, or --model. The trainer-service makes the same estimate at",
            "intake and refuses a run over lora.trainer.memory-budget.",
        },
        footer = {
            "",
            "Examples:",
            "  lora estimate request.json",
            "  lora estimate request.json --model .lora/models/stories260K",
            "  lora estimate request.json --budget 8G     (exit 3 if it does not fit)",
            "  lora estimate request.json --json",
            "  lora estimate --article                   (the article's 7B QLoRA run)",
            "",
            "The sequence length is dataset.maxSeqLength: batches are padded to their longest",
            "example, so a dataset of shorter examples takes less (the trainer uses the",
            "dataset's longest). Exit codes: 0 fits (or no --budget), 2 bad input, 3 over budget.",
        })
public final class EstimateCommand implements Callable<Integer> {

    /** Exit code of a run over {@code --budget}. */
    static final int OVER_BUDGET = 3;

    @Parameters(
            paramLabel = "REQUEST.json",
            arity = "0..1",
            description = "The training request (as for lora submit); not needed with --article.")
    Path file;

    @Option(
            names = "--model",
            paramLabel = "DIR|config.json",
            description = "A local model folder (or its config.json) instead of the request's baseModel.")
    Path model;

    @Option(names = "--json", description = "Print the estimate as JSON (bytes).")
    boolean json;

    @Option(
            names = "--budget",
            paramLabel = "SIZE",
            description = "Memory the run may take (8G, 512M, bytes): says whether it fits and which settings"
                    + " would make it fit, as the trainer's refusal does.")
    String budget;

    @Option(
            names = "--article",
            description = "Llama-2 7B with the article's QLoRA settings next to its 17.86 GB, and why they differ.")
    boolean article;

    @Mixin
    StorageOptions storage;

    @Override
    public Integer call() throws IOException {
        Long limit = budget == null ? null : parseSize(budget);
        if (article) {
            System.out.print(ArticleEstimate.render(new MemoryEstimator()));
            return 0;
        }
        if (file == null) {
            throw new UsageProblem("pass a request file (lora estimate REQUEST.json), or --article");
        }
        TrainingRequest request = SubmitCommand.read(file, null, storage.bucket());
        String source = model != null ? model.toString() : request.baseModel();
        RunShape shape = RunShape.of(readConfig(request), request);
        MemoryEstimator estimator = new MemoryEstimator();
        MemoryEstimate estimate;
        try {
            estimate = estimator.estimate(shape);
        } catch (IllegalArgumentException e) {
            throw new UsageProblem(file + ": " + e.getMessage());
        }
        List<MemoryFit.Suggestion> fits = limit == null || estimate.total() <= limit
                ? List.of()
                : new MemoryFit(estimator).suggestions(shape, limit);
        System.out.print(
                json ? json(request, source, estimate, limit, fits) : table(request, source, estimate, limit, fits));
        return limit != null && estimate.total() > limit ? OVER_BUDGET : 0;
    }

    /** The model's config: --model (a folder or its config.json), else config.json of the request's baseModel. */
    private LlamaConfig readConfig(TrainingRequest request) throws IOException {
        try {
            if (model != null) {
                Path configJson = Files.isDirectory(model) ? model.resolve("config.json") : model;
                return LlamaConfig.read(configJson);
            }
            S3Uri config;
            try {
                config = S3Uri.parse(request.baseModel()).asPrefix().resolve("config.json");
            } catch (IllegalArgumentException e) {
                throw new UsageProblem(e.getMessage());
            }
            try (ObjectStore store = new ObjectStore(storage.config())) {
                if (!store.exists(config)) {
                    throw new UsageProblem("no model at " + request.baseModel() + " (no config.json there, on "
                            + store.config().endpoint() + "): import one with `lora import`, check --s3-endpoint"
                            + " and --bucket, or pass a local model with --model DIR");
                }
                JsonNode root = Json.mapper().readTree(store.getString(config));
                return LlamaConfig.fromJson(root, config.toString());
            } catch (StorageException e) {
                throw new UsageProblem("cannot read " + config + ": " + e.getMessage()
                        + " (is the stack up? or pass a local model with --model DIR)");
            }
        } catch (ModelFormatException e) {
            throw new UsageProblem(e.getMessage());
        }
    }

    private static String table(
            TrainingRequest request, String source, MemoryEstimate e, Long limit, List<MemoryFit.Suggestion> fits) {
        StringBuilder out = new StringBuilder();
        out.append("Memory estimate of ")
                .append(request.requestId())
                .append(" on ")
                .append(source)
                .append('\n');
        out.append(MemoryReport.describe(e)).append('\n');
        out.append(MemoryReport.table(e));
        if (limit != null) {
            out.append('\n');
            if (e.total() <= limit) {
                out.append(String.format(
                        Locale.ROOT,
                        "Fits the budget of %s (%s to spare).%n",
                        ByteSize.of(limit),
                        ByteSize.of(limit - e.total())));
            } else if (fits.isEmpty()) {
                out.append("Over the budget of ")
                        .append(ByteSize.of(limit))
                        .append(", and no setting tried fits (a smaller micro-batch, gradient checkpointing, nf4,")
                        .append(" shorter sequences, a lower lora.r, sgd, checkpointing with nf4): use a smaller")
                        .append(" base model or more memory.\n");
            } else {
                out.append("Over the budget of ").append(ByteSize.of(limit)).append(". Any of these fits:\n");
                fits.forEach(f -> out.append("  ").append(f.describe()).append('\n'));
            }
        }
        return out.toString();
    }

    private static String json(
            TrainingRequest request, String source, MemoryEstimate e, Long limit, List<MemoryFit.Suggestion> fits) {
        ObjectNode root = MemoryReport.json(e);
        root.put("requestId", request.requestId());
        root.put("model", source);
        if (limit != null) {
            root.put("budget", limit);
            root.put("fits", e.total() <= limit);
            ArrayNode list = root.putArray("suggestions");
            for (MemoryFit.Suggestion f : fits) {
                list.addObject()
                        .put("setting", f.setting())
                        .put("value", f.value())
                        .put("total", f.estimate().total());
            }
        }
        return Json.writePretty(root) + "\n";
    }

    private static final Pattern SIZE =
            Pattern.compile("(\\d+(?:\\.\\d+)?)\\s*([KMGT]?)(?:i?B)?", Pattern.CASE_INSENSITIVE);

    /** {@code 8G}, {@code 8GiB}, {@code 512M}, {@code 1.5G} or a byte count; K, M, G, T are powers of 1024. */
    static long parseSize(String text) {
        Matcher m = SIZE.matcher(text.strip());
        if (!m.matches()) {
            throw new UsageProblem("--budget takes a size such as 8G, 512M or a byte count, got '" + text + "'");
        }
        int power = "KMGT"
                        .indexOf(Character.toUpperCase(
                                m.group(2).isEmpty() ? ' ' : m.group(2).charAt(0)))
                + 1;
        return (long) (Double.parseDouble(m.group(1)) * Math.pow(1024, power));
    }
}
