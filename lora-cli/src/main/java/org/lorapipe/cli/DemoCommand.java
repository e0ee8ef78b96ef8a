package org.lorapipe.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.concurrent.Callable;
import org.lorapipe.cli.demo.StoriesModel;
import org.lorapipe.cli.stack.EmbeddedStack;
import org.lorapipe.cli.stack.StackCommand;
import org.lorapipe.cli.watch.WatchCommand;
import org.lorapipe.contract.BucketLayout;
import org.lorapipe.contract.json.Json;
import org.lorapipe.devstack.InfraJars;
import org.lorapipe.storage.ObjectStore;
import org.lorapipe.storage.S3Uri;
import org.lorapipe.storage.StorageConfig;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code lora demo}: the whole pipeline on the shipped example, in one go: the embedded stack, the
 * stories260K import, the example data, the request, a live view of the run, the evaluation table,
 * the pulled merged model and one story generated with it.
 */
@Command(
        name = "demo",
        mixinStandardHelpOptions = true,
        description = {
            "Run the whole pipeline on the shipped example (examples/stories-instruct): teach stories260K to",
            "write a story about a given animal with a given name, then show base vs tuned and the merged model.",
        })
public final class DemoCommand implements Callable<Integer> {
    static final String DATA = "s3://lora/data/stories-instruct/";

    @Option(
            names = "--stories",
            paramLabel = "DIR",
            description = "Folder with stories260K.bin and tok512.bin (default: $LORA_STORIES_DIR, ../shared/data,"
                    + " the download cache, or a download with SHA-256 check).")
    Path stories;

    @Option(names = "--request", paramLabel = "FILE", description = "The request (default: the example's).")
    Path request;

    @Option(
            names = "--timeout",
            paramLabel = "DURATION",
            defaultValue = "20m",
            description = "Give up watching after this long (default: ${DEFAULT-VALUE}).")
    String timeout = "20m";

    /** The requestId of the last run, for tests. */
    String requestId;

    /** The trace id the last run's request was published with, for tests. */
    String traceId;

    @Override
    public Integer call() throws Exception {
        return run(new StackCommand().stackAt(null));
    }

    /** The demo against {@code stack} (the embedded default, or one on other ports in tests). */
    int run(EmbeddedStack stack) throws Exception {
        Path root = InfraJars.locate().root();
        step("1/6 the embedded stack");
        stack.up();

        int prepared = uploadExample(stack, stories, root);
        if (prepared != 0) {
            return prepared;
        }

        String s3 = "--s3-endpoint=" + stack.s3Endpoint();
        CommandLine cli = LoraCommand.commandLine();
        step("4/6 the request");
        String id = "stories-demo-" + LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss"));
        requestId = id;
        Path requestFile = request != null ? request : root.resolve("examples/stories-instruct/request.json");
        // the embedded broker only: no KAFKA_* variable or LORA_KAFKA_CONFIG meant for another cluster applies
        TraceParent trace = SubmitCommand.publish(
                KafkaConnection.plaintext(stack.bootstrapServers()),
                SubmitCommand.read(requestFile, id, stack.storage().bucket()));
        traceId = trace.traceId();
        System.out.println(id + "   (trace " + traceId + ")");
        System.out.println("follow it in the web console: " + stack.consoleUrl() + "run.html?id=" + id);

        step("5/6 the run (Ctrl-C stops watching; the run goes on: `lora watch " + id + "`)");
        int watched = WatchCommand.watch(id, stack.bootstrapServers(), WatchCommand.parse(timeout), System.out);
        if (watched != 0) {
            System.out.println("the run did not end with a merged model (exit " + watched + "): see above, and the"
                    + " service logs in " + stack.dir().resolve("logs"));
            return watched;
        }

        step("6/6 the merged model");
        Path local = stack.dir().resolve("models").resolve(id);
        int pulled = withStackCredentials(() -> cli.execute("pull", s3, "--force", id, local.toString()));
        if (pulled != 0) {
            return pulled;
        }
        String prompt = Json.mapper()
                .readTree(Files.readAllLines(root.resolve("examples/stories-instruct/eval-held-out-pairings.jsonl"))
                        .get(0))
                .path("prompt")
                .asText();
        System.out.println("A story from the merged model (greedy), for a pairing it never saw in training:");
        System.out.println();
        int generated = cli.execute(
                "generate",
                "--model",
                local.toString(),
                "--prompt",
                prompt,
                "--max-tokens",
                "200",
                "--temperature",
                "0");
        System.out.println();
        System.out.println("The merged model is in " + local.toAbsolutePath() + " (Hugging Face layout) and at"
                + " s3://lora/runs/" + id + "/merged/; the report at s3://lora/runs/" + id + "/eval/.");
        System.out.println("Stop everything with `./lora stack down`.");
        return generated;
    }

    /**
     * Steps 2 and 3 of the demo: the stories260K base model (imported once) and the example's data
     * under {@value #DATA}. Returns the import's exit code (0 when all is in place).
     */
    static int uploadExample(EmbeddedStack stack, Path stories, Path root) throws Exception {
        StorageConfig storage = stack.storage();
        String s3 = "--s3-endpoint=" + stack.s3Endpoint();
        CommandLine cli = LoraCommand.commandLine();
        try (ObjectStore store = new ObjectStore(storage)) {
            step("2/6 the base model");
            S3Uri base = storage.bucketRoot().resolve(BucketLayout.model("stories260K"));
            if (store.isPublished(base)) {
                System.out.println(base + " is there already");
            } else {
                Path dir = StoriesModel.locate(stories, root, cacheDir().resolve("stories260K"));
                int code = withStackCredentials(() -> cli.execute(
                        "import",
                        s3,
                        "--llama2c",
                        dir.resolve(StoriesModel.MODEL).toString(),
                        "--tokenizer",
                        dir.resolve(StoriesModel.TOKENIZER).toString(),
                        "--name",
                        "stories260K"));
                if (code != 0) {
                    return code;
                }
            }

            step("3/6 the example data");
            Path example = root.resolve("examples/stories-instruct");
            for (String file : List.of("train.jsonl", "eval-held-out-pairings.jsonl", "eval-unseen-names.jsonl")) {
                store.put(S3Uri.parse(DATA + file), example.resolve(file));
                System.out.println("uploaded " + DATA + file);
            }
        }
        return 0;
    }

    /**
     * Runs {@code command} with the stack's S3 keys as the {@code lora.s3.*} system properties (the
     * command line never carries keys), then puts back what was there.
     */
    static int withStackCredentials(java.util.function.IntSupplier command) {
        String[] names = {"lora.s3.access-key", "lora.s3.secret-key"};
        String[] values = {EmbeddedStack.ACCESS_KEY, EmbeddedStack.SECRET_KEY};
        String[] before = new String[names.length];
        for (int i = 0; i < names.length; i++) {
            before[i] = System.getProperty(names[i]);
            System.setProperty(names[i], values[i]);
        }
        try {
            return command.getAsInt();
        } finally {
            for (int i = 0; i < names.length; i++) {
                if (before[i] == null) {
                    System.clearProperty(names[i]);
                } else {
                    System.setProperty(names[i], before[i]);
                }
            }
        }
    }

    private static Path cacheDir() {
        String env = System.getenv("LORA_CACHE_DIR");
        return env != null ? Path.of(env) : Path.of(System.getProperty("user.home"), ".cache", "lora");
    }

    private static void step(String title) {
        System.out.println();
        System.out.println("== " + title);
    }
}
