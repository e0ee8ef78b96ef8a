package org.lorapipe.tuning.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.lorapipe.contract.dataset.TokenizedSequence;
import org.lorapipe.testkit.NeedsTools;
import org.lorapipe.tuning.Fixtures;
import org.lorapipe.tuning.train.Trainer;

/**
 * Our trainer and plain PyTorch ({@code bench/torch_reference.py}) train the same LoRA from the
 * same initial adapter on the same batches: the losses agree step by step. This pins the whole training
 * math (model, PEFT LoRA, loss, backward, AdamW) to an independent implementation. Needs a system Python
 * with torch ({@code .ci/run} installs Debian's python3-torch); without it the test fails and says how.
 */
@NeedsTools
class TrajectoryTest {

    @TempDir
    Path dir;

    @Test
    void loraTrainsStepForStepAsPyTorchDoes() {
        Path root = Path.of(System.getProperty("lora.project.root", "..")).toAbsolutePath();
        TorchReference torch =
                new TorchReference(Path.of("/usr/bin/python3"), TorchReference.findScript(null, root), 1);
        assertThat(torch.problem()).as("the PyTorch reference").isNull();
        ByteArrayOutputStream printed = new ByteArrayOutputStream();
        Trajectory t = new Trajectory(
                BenchModel.stories(Fixtures.storiesBin()),
                torch,
                new PrintStream(printed, true, StandardCharsets.UTF_8),
                8,
                1e-3,
                0.01);

        Trajectory.Result qv = t.compare(dir.resolve("qv"), "q,v", BenchConfig.QV, false);
        Trajectory.Result all = t.compare(dir.resolve("all"), "all-linear", BenchConfig.ALL, false);

        for (Trajectory.Result r : List.of(qv, all)) {
            assertThat(r.maxRelativeDifference())
                    .as(r.label() + "\n" + printed)
                    .isLessThanOrEqualTo(Trajectory.TOLERANCE);
            assertThat(r.ours()[r.ours().length - 1])
                    .as("the run learned something")
                    .isLessThan(r.ours()[0] - 0.5);
        }
    }

    @Test
    void batchesAreLaidOutSoTheTrainerTrainsThemInFileOrder() {
        List<TokenizedSequence> seqs = TrainingRun.randomSequences(24, 5, 100, 3);
        List<TokenizedSequence> placed = Trajectory.inTrainerOrder(seqs);
        int[] order = Trainer.order(seqs.size(), 42, 0);
        for (int i = 0; i < seqs.size(); i++) {
            assertThat(placed.get(order[i])).isSameAs(seqs.get(i));
        }
    }
}
