package org.lorapipe.tuning.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.lorapipe.contract.artifact.LossPoint;
import org.lorapipe.contract.dataset.TokenizedSequence;
import org.lorapipe.contract.request.LoraSpec;
import org.lorapipe.model.LlamaModel;
import org.lorapipe.tuning.lora.LoraAdapters;
import org.lorapipe.tuning.lora.LoraPlan;
import org.lorapipe.tuning.peft.PeftAdapter;
import org.lorapipe.tuning.train.Trainer;
import org.lorapipe.tuning.train.TrainingListener;

/**
 * The same training as PyTorch, step for step: from one initial adapter (PEFT files: A as our trainer
 * initialises it, B zero) and the same token batches, our {@link Trainer} and the reference script train
 * with dropout 0, a constant learning rate and AdamW, and their per-step losses are compared. The two
 * differ only in floating-point summation order, so the losses must agree to about 1e-4 relative at
 * every step; a wrong gradient, optimizer or model formula shows as a drift within a few steps.
 *
 * <p>Our trainer shuffles each epoch's sequences with {@link Trainer#order}; the batches are laid out in
 * the inverse of that order, so that step i trains exactly batch i of the file. A QLoRA run cannot match
 * an fp32 reference: its difference is printed as a figure, not checked.
 */
public final class Trajectory {

    /** Agreement required at every step, relative to the reference loss. */
    public static final double TOLERANCE = 1e-4;

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final long SEED = 42;

    /** One compared run. */
    public record Result(String label, double[] ours, double[] reference, boolean checked) {
        public double maxRelativeDifference() {
            double max = 0;
            for (int i = 0; i < ours.length; i++) {
                max = Math.max(max, Math.abs(ours[i] - reference[i]) / Math.abs(reference[i]));
            }
            return max;
        }

        public boolean agrees() {
            return maxRelativeDifference() <= TOLERANCE;
        }
    }

    private final BenchModel model;
    private final TorchReference torch;
    private final PrintStream out;
    private final int steps;
    private final double lr;
    private final double weightDecay;

    public Trajectory(
            BenchModel model, TorchReference torch, PrintStream out, int steps, double lr, double weightDecay) {
        this.model = model;
        this.torch = torch;
        this.out = out;
        this.steps = steps;
        this.lr = lr;
        this.weightDecay = weightDecay;
    }

    /** q,v and all-linear on the fp32 base (checked), then q,v on an NF4 base (difference printed). */
    public List<Result> run(Path work) {
        List<Result> results = new ArrayList<>();
        results.add(compare(work.resolve("lora-qv"), "LoRA r8 q,v", BenchConfig.QV, false));
        results.add(compare(work.resolve("lora-all-linear"), "LoRA r8 all-linear", BenchConfig.ALL, false));
        results.add(compare(work.resolve("qlora-qv"), "QLoRA nf4+dq r8 q,v vs fp32 PyTorch", BenchConfig.QV, true));
        for (Result r : results) {
            out.printf(
                    Locale.ROOT,
                    "%s: max relative loss difference %.2e over %d steps%s%n",
                    r.label(),
                    r.maxRelativeDifference(),
                    r.ours().length,
                    !r.checked()
                            ? " (not checked: NF4 base vs fp32)"
                            : r.agrees() ? " - agree within " + TOLERANCE : " - DIFFER (tolerance " + TOLERANCE + ")");
        }
        return results;
    }

    /** Writes the initial adapter and batches into {@code dir}, trains both sides and prints the columns. */
    public Result compare(Path dir, String label, List<String> targets, boolean nf4) {
        LoraSpec spec = new LoraSpec(8, 16, 0.0, targets, Map.of(), Map.of(), false);
        double[] ours = new double[steps];
        try (LlamaModel m = model.load(nf4);
                LoraAdapters adapters = LoraAdapters.attach(m, LoraPlan.resolve(spec, m.linears()), SEED)) {
            Path adapterDir = dir.resolve("init-adapter");
            PeftAdapter.save(adapterDir, adapters, "stories260K");
            List<TokenizedSequence> seqs = TrainingRun.randomSequences(
                    steps * model.batch(), model.seq(), m.config().vocabSize(), 7);
            writeBatches(dir.resolve("batches.json"), seqs);
            List<TokenizedSequence> data = inTrainerOrder(seqs);
            try (Trainer trainer = Trainer.forAdapters(
                    adapters, TrainingRun.spec(model.batch(), steps, lr, weightDecay, SEED, false))) {
                List<LossPoint> losses =
                        trainer.train(data, new TrainingListener() {}).losses();
                for (int i = 0; i < steps; i++) {
                    ours[i] = losses.get(i).loss();
                }
            }
        }
        List<String> args = new ArrayList<>(List.of("--model", model.stories().toString()));
        args.addAll(List.of(
                "--init-adapter",
                dir.resolve("init-adapter").toString(),
                "--tokens",
                dir.resolve("batches.json").toString(),
                "--dropout",
                "0",
                "--lr",
                Double.toString(lr),
                "--weight-decay",
                Double.toString(weightDecay),
                "--warmup",
                "0"));
        JsonNode ref = torch.run(args);
        double[] theirs = new double[steps];
        for (int i = 0; i < steps; i++) {
            theirs[i] = ref.get("losses").get(i).asDouble();
        }
        Result r = new Result(label, ours, theirs, !nf4);
        print(r);
        return r;
    }

    /** The sequences placed so that the trainer's epoch-0 order trains them in list order. */
    static List<TokenizedSequence> inTrainerOrder(List<TokenizedSequence> seqs) {
        int[] order = Trainer.order(seqs.size(), SEED, 0);
        TokenizedSequence[] placed = new TokenizedSequence[seqs.size()];
        for (int i = 0; i < order.length; i++) {
            placed[order[i]] = seqs.get(i);
        }
        return Arrays.asList(placed);
    }

    /** {@code {"batches": [steps x B x (T+1) ids]}}, the reference script's {@code --tokens} format. */
    private void writeBatches(Path file, List<TokenizedSequence> rows) {
        ObjectNode root = JSON.createObjectNode();
        ArrayNode batches = root.putArray("batches");
        for (int s = 0; s < steps; s++) {
            ArrayNode batch = batches.addArray();
            for (int b = 0; b < model.batch(); b++) {
                ArrayNode row = batch.addArray();
                for (int id : rows.get(s * model.batch() + b).ids()) {
                    row.add(id);
                }
            }
        }
        try {
            Files.createDirectories(file.getParent());
            JSON.writeValue(file.toFile(), root);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file, e);
        }
    }

    private void print(Result r) {
        out.println();
        out.println(r.label() + ":");
        out.println("| step | ours | PyTorch | relative difference |");
        out.println("|---:|---:|---:|---:|");
        for (int i = 0; i < r.ours().length; i++) {
            out.printf(
                    Locale.ROOT,
                    "| %d | %.6f | %.6f | %.2e |%n",
                    i + 1,
                    r.ours()[i],
                    r.reference()[i],
                    Math.abs(r.ours()[i] - r.reference()[i]) / Math.abs(r.reference()[i]));
        }
    }
}
