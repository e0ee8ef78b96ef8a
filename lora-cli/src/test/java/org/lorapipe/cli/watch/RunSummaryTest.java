package org.lorapipe.cli.watch;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.lorapipe.contract.event.AdapterTrained;
import org.lorapipe.contract.event.PipelineEvent;
import org.lorapipe.contract.event.RunMemory;
import org.lorapipe.contract.event.TrainingMetrics;

/** The training line of lora watch: the run's own peak, and the estimate beside it when the event has one. */
class RunSummaryTest {

    private static AdapterTrained trained(RunMemory memory) {
        TrainingMetrics m = new TrainingMetrics(0.9, 1.1, 40_000, 59_000, 714L << 20, 7_524, 50_848, 260_032, memory);
        return new AdapterTrained(
                PipelineEvent.SCHEMA_VERSION, "r1", Instant.now(), null, "s3://lora/runs/r1/adapter/", m);
    }

    @Test
    void thePeakIsShownWithItsPredictionWhenTheEventCarriesOne() {
        RunMemory memory = new RunMemory(
                714L << 20,
                200L << 20,
                1L << 20,
                1L << 18,
                1L << 18,
                1L << 19,
                700L << 20,
                Map.of("total", 700L << 20));
        assertThat(RunSummary.adapter(trained(memory))).contains("peak RSS 714 MiB (predicted 700 MiB); adapter");
        assertThat(RunSummary.adapter(trained(null))).contains("peak RSS 714 MiB; adapter");
    }
}
