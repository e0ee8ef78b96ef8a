package org.lorapipe.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.lorapipe.cli.demo.StoriesModel;
import org.lorapipe.evaluation.bench.EvalBenchmark;
import org.lorapipe.merging.bench.MergeBenchmark;
import org.lorapipe.model.ModelImport;
import org.lorapipe.tuning.bench.BenchConfig;
import org.lorapipe.tuning.bench.BenchModel;
import org.lorapipe.tuning.bench.CompareBenchmark;
import org.lorapipe.tuning.bench.TorchReference;
import org.lorapipe.tuning.bench.TrainingBenchmark;
import org.lorapipe.tuning.bench.Trajectory;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code lora bench model|training|compare}: printed benchmark figures, not pass/fail. The model engine
 * (forward, generation, KV cache, matmul peak); training (every configuration repeated, min/median/max);
 * our trainer against plain PyTorch on the same configurations, and step for step on the same data.
 */
@Command(
        name = "bench",
        mixinStandardHelpOptions = true,
        description = {
            "Benchmark figures on this machine (stories260K and a synthetic ~100M Llama).",
            "  model       forward and greedy tokens/s, KV cache, matmul peak",
            "  training    every training configuration: tokens/s (median, min-max),",
            "              peak memory; --soak N: N jobs in one process",
            "  compare     the same configurations in plain PyTorch, back to back;",
            "              --trajectory: the same training as PyTorch, loss by loss",
            "  eval        multiple-choice scoring (ARC-Easy-Dev): tokens/s and items/s",
            "              by batch size and threads",
            "  merge       W + s B A into 0.47 and 2.1 GB checkpoints: MB/s, peak RSS",
            "  dataset     curation, templating and tokenization of ~100k records"
        },
        subcommands = {
            BenchCommand.Model.class,
            BenchCommand.Training.class,
            BenchCommand.Compare.class,
            BenchCommand.Eval.class,
            BenchCommand.Merge.class,
            BenchCommand.Dataset.class,
            CommandLine.HelpCommand.class
        })
public final class BenchCommand {

    /** The checkout the launcher runs in ({@code lora.project.root}, set by ./lora). */
    static Path projectRoot() {
        return Path.of(System.getProperty("lora.project.root", ".")).toAbsolutePath();
    }

    /** The folder with stories260K.bin and tok512.bin: {@code explicit}, else as lora demo finds it. */
    static Path storiesDir(Path explicit) {
        Path root = projectRoot();
        return StoriesModel.locate(explicit, root, root.resolve(".lora/cache/stories260K"));
    }

    /** Options of the training benchmarks. */
    static final class RunOptions {
        @Option(
                names = "--only",
                paramLabel = "MODEL",
                description = "stories or 100m (default: both)",
                defaultValue = "")
        String only;

        @Option(
                names = "--steps",
                description = "Timed steps per run on the 100M model; stories260K runs 10x as many, at least 30"
                        + " (default: ${DEFAULT-VALUE}).",
                defaultValue = "4")
        int steps;

        @Option(
                names = "--warmup",
                description = "Untimed steps per run (default: ${DEFAULT-VALUE}).",
                defaultValue = "1")
        int warmup;

        @Option(
                names = "--repeats",
                description = "Runs per configuration (default: ${DEFAULT-VALUE}).",
                defaultValue = "3")
        int repeats;

        @Option(names = "--threads", description = "PyTorch threads (default: ${DEFAULT-VALUE}).", defaultValue = "1")
        int threads;

        @Option(
                names = "--configs",
                paramLabel = "KEYS",
                description = "Comma-separated configurations: lora-qv, qlora-qv, lora-qv-ckpt, qlora-qv-ckpt,"
                        + " lora-all, qlora-all, full (default: all of them).",
                defaultValue = "")
        String configs;

        @Option(
                names = "--stories",
                paramLabel = "DIR",
                description = "Folder with stories260K.bin (default: as lora demo finds it).")
        Path stories;

        /** Arguments after {@code --} (the older form {@code lora bench training -- --only 100m}). */
        @Parameters(hidden = true)
        List<String> legacy = new ArrayList<>();

        TrainingBenchmark.Options resolve() {
            if (!legacy.isEmpty()) {
                RunOptions again = new RunOptions();
                new CommandLine(again).parseArgs(legacy.toArray(String[]::new));
                again.stories = again.stories != null ? again.stories : stories;
                return again.resolve();
            }
            if (!only.isEmpty() && !only.equals("stories") && !only.equals("100m")) {
                throw new UsageProblem("--only takes stories or 100m, got '" + only + "'");
            }
            if (steps < 1 || warmup < 0 || repeats < 1 || threads < 1) {
                throw new UsageProblem("--steps, --repeats and --threads must be >= 1 and --warmup >= 0");
            }
            try {
                return new TrainingBenchmark.Options(
                        only, steps, warmup, repeats, threads, storiesBin(), BenchConfig.select(configs));
            } catch (IllegalArgumentException e) {
                throw new UsageProblem(e.getMessage());
            }
        }

        Path storiesBin() {
            if (only.equals("100m")) {
                return null;
            }
            return storiesDir(stories).resolve(StoriesModel.MODEL);
        }
    }

    @Command(
            name = "model",
            mixinStandardHelpOptions = true,
            description = "Forward and greedy tokens/s, KV cache against recomputation, and the fp32 matmul peak.")
    static final class Model implements Callable<Integer> {
        @Parameters(paramLabel = "ARGS", description = "--threads 1,2  --skip-100m  --gen-100m N  --stories FILE")
        List<String> args = new ArrayList<>();

        @Override
        public Integer call() throws Exception {
            List<String> all = new ArrayList<>(args);
            if (!all.contains("--stories")) {
                all.add("--stories");
                all.add(storiesDir(null).resolve(StoriesModel.MODEL).toString());
            }
            org.lorapipe.model.bench.ModelBenchmark.main(all.toArray(String[]::new));
            return 0;
        }
    }

    @Command(
            name = "eval",
            mixinStandardHelpOptions = true,
            description = {
                "Multiple-choice scoring throughput on ARC-Easy-Dev, as lm-evaluation-harness scores it:",
                "stories260K and a synthetic ~100M Llama, by batch size and PyTorch threads."
            },
            footer = {"", "Example:  lora bench eval --items 200 --threads 1 --batches 1,8"})
    static final class Eval implements Callable<Integer> {
        @Option(
                names = "--stories",
                paramLabel = "DIR",
                description = "Folder with stories260K.bin and tok512.bin" + " (default: as lora demo finds it).")
        Path stories;

        @Option(
                names = "--file",
                paramLabel = "FILE",
                description = "ARC-Easy-Dev.jsonl (default: eval/arc/ of ../shared/data beside the project).")
        Path file;

        @Option(names = "--items", description = "ARC items for stories260K (default: all 570).")
        int items = 570;

        @Option(names = "--items-100m", description = "ARC items for the ~100M model; 0 skips it (default: 50).")
        int items100m = 50;

        @Option(names = "--threads", description = "PyTorch thread counts, comma-separated (default: 1,2).")
        String threads = "1,2";

        @Option(names = "--batches", description = "Batch sizes for stories260K, comma-separated (default: 1,8,16).")
        String batches = "1,8,16";

        @Override
        public Integer call() throws Exception {
            Path arc = file != null ? file : projectRoot().resolveSibling("shared/data/eval/arc/ARC-Easy-Dev.jsonl");
            if (!Files.isRegularFile(arc)) {
                throw new UsageProblem("no ARC file at " + arc + ": pass --file ARC-Easy-Dev.jsonl");
            }
            Path dir = storiesDir(stories);
            Path hf = Files.createTempDirectory("bench-eval-").resolve("stories260K");
            ModelImport.fromLlama2c(dir.resolve(StoriesModel.MODEL), dir.resolve(StoriesModel.TOKENIZER), hf);
            EvalBenchmark.main(new String[] {
                "--model",
                hf.toString(),
                "--file",
                arc.toString(),
                "--items",
                Integer.toString(items),
                "--items-100m",
                Integer.toString(items100m),
                "--threads",
                threads,
                "--batches",
                batches
            });
            return 0;
        }
    }

    @Command(
            name = "merge",
            mixinStandardHelpOptions = true,
            description = {
                "Merge throughput and peak memory: random fp32 checkpoints of 0.47 and",
                "2.1 GB in 4 shards with an all-linear r=16 adapter, each merged in a",
                "fresh JVM (a peak RSS flat with model size means the merge streams).",
                "Needs about 5 GB of free disk under --tmp."
            })
    static final class Merge implements Callable<Integer> {
        @Option(
                names = "--tmp",
                paramLabel = "DIR",
                description = "Where the checkpoints are written (default: java.io.tmpdir).")
        Path tmp;

        @Override
        public Integer call() throws Exception {
            MergeBenchmark.main(tmp == null ? new String[0] : new String[] {tmp.toString()});
            return 0;
        }
    }

    @Command(
            name = "dataset",
            mixinStandardHelpOptions = true,
            description = {
                "Dataset stage throughput: Alpaca replicated to about --records records,",
                "with and without deduplication, and the near-duplicate stage alone.",
                "The stage's code lives in dataset-service, so this runs the benchmark on",
                "that module's test classpath through the Maven wrapper (the checkout's)."
            })
    static final class Dataset implements Callable<Integer> {
        static final String MAIN = "org.lorapipe.dataset.bench.DatasetBenchmark";

        @Option(names = "--records", description = "About how many records (default: 100000).")
        int records = 100_000;

        @Override
        public Integer call() throws Exception {
            if (records < 1) {
                throw new UsageProblem("--records must be >= 1");
            }
            Path root = projectRoot();
            Path mvnw = root.resolve("mvnw");
            if (!Files.isExecutable(mvnw)) {
                throw new UsageProblem("no Maven wrapper at " + mvnw + ": run lora bench dataset from the checkout");
            }
            Process p = new ProcessBuilder(
                            mvnw.toString(),
                            "-q",
                            "-pl",
                            "dataset-service",
                            "test-compile",
                            "exec:java",
                            "-Dexec.classpathScope=test",
                            "-Dexec.mainClass=" + MAIN,
                            "-Dexec.args=" + records)
                    .directory(root.toFile())
                    .inheritIO()
                    .start();
            return p.waitFor() == 0 ? 0 : 1;
        }
    }

    @Command(
            name = "training",
            mixinStandardHelpOptions = true,
            description = {
                "Training tokens/s and peak memory of every configuration, each run",
                "--repeats times (round robin, each in a fresh JVM), as median (min-max);",
                "then QLoRA vs LoRA and LoRA vs full fine-tuning.",
                "--soak N: N jobs back to back in one process, RSS after each.",
                "",
                "Examples:  lora bench training --only stories",
                "           lora bench training --only 100m --steps 4",
                "           lora bench training --soak 20"
            })
    static final class Training implements Callable<Integer> {
        @Mixin
        RunOptions run = new RunOptions();

        @Option(names = "--soak", paramLabel = "N", description = "Run N jobs back to back instead (100M model).")
        int soak;

        @Override
        public Integer call() {
            TrainingBenchmark bench = new TrainingBenchmark(run.resolve(), System.out);
            if (soak > 0) {
                bench.soak(soak);
            } else {
                bench.run();
            }
            return 0;
        }
    }

    @Command(
            name = "compare",
            mixinStandardHelpOptions = true,
            description = {
                "Our trainer against plain PyTorch (bench/torch_reference.py) on the same",
                "configurations, back to back: tokens/s median (min-max) of each, the",
                "ratio, peak memory, and the speed targets.",
                "--trajectory: the same initial adapter and 20 batches trained by both",
                "(dropout 0, constant learning rate, AdamW), losses side by side, for q,v",
                "and all-linear (and QLoRA's difference); exit 1 if they disagree.",
                "",
                "Needs a Python with torch (Debian):",
                "  apt-get install -y python3-torch libopenblas0-pthread",
                "",
                "Examples:  lora bench compare --only stories",
                "           lora bench compare --only 100m --steps 4",
                "           lora bench compare --trajectory"
            })
    static final class Compare implements Callable<Integer> {
        @Mixin
        RunOptions run = new RunOptions();

        @Option(names = "--trajectory", description = "Compare loss curves step by step instead of speed.")
        boolean trajectory;

        @Option(
                names = "--python",
                paramLabel = "FILE",
                description = "Python with torch (default: ${DEFAULT-VALUE}).",
                defaultValue = "/usr/bin/python3")
        Path python;

        @Option(
                names = "--reference",
                paramLabel = "FILE",
                description = "The PyTorch reference script (default: $LORA_TORCH_REFERENCE, else the project's"
                        + " bench/torch_reference.py).")
        Path reference;

        @Option(
                names = "--lr",
                description = "Trajectory learning rate (default: ${DEFAULT-VALUE}).",
                defaultValue = "1e-3")
        double lr;

        @Option(
                names = "--weight-decay",
                description = "Trajectory weight decay (default: ${DEFAULT-VALUE}).",
                defaultValue = "0.01")
        double weightDecay;

        @Option(
                names = "--trajectory-steps",
                description = "Trajectory steps (default: ${DEFAULT-VALUE}).",
                defaultValue = "20")
        int trajectorySteps;

        @Override
        public Integer call() throws IOException {
            TrainingBenchmark.Options options = run.resolve();
            TorchReference torch =
                    new TorchReference(python, TorchReference.findScript(reference, projectRoot()), options.threads());
            String problem = torch.problem();
            if (problem != null) {
                throw new UsageProblem("lora bench compare needs the PyTorch reference: " + problem);
            }
            if (!trajectory) {
                new CompareBenchmark(options, torch, System.out).run();
                return 0;
            }
            Path stories = options.stories() != null ? options.stories() : run.storiesBin();
            System.setProperty("ai.djl.pytorch.num_threads", Integer.toString(options.threads()));
            Path work = Files.createTempDirectory("lora-trajectory");
            System.out.println("initial adapters and batches: " + work);
            List<Trajectory.Result> results = new Trajectory(
                            BenchModel.stories(stories), torch, System.out, trajectorySteps, lr, weightDecay)
                    .run(work);
            return results.stream().allMatch(r -> !r.checked() || r.agrees()) ? 0 : 1;
        }
    }
}
