package org.lorapipe.tuning.train;

import ai.djl.ndarray.NDManager;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.lorapipe.contract.artifact.LossPoint;
import org.lorapipe.contract.dataset.TokenizedSequence;
import org.lorapipe.contract.event.MemoryUsage;
import org.lorapipe.contract.request.OptimizerType;
import org.lorapipe.contract.request.TrainingSpec;
import org.lorapipe.model.LlamaModel;
import org.lorapipe.tuning.lora.Dropout;
import org.lorapipe.tuning.lora.LoraAdapters;
import org.lorapipe.tuning.optim.AdamW;
import org.lorapipe.tuning.optim.GradClip;
import org.lorapipe.tuning.optim.LrSchedule;
import org.lorapipe.tuning.optim.Optimizer;
import org.lorapipe.tuning.optim.Sgd;

/**
 * The training loop: next-token cross-entropy over counted labels, micro-batches with gradient
 * accumulation, global grad-norm clipping, AdamW or SGD over the trainable leaves only, a warm-up +
 * cosine / linear / constant schedule, epochs or a step cap, resumable state.
 *
 * <p>One optimizer step consumes {@code gradientAccumulationSteps} micro-batches of
 * {@code microBatchSize} sequences (fewer at the end of an epoch). Each micro-batch's loss is divided
 * by N, the counted labels of the whole step, so the accumulated gradient equals that of one big batch
 * and the reported loss is the step's token-mean NLL. Steps per epoch = ceil(ceil(n / micro) / accum);
 * total = epochs * steps per epoch, capped by {@code maxSteps} when it is &gt; 0.
 *
 * <p>Determinism: the data order of epoch e is a Fisher-Yates shuffle with
 * {@code SplittableRandom(mix(seed, e))}; dropout masks are keyed by (seed, e, micro-batch, module);
 * adapter init uses the seed too. Same seed and data, same loss curve; {@link #restore} continues a run
 * exactly. Not thread-safe: one trainer per thread.
 */
public final class Trainer implements AutoCloseable {

    /** How a run is set up beyond the request's TrainingSpec. */
    public record Options(Dropout dropout, boolean recompute, boolean embeddingTrainable) {
        public static Options defaults() {
            return new Options(null, false, false);
        }
    }

    private final LlamaModel model;
    private final CausalLm lm;
    private final List<TrainableParameter> params;
    private final TrainingSpec spec;
    private final Options options;
    private final Optimizer optimizer;
    private final long weightBytes;
    private final long trainableBytes;
    private long step;
    private int epoch;
    private int microBatch;
    private long totalSteps = -1;
    private int datasetSize = -1;

    public Trainer(LlamaModel model, List<TrainableParameter> params, TrainingSpec spec, Options options) {
        validate(spec);
        this.model = model;
        this.params = List.copyOf(params);
        this.spec = spec;
        this.options = options;
        this.lm = new CausalLm(model);
        this.optimizer = spec.optimizer() == OptimizerType.SGD
                ? new Sgd(params, spec.momentum(), spec.weightDecay())
                : new AdamW(params, spec.weightDecay());
        this.weightBytes = ModelMemory.weightBytes(model);
        this.trainableBytes =
                params.stream().mapToLong(TrainableParameter::size).sum() * 4;
    }

    /**
     * A trainer for LoRA adapters: their dropout, and gradient checkpointing when the request asks for it.
     * An NF4 base needs nothing extra: {@link CausalLm} keeps its dequantized weights out of the graph.
     */
    public static Trainer forAdapters(LoraAdapters adapters, TrainingSpec spec) {
        return new Trainer(
                adapters.model(),
                adapters.parameters(),
                spec,
                new Options(adapters.dropout(), spec.gradientCheckpointing(), false));
    }

    private static void validate(TrainingSpec s) {
        List<String> problems = new ArrayList<>();
        if (s.microBatchSize() <= 0) {
            problems.add("training.microBatchSize must be > 0, got " + s.microBatchSize());
        }
        if (s.gradientAccumulationSteps() <= 0) {
            problems.add("training.gradientAccumulationSteps must be > 0, got " + s.gradientAccumulationSteps());
        }
        if (s.epochs() <= 0 && s.maxSteps() <= 0) {
            problems.add("training.epochs or training.maxSteps must be > 0");
        }
        if (!(s.learningRate() > 0)) {
            problems.add("training.learningRate must be > 0, got " + s.learningRate());
        }
        if (s.warmupSteps() < 0) {
            problems.add("training.warmupSteps must be >= 0, got " + s.warmupSteps());
        }
        if (!problems.isEmpty()) {
            throw new IllegalArgumentException("invalid training configuration: " + String.join("; ", problems));
        }
    }

    /** Total optimizer steps for a training split of {@code n} sequences. */
    public long totalSteps(int n) {
        return totalSteps(spec, n);
    }

    /** Total optimizer steps {@code spec} asks for on a training split of {@code n} sequences. */
    public static long totalSteps(TrainingSpec spec, int n) {
        long micro = ceilDiv(n, spec.microBatchSize());
        long perEpoch = ceilDiv(micro, spec.gradientAccumulationSteps());
        long total = Math.multiplyExact(perEpoch, Math.max(1, spec.epochs()));
        if (spec.maxSteps() > 0) {
            total = spec.epochs() > 0 ? Math.min(total, spec.maxSteps()) : spec.maxSteps();
        }
        return total;
    }

    /** Trains until the total step count (continuing from a restored state, if any). */
    public TrainingResult train(List<TokenizedSequence> data, TrainingListener listener) {
        if (data.isEmpty()) {
            throw new IllegalArgumentException("the training split is empty");
        }
        if (datasetSize >= 0 && datasetSize != data.size()) {
            throw new IllegalArgumentException("the restored state was trained on " + datasetSize
                    + " sequences but this split has " + data.size() + ": resume with the same dataset");
        }
        datasetSize = data.size();
        totalSteps = totalSteps(data.size());
        LrSchedule schedule = new LrSchedule(spec.scheduler(), spec.learningRate(), spec.warmupSteps(), totalSteps);
        int microPerEpoch = (int) ceilDiv(data.size(), spec.microBatchSize());
        Autograd.off();
        List<LossPoint> losses = new ArrayList<>();
        long start = System.nanoTime();
        long tokens = 0;
        long startStep = step;
        int[] order = order(data.size(), spec.seed(), epoch);
        if (step < totalSteps && microBatch < microPerEpoch) {
            listener.onEpochStart(epoch);
        }
        while (step < totalSteps) {
            if (microBatch >= microPerEpoch) {
                epoch++;
                microBatch = 0;
                order = order(data.size(), spec.seed(), epoch);
                listener.onEpochStart(epoch);
            }
            int k = Math.min(spec.gradientAccumulationSteps(), microPerEpoch - microBatch);
            List<List<TokenizedSequence>> micros = new ArrayList<>();
            long counted = 0;
            for (int j = 0; j < k; j++) {
                List<TokenizedSequence> mb = new ArrayList<>();
                int first = (microBatch + j) * spec.microBatchSize();
                for (int i = first; i < Math.min(first + spec.microBatchSize(), data.size()); i++) {
                    TokenizedSequence s = data.get(order[i]);
                    mb.add(s);
                    counted += MicroBatch.countedLabels(s);
                }
                micros.add(mb);
            }
            double normalizer = Math.max(1, counted);
            double loss = 0;
            for (int j = 0; j < k; j++) {
                if (options.dropout() != null) {
                    options.dropout().enable(Dropout.mix(spec.seed(), epoch, microBatch + j));
                }
                try (NDManager m = model.manager().newSubManager()) {
                    MicroBatch batch = MicroBatch.of(m, micros.get(j), model.config());
                    loss += lm.trainStep(batch, normalizer, options.recompute(), options.embeddingTrainable());
                    tokens += batch.tokens();
                } finally {
                    if (options.dropout() != null) {
                        options.dropout().disable();
                    }
                }
            }
            long stepNo = step + 1;
            if (!Double.isFinite(loss)) {
                zeroGradients();
                throw new TrainingDivergedException(
                        stepNo,
                        "loss became " + loss + " at step " + stepNo + " of "
                                + totalSteps + " (epoch " + epoch + "); the step was not applied: lower"
                                + " training.learningRate, raise warmupSteps or set gradClipNorm");
            }
            double gradNorm = GradClip.clip(params, spec.gradClipNorm());
            if (!Double.isFinite(gradNorm)) {
                zeroGradients();
                throw new TrainingDivergedException(
                        stepNo,
                        "gradient norm became " + gradNorm + " at step " + stepNo
                                + " of " + totalSteps + " (loss " + loss + "); the step was not applied: lower"
                                + " training.learningRate");
            }
            double lr = schedule.at(step);
            optimizer.step(lr);
            step++;
            microBatch += k;
            losses.add(new LossPoint(step, loss, lr));
            long elapsed = (System.nanoTime() - start) / 1_000_000;
            double tps = tokens / Math.max(1e-9, elapsed / 1000.0);
            long done = step - startStep;
            long eta = done == 0 ? 0 : elapsed * (totalSteps - step) / done;
            listener.onStep(new StepReport(
                    step,
                    totalSteps,
                    epoch + (double) microBatch / microPerEpoch,
                    loss,
                    lr,
                    gradNorm,
                    tps,
                    elapsed,
                    eta,
                    memory()));
            if (microBatch >= microPerEpoch) {
                listener.onEpochEnd(epoch);
            }
            boolean checkpointed =
                    spec.checkpointEverySteps() > 0 && step % spec.checkpointEverySteps() == 0 && step < totalSteps;
            if (checkpointed) {
                listener.onCheckpoint(state());
            }
            if (step < totalSteps && listener.stopRequested()) {
                if (!checkpointed) {
                    listener.onCheckpoint(state()); // the run's next owner continues from here
                }
                throw new TrainingStoppedException(step);
            }
        }
        long durationMs = (System.nanoTime() - start) / 1_000_000;
        double mean = losses.stream().mapToDouble(LossPoint::loss).average().orElse(Double.NaN);
        return new TrainingResult(
                List.copyOf(losses),
                mean,
                step,
                tokens,
                durationMs,
                tokens / Math.max(1e-9, durationMs / 1000.0),
                MemoryProbe.read().peakRssBytes());
    }

    /** Token-mean NLL over the counted labels of {@code data} (recording off, dropout off). */
    public double evaluate(List<TokenizedSequence> data, int batchSize) {
        return Evaluation.meanNll(lm, data, batchSize);
    }

    private void zeroGradients() {
        for (TrainableParameter p : params) {
            Autograd.zeroGradient(p.value());
        }
    }

    /** Current memory figures. */
    public MemoryUsage memory() {
        MemoryProbe.Rss rss = MemoryProbe.read();
        return new MemoryUsage(rss.rssBytes(), weightBytes, trainableBytes, optimizer.stateBytes(), rss.peakRssBytes());
    }

    /** A heap snapshot of the resumable state. */
    public TrainingState state() {
        Map<String, float[]> values = new LinkedHashMap<>();
        Map<String, long[]> shapes = new LinkedHashMap<>();
        for (TrainableParameter p : params) {
            values.put(p.name(), p.value().toFloatArray());
            shapes.put(p.name(), p.value().getShape().getShape());
        }
        return new TrainingState(
                step,
                totalSteps,
                epoch,
                microBatch,
                spec.seed(),
                datasetSize,
                spec.optimizer().wire(),
                optimizer.steps(),
                values,
                shapes,
                optimizer.exportState());
    }

    /** Continues from {@code s}: parameters, optimizer state, step and data position. */
    public void restore(TrainingState s) {
        List<String> problems = new ArrayList<>();
        if (s.seed() != spec.seed()) {
            problems.add("state seed " + s.seed() + " differs from training.seed " + spec.seed());
        }
        if (!s.optimizer().equals(spec.optimizer().wire())) {
            problems.add("state optimizer " + s.optimizer() + " differs from training.optimizer "
                    + spec.optimizer().wire());
        }
        for (TrainableParameter p : params) {
            long[] shape = s.shapes().get(p.name());
            if (shape == null) {
                problems.add("state lacks parameter " + p.name());
            } else if (!Arrays.equals(shape, p.value().getShape().getShape())) {
                problems.add("parameter " + p.name() + " has shape " + p.value().getShape() + " but the state has "
                        + Arrays.toString(shape));
            }
        }
        if (s.parameters().size() != params.size()) {
            problems.add("state has " + s.parameters().size() + " parameters, the run has " + params.size());
        }
        if (!problems.isEmpty()) {
            throw new IllegalArgumentException("cannot resume: " + String.join("; ", problems));
        }
        Autograd.off();
        for (TrainableParameter p : params) {
            p.value().set(s.parameters().get(p.name()));
        }
        optimizer.importState(s.optimizerState(), s.optimizerSteps());
        this.step = s.step();
        this.epoch = s.epoch();
        this.microBatch = s.microBatch();
        this.datasetSize = s.datasetSize();
    }

    public long step() {
        return step;
    }

    public Optimizer optimizer() {
        return optimizer;
    }

    public CausalLm causalLm() {
        return lm;
    }

    /**
     * Epoch {@code e}'s order of sequence indices: Fisher-Yates with SplittableRandom(mix(seed, e)); the
     * i-th sequence trained in the epoch is {@code data[order[i]]}.
     */
    public static int[] order(int n, long seed, int e) {
        int[] idx = new int[n];
        for (int i = 0; i < n; i++) {
            idx[i] = i;
        }
        SplittableRandom rnd = new SplittableRandom(seed * 0x9E3779B97F4A7C15L + e * 0xBF58476D1CE4E5B9L + 1);
        for (int i = n - 1; i > 0; i--) {
            int j = rnd.nextInt(i + 1);
            int t = idx[i];
            idx[i] = idx[j];
            idx[j] = t;
        }
        return idx;
    }

    private static long ceilDiv(long a, long b) {
        return (a + b - 1) / b;
    }

    @Override
    public void close() {
        optimizer.close();
        lm.close();
    }
}
