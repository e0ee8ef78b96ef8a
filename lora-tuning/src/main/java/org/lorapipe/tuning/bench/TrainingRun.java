package org.lorapipe.tuning.bench;

import ai.djl.ndarray.NDArray;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.lorapipe.contract.artifact.LossPoint;
import org.lorapipe.contract.dataset.TokenizedSequence;
import org.lorapipe.contract.request.OptimizerType;
import org.lorapipe.contract.request.QuantizationSpec;
import org.lorapipe.contract.request.QuantizationType;
import org.lorapipe.contract.request.SchedulerType;
import org.lorapipe.contract.request.TrainingSpec;
import org.lorapipe.model.LlamaConfig;
import org.lorapipe.model.LlamaModel;
import org.lorapipe.tuning.lora.LoraAdapters;
import org.lorapipe.tuning.lora.LoraPlan;
import org.lorapipe.tuning.memory.MemoryEstimator;
import org.lorapipe.tuning.memory.RunShape;
import org.lorapipe.tuning.train.MemoryProbe;
import org.lorapipe.tuning.train.StepReport;
import org.lorapipe.tuning.train.TrainableParameter;
import org.lorapipe.tuning.train.Trainer;
import org.lorapipe.tuning.train.TrainingListener;

/**
 * One timed training run of a configuration, through the real {@link Trainer}: the model is loaded,
 * trained for {@code warmup + steps} optimizer steps on random token ids (every label counted, AdamW lr
 * 3e-4 wd 0.01, constant schedule, no clipping: the PyTorch reference script's workload) and closed.
 * Tokens/s counts B x T labels per step over the steps after the warm-up ones.
 *
 * <p>Peak memory: VmHWM is reset ({@link MemoryProbe#resetPeak()}) before the model is loaded, so the
 * figure is this run's own peak (the process's baseline included); beside it, what the memory estimator
 * predicted for the run.
 */
public final class TrainingRun {

    /**
     * Figures of one run.
     *
     * @param peakRss the run's own peak resident memory, measured
     * @param predictedPeak what {@link MemoryEstimator} predicts for the run from its config alone (with
     *     its calibrated baseline, not the run's)
     */
    public record Sample(
            double tokensPerSecond,
            long peakRss,
            long trainable,
            long weightBytes,
            long optimizerBytes,
            double firstLoss,
            double lastLoss,
            long predictedPeak) {

        /** predicted / measured - 1: above 0 the estimate is high. */
        public double estimateError() {
            return (double) predictedPeak / peakRss - 1;
        }
    }

    private TrainingRun() {}

    /**
     * One run in a fresh JVM, as the PyTorch reference runs in a fresh Python: its peak RSS is then this
     * configuration's own (a process that ran a bigger job before keeps that job's freed memory in its
     * malloc heap), and no JIT or heap state carries over between configurations. Same classpath, same
     * environment (so the same native memory policy).
     */
    public static Sample inChildProcess(BenchModel bm, BenchConfig config, int steps, int warmup, int threads) {
        List<String> cmd = List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp",
                System.getProperty("java.class.path"),
                "-Dai.djl.offline=true",
                "-Dai.djl.pytorch.num_threads=" + threads,
                TrainingRun.class.getName(),
                bm.argument(),
                Integer.toString(bm.batch()),
                Integer.toString(bm.seq()),
                config.key(),
                Integer.toString(steps),
                Integer.toString(warmup));
        ChildProcess child = ChildProcess.run(new ProcessBuilder(cmd), CHILD_TIMEOUT_MINUTES, p -> {});
        String last = child.lastLine();
        if (child.exitCode() != 0 || !last.startsWith(RESULT)) {
            throw new IllegalStateException("the benchmark run failed (exit " + child.exitCode() + "): "
                    + String.join(" ", cmd) + "\n" + child.output());
        }
        String[] f = last.substring(RESULT.length()).strip().split(" ");
        return new Sample(
                Double.parseDouble(f[0]),
                Long.parseLong(f[1]),
                Long.parseLong(f[2]),
                Long.parseLong(f[3]),
                Long.parseLong(f[4]),
                Double.parseDouble(f[5]),
                Double.parseDouble(f[6]),
                Long.parseLong(f[7]));
    }

    private static final long CHILD_TIMEOUT_MINUTES = 60;
    private static final String RESULT = "training-run:";

    /** {@code TrainingRun MODEL BATCH SEQ CONFIG STEPS WARMUP}: MODEL is a stories260K.bin path or "100m". */
    public static void main(String[] args) {
        BenchModel bm =
                BenchModel.fromArgument(args[0]).withBatch(Integer.parseInt(args[1]), Integer.parseInt(args[2]));
        BenchConfig c = BenchConfig.select(args[3]).get(0);
        Sample s = run(bm, c, Integer.parseInt(args[4]), Integer.parseInt(args[5]));
        System.out.println(RESULT + " " + s.tokensPerSecond() + " " + s.peakRss() + " " + s.trainable() + " "
                + s.weightBytes() + " " + s.optimizerBytes() + " " + s.firstLoss() + " " + s.lastLoss() + " "
                + s.predictedPeak());
        System.exit(0);
    }

    public static Sample run(BenchModel bm, BenchConfig config, int steps, int warmup) {
        MemoryProbe.resetPeak();
        boolean nf4 = config.mode() == BenchConfig.Mode.QLORA;
        TrainingSpec spec = spec(bm.batch(), steps + warmup, 3e-4, 0.01, 0, config.checkpointing());
        try (LlamaModel model = bm.load(nf4)) {
            if (config.mode() == BenchConfig.Mode.FULL) {
                List<TrainableParameter> params = new ArrayList<>();
                long count = 0;
                for (Map.Entry<String, NDArray> e : model.weights().entrySet()) {
                    e.getValue().setRequiresGradient(true);
                    params.add(new TrainableParameter(e.getKey(), e.getValue()));
                    count += e.getValue().getShape().size();
                }
                try (Trainer trainer = new Trainer(model, params, spec, new Trainer.Options(null, false, true))) {
                    return measure(model, trainer, count, bm, steps, warmup, config);
                }
            }
            try (LoraAdapters adapters =
                            LoraAdapters.attach(model, LoraPlan.resolve(config.loraSpec(), model.linears()), 0);
                    Trainer trainer = Trainer.forAdapters(adapters, spec)) {
                return measure(model, trainer, adapters.parameterCount(), bm, steps, warmup, config);
            }
        }
    }

    /**
     * The benchmarks' training loop: AdamW, a constant learning rate without warm-up, one micro-batch
     * per step, no clipping, no checkpoints (the reference script's loop).
     */
    static TrainingSpec spec(
            int batch, int steps, double lr, double weightDecay, long seed, boolean gradientCheckpointing) {
        return new TrainingSpec(
                OptimizerType.ADAMW,
                lr,
                weightDecay,
                0.9,
                SchedulerType.CONSTANT,
                0,
                1,
                steps,
                batch,
                1,
                0,
                seed,
                0,
                gradientCheckpointing);
    }

    /** {@code n} sequences of {@code t + 1} random ids in [3, vocab), every label counted. */
    static List<TokenizedSequence> randomSequences(int n, int t, int vocab, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        List<TokenizedSequence> data = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            int[] ids = new int[t + 1];
            boolean[] counted = new boolean[t + 1];
            for (int j = 0; j <= t; j++) {
                ids[j] = r.nextInt(3, vocab);
                counted[j] = true;
            }
            data.add(new TokenizedSequence(ids, counted, new int[] {0}));
        }
        return data;
    }

    private static Sample measure(
            LlamaModel model,
            Trainer trainer,
            long trainable,
            BenchModel bm,
            int steps,
            int warmup,
            BenchConfig config) {
        int sequences = (steps + warmup) * bm.batch();
        List<TokenizedSequence> data =
                randomSequences(sequences, bm.seq(), model.config().vocabSize(), 0);
        List<StepReport> reports = new ArrayList<>();
        long[] warmEnd = {System.nanoTime()};
        List<LossPoint> losses = trainer.train(data, new TrainingListener() {
                    @Override
                    public void onStep(StepReport s) {
                        reports.add(s);
                        if (s.step() == warmup) {
                            warmEnd[0] = System.nanoTime();
                        }
                    }
                })
                .losses();
        double seconds = (System.nanoTime() - warmEnd[0]) / 1e9;
        StepReport last = reports.get(reports.size() - 1);
        long peak = MemoryProbe.read().peakRssBytes();
        return new Sample(
                steps * (double) bm.batch() * bm.seq() / seconds,
                peak,
                trainable,
                last.memory().weightBytes(),
                last.memory().optimizerBytes(),
                losses.get(0).loss(),
                losses.get(losses.size() - 1).loss(),
                predict(model.config(), config, bm, steps + warmup, sequences));
    }

    /**
     * The estimate of a run before it runs, from the model's config and the configuration: the same
     * estimator the trainer uses at intake, here with its calibrated baseline. Sequences are
     * {@code seq + 1} tokens (every position but the last predicts the next).
     */
    public static long predict(LlamaConfig c, BenchConfig config, BenchModel bm, int steps, int sequences) {
        QuantizationSpec q = config.mode() == BenchConfig.Mode.QLORA
                ? BenchModel.QLORA
                : new QuantizationSpec(QuantizationType.NONE, false, QuantizationSpec.DEFAULT_BLOCK_SIZE);
        RunShape shape = new RunShape(
                c,
                config.mode() == BenchConfig.Mode.FULL ? null : config.loraSpec(),
                q,
                spec(bm.batch(), steps, 3e-4, 0.01, 0, config.checkpointing()),
                bm.seq() + 1,
                false,
                false, // every step the same shape
                (long) sequences * (bm.seq() + 1),
                sequences);
        return new MemoryEstimator().estimate(shape).total();
    }
}
