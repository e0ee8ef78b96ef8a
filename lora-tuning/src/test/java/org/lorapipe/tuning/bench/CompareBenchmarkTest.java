package org.lorapipe.tuning.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.lorapipe.testkit.NeedsTools;
import org.lorapipe.tuning.Fixtures;

/** Ours and the PyTorch reference back to back on stories260K (needs torch, as TrajectoryTest does). */
@NeedsTools
class CompareBenchmarkTest {

    @Test
    void runsBothSidesAndPrintsTheRatioAndTheTargets() {
        Path root = Path.of(System.getProperty("lora.project.root", "..")).toAbsolutePath();
        TorchReference torch =
                new TorchReference(Path.of("/usr/bin/python3"), TorchReference.findScript(null, root), 1);
        assertThat(torch.problem()).as("the PyTorch reference").isNull();
        ByteArrayOutputStream printed = new ByteArrayOutputStream();
        TrainingBenchmark.Options options = new TrainingBenchmark.Options(
                "stories", 1, 0, 1, 1, Fixtures.storiesBin(), List.of(BenchConfig.LORA_QV));

        List<CompareBenchmark.Row> rows =
                new CompareBenchmark(options, torch, new PrintStream(printed, true, StandardCharsets.UTF_8)).run();

        assertThat(rows).singleElement().satisfies(r -> {
            assertThat(r.config()).isEqualTo(BenchConfig.LORA_QV);
            assertThat(r.ours()).hasSize(1);
            assertThat(r.torch()).hasSize(1);
            assertThat(r.torch().get(0).get("trainable").asLong())
                    .as("PyTorch trains the same adapter")
                    .isEqualTo(r.ours().get(0).trainable());
            assertThat(r.torch().get(0).get("peak_rss_mb").asDouble())
                    .as("the child's own peak, read from /proc")
                    .isBetween(50.0, 4000.0);
            assertThat(r.ratio()).isPositive();
        });
        String text = printed.toString(StandardCharsets.UTF_8);
        assertThat(text)
                .contains("| stories260K | LoRA r8 q,v |")
                .containsPattern("\\[(met|MISSED)\\] stories260K LoRA r8 q,v: [0-9.]+x PyTorch");
    }
}
