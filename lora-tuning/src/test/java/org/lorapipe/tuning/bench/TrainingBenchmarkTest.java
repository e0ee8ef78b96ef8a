package org.lorapipe.tuning.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.lorapipe.testkit.NeedsTools;
import org.lorapipe.tuning.Fixtures;

@NeedsTools
class TrainingBenchmarkTest {

    @Test
    void repeatsEachConfigurationAndPrintsMedianWithItsRange() {
        ByteArrayOutputStream printed = new ByteArrayOutputStream();
        TrainingBenchmark bench = new TrainingBenchmark(
                new TrainingBenchmark.Options(
                        "stories", 1, 0, 3, 1, Fixtures.storiesBin(), List.of(BenchConfig.LORA_QV)),
                new PrintStream(printed, true, StandardCharsets.UTF_8));
        BenchModel stories = BenchModel.stories(Fixtures.storiesBin());

        List<TrainingBenchmark.Row> rows = bench.measure(stories, List.of(BenchConfig.LORA_QV));
        bench.printTable(rows);

        assertThat(rows).hasSize(1);
        TrainingBenchmark.Row row = rows.get(0);
        assertThat(row.samples()).hasSize(3);
        assertThat(row.samples()).allSatisfy(s -> {
            assertThat(s.tokensPerSecond()).isPositive();
            assertThat(s.trainable()).isEqualTo(8_960);
            assertThat(s.lastLoss()).as("30 steps learn something").isLessThan(s.firstLoss());
            // each run is a fresh JVM, as the estimator's calibration assumes: its prediction holds there
            assertThat(Math.abs(s.estimateError()))
                    .as("memory estimate %d vs measured %d bytes", s.predictedPeak(), s.peakRss())
                    .isLessThan(0.15);
        });
        Spread tps = row.tokensPerSecond();
        assertThat(tps.min()).isLessThanOrEqualTo(tps.median()).isPositive();
        assertThat(tps.median()).isLessThanOrEqualTo(tps.max());
        assertThat(printed.toString(StandardCharsets.UTF_8))
                .contains("run 3:")
                .contains("| stories260K | LoRA r8 q,v | 8,960 | " + tps.format(1))
                .contains(String.format(java.util.Locale.ROOT, "| %.0f | ", row.predictedMiB()))
                .contains("memory estimate (lora estimate) against the median measured peak");
    }

    @Test
    void spreadIsTheMedianWithMinAndMax() {
        Spread s = Spread.of(List.of(3.0, 1.0, 2.0, 10.0));
        assertThat(s).isEqualTo(new Spread(1.0, 2.5, 10.0, 4));
        assertThat(s.format(1)).isEqualTo("2.5 (1.0-10.0)");
    }
}
