package org.lorapipe.contract.artifact;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.TreeSet;
import org.lorapipe.contract.event.TaskResult;
import org.lorapipe.contract.event.TrainingMetrics;
import org.lorapipe.contract.json.Json;
import org.lorapipe.contract.request.QuantizationType;
import org.lorapipe.contract.request.TrainingRequest;

/**
 * The {@value #FILE} model card of a published adapter or merged model, as Hugging Face model cards
 * are written: YAML front matter between {@code ---} lines (what the Hub and other tools read), then
 * sections for people: the request, the training figures, the evaluation, and the lineage of every
 * input with its sha256.
 *
 * <p>Front matter: {@code base_model} (the Hugging Face id or the name, never an {@code s3://}
 * location), {@code library_name} ({@code peft} for an adapter, {@code transformers} for a merged
 * model), {@code pipeline_tag: text-generation}, {@code tags}, {@code license} only when known, then
 * {@code lora_pipeline} (request id, locations, dataset and tokenizer hash, the request, the training
 * figures and evaluation results) and {@code lineage} (one entry per input). Nested values are written
 * as JSON flow collections, which every YAML parser reads. Nothing in it depends on the time it was
 * written except the one "written at" line of the body.
 */
public final class ModelCard {
    public static final String FILE = "README.md";

    /** What the card describes. */
    public enum Kind {
        ADAPTER("peft", "LoRA adapter"),
        MERGED("transformers", "merged model (base + LoRA)");

        private final String library;
        private final String description;

        Kind(String library, String description) {
            this.library = library;
            this.description = description;
        }

        public String library() {
            return library;
        }
    }

    /**
     * What a card says.
     *
     * @param kind adapter or merged model
     * @param request the run's request (every default filled in)
     * @param baseModel the base model's Hugging Face id or name ({@link ModelIdentity#nameOrPath()})
     * @param license the base model's license when known, else null (then no {@code license} key)
     * @param datasetUri the prepared dataset trained on
     * @param training the training figures, or null when unknown
     * @param evaluation per task, base and tuned metrics; empty when not evaluated yet
     * @param details further facts for the body and {@code lora_pipeline} (e.g. dtype), in order
     * @param lineage every input with its sha256
     * @param writtenAt ISO-8601 instant, the card's one time
     */
    public record Facts(
            Kind kind,
            TrainingRequest request,
            String baseModel,
            String license,
            String datasetUri,
            TrainingMetrics training,
            Map<String, TaskResult> evaluation,
            Map<String, Object> details,
            List<LineageEntry> lineage,
            String writtenAt) {
        public Facts {
            Objects.requireNonNull(kind, "kind");
            Objects.requireNonNull(request, "request");
            Objects.requireNonNull(baseModel, "baseModel");
            evaluation = evaluation == null ? Map.of() : new LinkedHashMap<>(evaluation);
            details = details == null ? Map.of() : new LinkedHashMap<>(details);
            lineage = lineage == null ? List.of() : List.copyOf(lineage);
        }
    }

    private ModelCard() {}

    /** The whole {@value #FILE}. */
    public static String render(Facts f) {
        return frontMatter(f) + "\n" + body(f);
    }

    /** The sha256 of the first lineage entry of {@code input} and {@code path}, or null. */
    static String hashOf(List<LineageEntry> lineage, String input, String path) {
        return lineage.stream()
                .filter(e -> e.input().equals(input) && e.path().equals(path))
                .map(LineageEntry::sha256)
                .findFirst()
                .orElse(null);
    }

    // ---------------------------------------------------------------- front matter

    private static String frontMatter(Facts f) {
        StringBuilder y = new StringBuilder("---\n");
        y.append("base_model: ").append(str(f.baseModel())).append('\n');
        if (f.kind() == Kind.MERGED) {
            y.append("base_model_relation: ").append(str("finetune")).append('\n');
        }
        y.append("library_name: ").append(str(f.kind().library())).append('\n');
        y.append("pipeline_tag: ").append(str("text-generation")).append('\n');
        if (f.license() != null) {
            y.append("license: ").append(str(f.license())).append('\n');
        }
        y.append("tags:\n");
        for (String tag : tags(f)) {
            y.append("- ").append(str(tag)).append('\n');
        }
        y.append("lora_pipeline:\n");
        y.append("  request_id: ").append(str(f.request().requestId())).append('\n');
        y.append("  base_model_uri: ").append(str(f.request().baseModel())).append('\n');
        if (f.datasetUri() != null) {
            y.append("  dataset_uri: ").append(str(f.datasetUri())).append('\n');
        }
        String dataset = hashOf(f.lineage(), LineageEntry.DATASET, "manifest.json");
        if (dataset != null) {
            y.append("  dataset_sha256: ").append(str(dataset)).append('\n');
        }
        String tokenizer = f.lineage().stream()
                .filter(e -> e.input().equals(LineageEntry.TOKENIZER))
                .map(LineageEntry::sha256)
                .findFirst()
                .orElse(null);
        if (tokenizer != null) {
            y.append("  tokenizer_sha256: ").append(str(tokenizer)).append('\n');
        }
        f.details().forEach((k, v) -> y.append("  ")
                .append(k)
                .append(": ")
                .append(Json.write(v))
                .append('\n'));
        y.append("  request: ").append(Json.write(f.request())).append('\n');
        if (f.training() != null) {
            y.append("  training: ").append(Json.write(f.training())).append('\n');
        }
        if (!f.evaluation().isEmpty()) {
            y.append("  evaluation: ").append(Json.write(f.evaluation())).append('\n');
        }
        y.append("lineage:\n");
        for (LineageEntry e : f.lineage()) {
            y.append("- ").append(Json.write(e)).append('\n');
        }
        return y.append("---\n").toString();
    }

    private static List<String> tags(Facts f) {
        List<String> tags = new ArrayList<>(List.of("lora", "lora-pipeline", "llama"));
        if (f.kind() == Kind.ADAPTER) {
            tags.add(1, "peft");
        }
        if (f.request().quantization() != null && f.request().quantization().type() == QuantizationType.NF4) {
            tags.add("qlora");
        }
        return tags;
    }

    /** A YAML double-quoted scalar: a JSON string is one. */
    private static String str(String s) {
        return Json.write(s);
    }

    // ---------------------------------------------------------------- body

    private static String body(Facts f) {
        TrainingRequest r = f.request();
        StringBuilder md = new StringBuilder();
        md.append("# ")
                .append(r.requestId())
                .append(": ")
                .append(f.kind().description)
                .append("\n\n");
        md.append(f.kind() == Kind.ADAPTER ? "A LoRA adapter for `" : "`")
                .append(f.baseModel())
                .append(f.kind() == Kind.ADAPTER ? "`" : "` with a LoRA adapter folded into its weights")
                .append(", trained by the lora-pipeline on `")
                .append(r.dataset().uri())
                .append("`. Written ")
                .append(f.writtenAt())
                .append(".\n\n");
        md.append(f.kind() == Kind.ADAPTER ? usageAdapter(f) : usageMerged());
        if (!f.details().isEmpty()) {
            md.append("## Details\n\n| | |\n|---|---|\n");
            f.details().forEach((k, v) -> md.append("| ")
                    .append(k)
                    .append(" | ")
                    .append(cell(Json.write(v)))
                    .append(" |\n"));
            md.append('\n');
        }
        md.append("## Request\n\nThe training request, every default filled in:\n\n```json\n")
                .append(Json.writePretty(r))
                .append("\n```\n\n");
        if (f.training() != null) {
            TrainingMetrics t = f.training();
            md.append("## Training\n\n| figure | value |\n|---|---:|\n");
            row(md, "train loss (mean of the last steps)", num(t.trainLoss()));
            row(md, "validation loss", t.validationLoss() == null ? "n/a" : num(t.validationLoss()));
            row(md, "training tokens", String.format(Locale.ROOT, "%,d", t.trainTokens()));
            row(md, "tokens per second", num(t.tokensPerSecond()));
            row(md, "trainable parameters", String.format(Locale.ROOT, "%,d", t.trainableParameters()));
            row(md, "parameters of the base", String.format(Locale.ROOT, "%,d", t.totalParameters()));
            row(md, "duration", String.format(Locale.ROOT, "%.1f s", t.durationMs() / 1000.0));
            row(md, "peak RSS", String.format(Locale.ROOT, "%.1f MiB", t.peakRssBytes() / 1048576.0));
            md.append('\n');
        }
        md.append("## Evaluation\n\n");
        if (f.evaluation().isEmpty()) {
            md.append("Not evaluated when this card was written: the evaluation report is published under `runs/")
                    .append(r.requestId())
                    .append("/eval/`.\n\n");
        } else {
            md.append("Base model versus base + adapter, on the same items.\n\n");
            md.append("| task | metric | base | tuned |\n|---|---|---:|---:|\n");
            f.evaluation().forEach((task, result) -> {
                TreeSet<String> metrics = new TreeSet<>(result.base().keySet());
                metrics.addAll(result.tuned().keySet());
                for (String m : metrics) {
                    md.append("| ")
                            .append(cell(task))
                            .append(" | ")
                            .append(cell(m))
                            .append(" | ")
                            .append(num(result.base().get(m)))
                            .append(" | ")
                            .append(num(result.tuned().get(m)))
                            .append(" |\n");
                }
            });
            md.append('\n');
        }
        md.append("## Lineage\n\nEvery input, pinned by the sha256 of its bytes.\n\n");
        md.append("| input | file | sha256 | from |\n|---|---|---|---|\n");
        for (LineageEntry e : f.lineage()) {
            md.append("| ")
                    .append(e.input())
                    .append(" | `")
                    .append(cell(e.path()))
                    .append("` | `")
                    .append(e.sha256())
                    .append("` | ")
                    .append(e.uri() == null ? "" : "`" + cell(e.uri()) + "`")
                    .append(" |\n");
        }
        return md.toString();
    }

    private static String usageAdapter(Facts f) {
        return "```python\nfrom peft import AutoPeftModelForCausalLM\n\n"
                + "model = AutoPeftModelForCausalLM.from_pretrained(\"path/to/this/folder\")\n"
                + "```\n\n`adapter_config.json` names the base model `" + f.baseModel()
                + "` (its Hugging Face id, or its name when it has none: then have the base model at that"
                + " path). Our own copy is `" + f.request().baseModel() + "` (`" + AdapterOrigin.FILE + "`).\n\n";
    }

    private static String usageMerged() {
        return "```python\nfrom transformers import AutoModelForCausalLM, AutoTokenizer\n\n"
                + "model = AutoModelForCausalLM.from_pretrained(\"path/to/this/folder\")\n"
                + "tokenizer = AutoTokenizer.from_pretrained(\"path/to/this/folder\")\n"
                + "```\n\n`sha256sum -c SHA256SUMS` checks every file, this card included.\n\n";
    }

    private static void row(StringBuilder md, String figure, String value) {
        md.append("| ").append(figure).append(" | ").append(value).append(" |\n");
    }

    private static String cell(String s) {
        return s.replace("|", "\\|").replace("\n", " ");
    }

    private static String num(Double v) {
        if (v == null || v.isNaN()) {
            return "n/a";
        }
        if (v == Math.rint(v) && Math.abs(v) < 1e9) {
            return String.format(Locale.ROOT, "%,d", v.longValue());
        }
        return String.format(Locale.ROOT, Math.abs(v) >= 100 ? "%.2f" : "%.4f", v);
    }
}
