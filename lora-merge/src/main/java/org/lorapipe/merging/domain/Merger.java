package org.lorapipe.merging.domain;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.FloatBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.jboss.logging.Logger;
import org.lorapipe.contract.artifact.ChatTemplateFile;
import org.lorapipe.contract.checksum.Sha256Sums;
import org.lorapipe.contract.event.ModelFile;
import org.lorapipe.contract.request.MergeSpec;
import org.lorapipe.model.DjlRuntime;
import org.lorapipe.model.LlamaConfig;
import org.lorapipe.model.ModelFormatException;
import org.lorapipe.model.io.DType;
import org.lorapipe.model.io.HfModelExporter;
import org.lorapipe.model.io.SafetensorsCheckpoint;
import org.lorapipe.model.io.SafetensorsWriter;
import org.lorapipe.model.io.ShardedSafetensors;
import org.lorapipe.model.io.TensorInfo;
import org.lorapipe.model.io.TensorSource;
import org.lorapipe.tuning.peft.AdapterException;
import org.lorapipe.tuning.peft.AdapterModule;
import org.lorapipe.tuning.peft.LowRankDelta;
import org.lorapipe.tuning.peft.PeftAdapterFile;

/**
 * Folds a LoRA adapter into its base model: {@code W' = W + scale * B A} for every adapted module,
 * everything else copied, written as a Hugging Face model folder.
 *
 * <p>Streaming: tensors are read from the base checkpoint (one file or shards) one at a time, merged
 * and written before the next is read, so memory is bounded by the largest tensor (plus A, B and a
 * chunk of rows), never by the model size. The delta is computed per tensor, row block by row block
 * (see {@link LowRankDelta}); the full {@code B A} is never materialised.
 *
 * <p>Output folder: {@code config.json} (the base's, {@code torch_dtype} set to the output dtype),
 * {@code model.safetensors} or {@code model-0000i-of-0000n.safetensors} shards plus
 * {@code model.safetensors.index.json}, the tokenizer files and {@code generation_config.json}, and
 * {@code SHA256SUMS}; the chat template the adapter was trained with, when it has one, in {@code
 * tokenizer_config.json}.
 *
 * <p>Tied embeddings: when {@code tie_word_embeddings} is true the output projection reuses
 * {@code model.embed_tokens.weight}. An adapter on {@code lm_head} was trained on the output path only;
 * folding its delta into the shared matrix would also change every input embedding and so the model's
 * function. The merge therefore unties the head: {@code embed_tokens} is copied unchanged, a new
 * {@code lm_head.weight = embed + scale * B A} is written and {@code tie_word_embeddings} is set to
 * false (else loaders such as transformers would re-tie and drop the merged head).
 *
 * <p>Nothing partial is ever visible: the folder is built under a temporary sibling name and renamed to
 * {@code outDir} only when complete (an existing {@code outDir} is replaced); on failure the temporary
 * folder is deleted. Callers upload {@code outDir} only after {@link #merge} returns. The output
 * bytes are a pure function of the inputs and options: merging twice gives identical files.
 *
 * <p>QLoRA: an adapter trained against NF4 weights is merged into the original full-precision weights
 * (this is what PEFT's recommended flow does); {@link Nf4Gap} measures how far that lands from the
 * quantized model the adapter was trained with.
 */
public final class Merger {

    private static final Logger LOG = Logger.getLogger(Merger.class);
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    /** Files besides the weights copied from the base folder when present. */
    public static final List<String> COPIED_FILES = List.of(
            "tokenizer.json",
            "tokenizer_config.json",
            "tokenizer.bin",
            "tokenizer.model",
            "special_tokens_map.json",
            "generation_config.json");

    /** Rows merged per step are capped at this many bytes of fp32 values. */
    static final int ROW_BLOCK_BYTES = 16 << 20;

    /**
     * @param dtype storage dtype of the written weights (compute is fp32/fp64 regardless)
     * @param maxShardBytes start a new shard before a file would exceed this many bytes of tensor data
     */
    public record Options(DType dtype, long maxShardBytes) {
        public Options {
            if (maxShardBytes <= 0) {
                throw new IllegalArgumentException("maxShardBytes must be > 0, got " + maxShardBytes);
            }
        }

        public static Options defaults() {
            return new Options(DType.F32, MergeSpec.DEFAULT_MAX_SHARD_BYTES);
        }

        /** The request's {@code merge} section ({@code dtype}, {@code maxShardBytes}). */
        public static Options of(MergeSpec spec) {
            return new Options(
                    DType.parse(spec.dtype().wire()),
                    spec.maxShardBytes() > 0 ? spec.maxShardBytes() : MergeSpec.DEFAULT_MAX_SHARD_BYTES);
        }
    }

    private Merger() {}

    /**
     * Merges the PEFT adapter in {@code adapterDir} into the Hugging Face model in {@code baseDir} and
     * writes the result to {@code outDir} (local folders).
     *
     * @throws MergeException the adapter does not fit the base (names the tensors and both shapes), or
     *     a base or adapter file is missing, truncated or corrupt (names the file)
     * @throws IOException writing failed
     */
    public static MergeResult merge(Path baseDir, Path adapterDir, Path outDir, Options options) throws IOException {
        DjlRuntime.inferenceMode();
        long start = System.nanoTime();
        ObjectNode config = readConfig(baseDir);
        boolean tied = config.path("tie_word_embeddings").asBoolean(false);
        try (PeftAdapterFile adapter = openAdapter(adapterDir);
                SafetensorsCheckpoint base = openBase(baseDir)) {
            MergePlan plan = MergePlan.of(base, adapter, tied);
            Path parent = outDir.toAbsolutePath().normalize().getParent();
            Files.createDirectories(parent);
            Path staging = Files.createTempDirectory(parent, "." + outDir.getFileName() + ".partial-");
            try {
                long bytes = writeWeights(plan, base, adapter, staging, options);
                writeConfig(config, plan.untiesLmHead(), options.dtype(), staging.resolve("config.json"));
                copyExtras(baseDir, staging);
                writeChatTemplate(baseDir, adapterDir, staging);
                List<ModelFile> files = Sha256Sums.write(staging);
                replace(staging, outDir);
                List<String> merged =
                        plan.merged().stream().map(MergePlan.Entry::name).toList();
                LOG.infof(
                        "merged %d module(s) of %s into %s: %d files, %.1f MB %s in %.1f s",
                        merged.size(),
                        adapterDir,
                        outDir,
                        files.size(),
                        bytes / 1e6,
                        options.dtype().torchName(),
                        (System.nanoTime() - start) / 1e9);
                return new MergeResult(outDir, options.dtype(), files, merged, plan.untiesLmHead(), bytes);
            } catch (IOException | RuntimeException | Error e) {
                deleteRecursively(staging);
                throw e;
            }
        }
    }

    private static SafetensorsCheckpoint openBase(Path baseDir) {
        try {
            return SafetensorsCheckpoint.open(baseDir);
        } catch (ModelFormatException e) {
            throw new MergeException("base model " + baseDir + ": " + e.getMessage(), e);
        }
    }

    private static ObjectNode readConfig(Path baseDir) throws IOException {
        Path file = baseDir.resolve("config.json");
        if (!Files.isRegularFile(file)) {
            throw new MergeException(
                    "base model " + baseDir + " has no config.json (expected a Hugging Face model folder)");
        }
        JsonNode root;
        try {
            root = JSON.readTree(file.toFile());
        } catch (IOException e) {
            throw new MergeException(file + " is not valid JSON: " + e.getMessage(), e);
        }
        if (!(root instanceof ObjectNode o)) {
            throw new MergeException(file + " is not a JSON object");
        }
        return o;
    }

    /** Writes the planned tensors into one file or shards (+ index); returns the tensor bytes written. */
    private static long writeWeights(
            MergePlan plan, TensorSource base, PeftAdapterFile adapter, Path dir, Options options) throws IOException {
        List<TensorInfo> tensors = new ArrayList<>();
        Map<String, MergePlan.Entry> byName = new LinkedHashMap<>();
        for (MergePlan.Entry e : plan.entries()) {
            tensors.add(TensorInfo.of(e.name(), options.dtype(), e.shape()));
            byName.put(e.name(), e);
        }
        try {
            return ShardedSafetensors.write(dir, tensors, options.maxShardBytes(), (w, t) -> {
                        MergePlan.Entry e = byName.get(t.name());
                        try (NDManager m = DjlRuntime.newManager(DjlRuntime.defaultDevice())) {
                            NDArray weight = load(base, e.source(), m); // [out, in] fp32
                            if (e.adapter() == null) {
                                w.write(t.name(), weight);
                            } else {
                                writeMerged(w, t.name(), weight, e.adapter(), adapter);
                            }
                        }
                    })
                    .tensorBytes();
        } catch (UncheckedIOException ex) {
            throw ex.getCause();
        }
    }

    private static NDArray load(TensorSource base, String name, NDManager m) {
        try {
            return base.load(name, m);
        } catch (ModelFormatException ex) {
            throw new MergeException("base model: " + ex.getMessage(), ex);
        }
    }

    /**
     * Streams {@code W + scale * B A} to the writer: for each chunk of elements it asks for, the rows
     * covering it are copied out of W, the delta added in place, and the requested range handed over.
     */
    private static void writeMerged(
            SafetensorsWriter w, String name, NDArray weight, AdapterModule module, PeftAdapterFile adapter)
            throws IOException {
        int in = (int) module.inFeatures();
        LowRankDelta delta =
                new LowRankDelta(adapter.loadA(module), adapter.loadB(module), module.rank(), in, module.scale());
        long maxRows = Math.max(1, ROW_BLOCK_BYTES / 4 / in);
        w.write(
                name,
                (first, count, dst) -> mergedRange(weight, delta, in, maxRows, first, count, dst.asFloatBuffer()));
    }

    /**
     * Puts elements [first, first + count) of {@code W + scale * B A} (row-major, rows of {@code in})
     * into {@code out}, working through at most {@code maxRows} rows at a time; the range need not start
     * or end on a row boundary.
     */
    static void mergedRange(
            NDArray weight, LowRankDelta delta, int in, long maxRows, long first, int count, FloatBuffer out) {
        long end = first + count;
        for (long pos = first; pos < end; ) {
            long r0 = pos / in;
            long r1 = Math.min((end - 1) / in + 1, r0 + maxRows);
            float[] rows;
            try (NDArray slice = weight.get(new NDIndex(r0 + ":" + r1))) {
                rows = slice.toFloatArray(); // [r1 - r0, in]
            }
            delta.addTo(rows, r0, (int) (r1 - r0));
            int from = (int) (pos - r0 * in);
            int n = (int) (Math.min(end, r1 * in) - pos);
            out.put(rows, from, n);
            pos += n;
        }
    }

    private static void writeConfig(ObjectNode base, boolean untie, DType dtype, Path file) throws IOException {
        ObjectNode c = base.deepCopy();
        c.put("torch_dtype", dtype.torchName());
        if (c.has("dtype")) {
            c.put("dtype", dtype.torchName()); // the newer transformers spelling
        }
        if (untie) {
            c.put("tie_word_embeddings", false);
        }
        Files.writeString(file, JSON.writeValueAsString(c) + "\n");
    }

    private static void copyExtras(Path baseDir, Path dir) throws IOException {
        for (String name : COPIED_FILES) {
            Path src = baseDir.resolve(name);
            if (Files.isRegularFile(src)) {
                Files.copy(src, dir.resolve(name), StandardCopyOption.REPLACE_EXISTING);
            }
        }
        if (!Files.exists(dir.resolve("generation_config.json"))) {
            HfModelExporter.writeGenerationConfig(LlamaConfig.read(dir.resolve("config.json")), dir);
        }
    }

    /**
     * The chat template the adapter was trained with ({@value ChatTemplateFile#FILE} beside it) becomes
     * the merged model's: the {@code chat_template} of its {@code tokenizer_config.json} (the base's,
     * or a new one), where {@code apply_chat_template} reads it; the base's own {@value
     * ChatTemplateFile#FILE}, which transformers would read first, is left out. An adapter without one
     * leaves the base's template as it is, in either file.
     */
    static void writeChatTemplate(Path baseDir, Path adapterDir, Path dir) throws IOException {
        Path template = adapterDir.resolve(ChatTemplateFile.FILE);
        if (!Files.isRegularFile(template)) {
            if (Files.isRegularFile(baseDir.resolve(ChatTemplateFile.FILE))) {
                Files.copy(baseDir.resolve(ChatTemplateFile.FILE), dir.resolve(ChatTemplateFile.FILE));
            }
            return;
        }
        if (Files.size(template) > ChatTemplateFile.MAX_BYTES) {
            throw new MergeException(template + " has " + Files.size(template) + " bytes, more than the "
                    + ChatTemplateFile.MAX_BYTES + " a chat template may have");
        }
        Path file = dir.resolve("tokenizer_config.json");
        ObjectNode config = JSON.createObjectNode();
        if (Files.isRegularFile(file)) {
            JsonNode read;
            try {
                read = JSON.readTree(file.toFile());
            } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
                throw new MergeException(file + " is not valid JSON: " + e.getOriginalMessage(), e);
            }
            if (!(read instanceof ObjectNode o)) {
                throw new MergeException(file + " is not a JSON object");
            }
            config = o;
        }
        config.put(ChatTemplateFile.CONFIG_KEY, Files.readString(template, StandardCharsets.UTF_8));
        Files.writeString(file, JSON.writeValueAsString(config) + "\n");
    }

    /** Moves the finished staging folder to {@code outDir}, replacing an older merge there. */
    private static void replace(Path staging, Path outDir) throws IOException {
        if (Files.exists(outDir)) {
            Path old = Files.createTempDirectory(staging.getParent(), "." + outDir.getFileName() + ".old-");
            Files.delete(old);
            Files.move(outDir, old, StandardCopyOption.ATOMIC_MOVE);
            Files.move(staging, outDir, StandardCopyOption.ATOMIC_MOVE);
            deleteRecursively(old);
        } else {
            Files.move(staging, outDir, StandardCopyOption.ATOMIC_MOVE);
        }
    }

    static void deleteRecursively(Path dir) {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> s = Files.walk(dir)) {
            for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        } catch (IOException e) {
            LOG.warnf("could not delete %s: %s", dir, e.getMessage());
        }
    }

    /** The adapter through the one PEFT reader; what it cannot use is a merge problem like any other. */
    static PeftAdapterFile openAdapter(Path dir) {
        try {
            return PeftAdapterFile.open(dir);
        } catch (AdapterException e) {
            throw new MergeException("adapter " + dir + " cannot be merged", e.problems());
        }
    }
}
