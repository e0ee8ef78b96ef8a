package org.lorapipe.cli.sweep;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.lorapipe.contract.event.FailureError;
import org.lorapipe.contract.event.TrainingProgress;
import org.lorapipe.contract.sweep.SweepRunStatus;
import org.lorapipe.contract.sweep.SweepSetting;

class SweepTableTest {
    private static final List<SweepSetting> SETTINGS = List.of(
            new SweepSetting(1, "lora.r=4, lora.alpha=8", Map.of()),
            new SweepSetting(2, "a setting whose label is far too long to fit the column of the table", Map.of()));

    @Test
    void eachRunShowsItsStateAndWhatIsKnownOfIt() {
        List<SweepRunStatus> runs = List.of(
                new SweepRunStatus(
                        1, "s-1", 1, 1, "not-merged", 1.25, 1.5, 300L << 20, 309L << 20, 9876.0, 65_000L, null),
                new SweepRunStatus(2, "s-2", 1, 2, SweepRunStatus.QUEUED, null, null, null, null, null, null, null),
                new SweepRunStatus(3, "s-3", 2, 1, SweepRunStatus.QUEUED, null, null, null, null, null, null, null),
                new SweepRunStatus(
                        4,
                        "s-4",
                        2,
                        2,
                        "failed",
                        null,
                        null,
                        null,
                        null,
                        null,
                        null,
                        new FailureError("INVALID_INPUT", "no example fits maxSeqLength 8:\nraise it")));
        TrainingProgress training =
                new TrainingProgress(1, "s-2", Instant.now(), null, 40, 100, 0.4, 2.5, 1e-3, 5000, 1, 1, null);
        List<String> lines = SweepTable.render("Rank", SETTINGS, runs, Map.of("s-2", training));

        assertThat(lines.get(0)).isEqualTo("Rank: 2 of 4 run(s) ended");
        assertThat(lines.get(2))
                .contains("lora.r=4, lora.alpha=8")
                .contains("not-merged")
                .contains("1.2500")
                .contains("1.5000")
                .contains("9,876")
                .contains("300 MiB (+3%)")
                .contains("1m05s");
        assertThat(lines.get(3)).contains("training").contains("2.5000").contains("step 40/100");
        assertThat(lines.get(4)).contains("queued").contains("a setting whose label is far too long t…");
        assertThat(lines.get(5)).contains("failed").contains("INVALID_INPUT: no example fits maxSeqLength 8: raise it");
    }
}
