package org.lorapipe.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.lorapipe.contract.BucketLayout;
import org.lorapipe.contract.artifact.Manifest;
import org.lorapipe.contract.artifact.ModelIdentity;
import org.lorapipe.contract.checksum.Sha256Sums;
import org.lorapipe.contract.json.Json;
import org.lorapipe.model.LlamaConfig;
import org.lorapipe.model.ModelFormatException;
import org.lorapipe.model.ModelImport;
import org.lorapipe.storage.ObjectInfo;
import org.lorapipe.storage.ObjectStore;
import org.lorapipe.storage.Publication;
import org.lorapipe.storage.S3Uri;
import org.lorapipe.storage.StorageConfig;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code lora import}: converts a llama2.c checkpoint, or validates a Hugging Face directory, into our
 * model layout (Hugging Face, LlamaForCausalLM) in a temporary directory, then publishes it atomically
 * at {@code s3://<bucket>/models/NAME/} (manifest last), or moves it to {@code --out DIR}.
 */
@Command(
        name = "import",
        mixinStandardHelpOptions = true,
        sortOptions = false,
        description = {
            "Put a base model into the pipeline's object store (s3://<bucket>/models/NAME/) in Hugging Face"
                    + " layout, or into a local directory with --out.",
            "",
            "A llama2.c checkpoint is converted (weights to Hugging Face names and RoPE convention, the"
                    + " tokenizer to tokenizer.json, checked to encode identically); a Hugging Face directory"
                    + " is validated (architecture, every tensor's shape, tokenizer.json) and copied. Readers"
                    + " see the model only once every file is uploaded.",
            "",
            "lora-model.json records the model's name, its Hugging Face id (--hf-id), the source and the sha256"
                    + " of every file; adapters and model cards trained on it name it by that id, else by NAME.",
        },
        footerHeading = "%nExamples:%n",
        footer = {
            "  lora import --llama2c stories260K.bin --tokenizer tok512.bin \\",
            "              --name stories260K",
            "  lora import --hf ./TinyLlama-1.1B --name tinyllama \\",
            "              --hf-id TinyLlama/TinyLlama-1.1B-Chat-v1.0",
            "  lora import --hf ./my-llama --name my-llama --force   (replace it)",
            "  lora import --llama2c stories260K.bin --tokenizer tok512.bin \\",
            "              --out ./models/stories260K                 (local only)",
            "",
            "Then:",
            "  lora generate --model s3://lora/models/stories260K --temperature 0",
        })
public final class ImportCommand implements Callable<Integer> {

    static final Pattern NAME = Pattern.compile("[A-Za-z0-9._-]+");

    @Option(names = "--llama2c", paramLabel = "FILE", description = "A llama2.c checkpoint (.bin).")
    Path llama2c;

    @Option(
            names = "--tokenizer",
            paramLabel = "FILE",
            description = "The llama2.c tokenizer the checkpoint was trained with (e.g. tok512.bin).")
    Path tokenizer;

    @Option(
            names = "--hf",
            paramLabel = "DIR",
            description = "A Hugging Face model directory: config.json, *.safetensors, tokenizer.json. Architectures:"
                    + " LlamaForCausalLM, MistralForCausalLM, Qwen2ForCausalLM, Qwen3ForCausalLM,"
                    + " Gemma2ForCausalLM, Phi3ForCausalLM.")
    Path hf;

    @Option(
            names = "--name",
            paramLabel = "NAME",
            description = "The model's name in the store: letters, digits, '.', '_', '-'.")
    String name;

    @Option(
            names = "--hf-id",
            paramLabel = "ORG/NAME",
            description = "The model's Hugging Face id, when it has one (e.g. TinyLlama/TinyLlama-1.1B-Chat-v1.0):"
                    + " adapters and model cards name the base model by it, so Hugging Face tools find it."
                    + " Without it they use NAME.")
    String hfId;

    @Option(
            names = "--license",
            paramLabel = "ID",
            description = "The model's license as the Hugging Face Hub names it (e.g. apache-2.0, llama3.1, other):"
                    + " recorded with the model and written into the model cards of its adapters and merged models.")
    String license;

    @Option(
            names = "--out",
            paramLabel = "DIR",
            description = "Write the model to this local directory instead of the object store.")
    Path out;

    @Option(names = "--force", description = "Replace a model that is already at the destination.")
    boolean force;

    @Mixin
    StorageOptions storage;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        validate();
        precheck();
        PrintWriter log = spec.commandLine().getOut();
        if (out != null) {
            toDirectory(log);
        } else {
            toObjectStore(log);
        }
        return 0;
    }

    /** Every problem with the arguments at once. */
    private void validate() {
        List<String> problems = new ArrayList<>();
        if ((llama2c == null) == (hf == null)) {
            problems.add("pass either --llama2c FILE --tokenizer FILE or --hf DIR");
        }
        if (llama2c != null) {
            if (!Files.isRegularFile(llama2c)) {
                problems.add("--llama2c: no file at " + llama2c.toAbsolutePath());
            }
            if (tokenizer == null) {
                problems.add("--llama2c needs --tokenizer FILE (the tokenizer .bin the model was trained with)");
            } else if (!Files.isRegularFile(tokenizer)) {
                problems.add("--tokenizer: no file at " + tokenizer.toAbsolutePath());
            }
        } else if (tokenizer != null) {
            problems.add("--tokenizer goes with --llama2c; a Hugging Face directory brings its tokenizer.json");
        }
        if (hf != null && !Files.isDirectory(hf)) {
            problems.add("--hf: no directory at " + hf.toAbsolutePath());
        }
        if (name == null && out == null) {
            problems.add("pass --name NAME (the model goes to s3://<bucket>/models/NAME/) or --out DIR");
        }
        if (name != null && (!NAME.matcher(name).matches() || name.equals(".") || name.equals(".."))) {
            problems.add("--name '" + name + "' may contain only letters, digits, '.', '_' and '-' (e.g. stories260K)");
        }
        if (hfId != null) {
            for (String p : ModelIdentity.hfIdProblems(hfId)) {
                problems.add("--hf-id '" + hfId + "' is not a Hugging Face repository id: " + p);
            }
        }
        if (license != null && ModelIdentity.licenseProblem(license) != null) {
            problems.add("--license '" + license + "' " + ModelIdentity.licenseProblem(license));
        }
        if (out != null && Files.exists(out) && !force && !isEmptyDirectory(out)) {
            problems.add("--out " + out.toAbsolutePath() + " already exists and is not empty: pass --force to replace"
                    + " it, or choose another directory");
        }
        if (!problems.isEmpty()) {
            throw new UsageProblem(String.join("\n       ", problems));
        }
    }

    /** Cheap checks of the source before the object store is contacted (an unsupported architecture). */
    private void precheck() {
        if (hf != null) {
            try {
                LlamaConfig.read(hf.resolve("config.json"));
            } catch (ModelFormatException e) {
                throw new UsageProblem("cannot import " + hf + ": " + e.getMessage());
            }
        }
    }

    private String source() {
        return llama2c != null ? llama2c.toString() : hf.toString();
    }

    /** Builds the model in {@code dir} (which must not exist yet), with its {@value ModelIdentity#FILE}. */
    private ModelImport.Result build(Path dir) {
        ModelImport.Result r;
        try {
            r = llama2c != null
                    ? ModelImport.fromLlama2c(llama2c, tokenizer, dir)
                    : ModelImport.fromHuggingFace(hf, dir);
        } catch (ModelFormatException e) {
            throw new UsageProblem("cannot import " + source() + ": " + e.getMessage());
        }
        writeIdentity(r.dir());
        return r;
    }

    /**
     * Records who the model is in {@value ModelIdentity#FILE}: its name (or the folder's, with --out),
     * its Hugging Face id when given, the source and the sha256 of every other file.
     */
    private void writeIdentity(Path dir) {
        List<Manifest.Entry> entries = new ArrayList<>();
        for (Path f : files(dir)) {
            try {
                entries.add(new Manifest.Entry(
                        dir.relativize(f).toString().replace('\\', '/'), Files.size(f), Sha256Sums.sha256(f)));
            } catch (IOException e) {
                throw new UncheckedIOException("cannot hash " + f + ": " + e.getMessage(), e);
            }
        }
        ModelIdentity.Source from = llama2c != null
                ? new ModelIdentity.Source(
                        "llama2c",
                        List.of(
                                llama2c.getFileName().toString(),
                                tokenizer.getFileName().toString()))
                : new ModelIdentity.Source(
                        "huggingface",
                        List.of(hf.toAbsolutePath().normalize().getFileName().toString()));
        String modelName = name != null
                ? name
                : out.toAbsolutePath().normalize().getFileName().toString();
        ModelIdentity identity =
                new ModelIdentity(modelName, hfId, from, Instant.now().toString(), entries, license);
        try {
            Files.writeString(dir.resolve(ModelIdentity.FILE), Json.writePretty(identity) + "\n");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + ModelIdentity.FILE + ": " + e.getMessage(), e);
        }
    }

    private void toDirectory(PrintWriter log) {
        Path target = out.toAbsolutePath().normalize();
        Path temp = tempDir(target.getParent());
        try {
            ModelImport.Result r = build(temp.resolve("model"));
            for (Path f : files(r.dir())) {
                log.printf("  %-32s %10s%n", r.dir().relativize(f), Sizes.human(size(f)));
            }
            ModelLocation.deleteTree(target);
            Files.move(r.dir(), target, StandardCopyOption.ATOMIC_MOVE);
            log.println(summary(r.config()) + " -> " + target);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + target + ": " + e.getMessage(), e);
        } finally {
            deleteQuietly(temp);
        }
    }

    private void toObjectStore(PrintWriter log) {
        StorageConfig config = storage.config();
        S3Uri prefix = new S3Uri(config.bucket(), BucketLayout.model(name));
        try (ObjectStore store = new ObjectStore(config)) {
            List<ObjectInfo> existing = store.list(prefix, true);
            if (!existing.isEmpty() && !force) {
                throw new UsageProblem(prefix + (store.isPublished(prefix) ? " already holds a model" : " is not empty")
                        + ": pass --force to replace it, or choose another --name");
            }
            Path temp = tempDir(null);
            try {
                ModelImport.Result r = build(temp.resolve("model"));
                log.println("uploading to " + prefix + " (" + config.endpoint() + ")");
                log.flush();
                Publication publication = store.beginPublication(prefix);
                for (Path f : files(r.dir())) {
                    String path = r.dir().relativize(f).toString().replace('\\', '/');
                    publication.putFile(path, f);
                    log.printf("  %-32s %10s%n", path, Sizes.human(size(f)));
                    log.flush();
                }
                Manifest manifest = publication.commit();
                removeLeftovers(store, prefix, manifest, existing);
                log.println(summary(r.config()) + " -> " + prefix);
            } finally {
                deleteQuietly(temp);
            }
        }
    }

    /** After a --force re-import: objects of the old model that the new one does not have. */
    private static void removeLeftovers(ObjectStore store, S3Uri prefix, Manifest manifest, List<ObjectInfo> before) {
        Set<String> keep = manifest.files().stream().map(Manifest.Entry::path).collect(Collectors.toSet());
        keep.add(Manifest.FILE_NAME);
        for (ObjectInfo o : before) {
            if (!keep.contains(o.uri().relativeTo(prefix))) {
                store.delete(o.uri());
            }
        }
    }

    private String summary(LlamaConfig c) {
        return String.format(
                "imported %s: %s, %,d parameters (%d layers, hidden %d, vocab %d)",
                name != null ? name : source(),
                c.architecture(),
                c.parameterCount(),
                c.numHiddenLayers(),
                c.hiddenSize(),
                c.vocabSize());
    }

    private static List<Path> files(Path dir) throws UncheckedIOException {
        try (Stream<Path> s = Files.walk(dir)) {
            return s.filter(Files::isRegularFile).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static long size(Path f) {
        try {
            return Files.size(f);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static boolean isEmptyDirectory(Path p) {
        try (Stream<Path> s = Files.list(p)) {
            return s.findAny().isEmpty();
        } catch (IOException e) {
            return false;
        }
    }

    /** A temporary directory, next to {@code near} when given (so the final move is a rename). */
    private static Path tempDir(Path near) {
        try {
            if (near != null) {
                Files.createDirectories(near);
                return Files.createTempDirectory(near, ".lora-import-");
            }
            return Files.createTempDirectory("lora-import-");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create a temporary directory: " + e.getMessage(), e);
        }
    }

    private static void deleteQuietly(Path p) {
        try {
            ModelLocation.deleteTree(p);
        } catch (IOException ignored) {
            // a leftover temporary directory is harmless
        }
    }
}
