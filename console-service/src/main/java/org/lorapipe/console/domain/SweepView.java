package org.lorapipe.console.domain;

import java.time.Instant;
import java.util.List;
import org.lorapipe.contract.sweep.SweepCompleted;
import org.lorapipe.contract.sweep.SweepProgress;
import org.lorapipe.contract.sweep.SweepRunStatus;
import org.lorapipe.contract.sweep.SweepSetting;

/**
 * A sweep as its newest {@code lora.sweep.progress} or {@code lora.sweep.completed} tells it: each
 * such event carries the whole table, so the newest one is the view.
 */
public record SweepView(
        String sweepId,
        long seq,
        Instant updated,
        String title,
        int runsTotal,
        int runsEnded,
        int runsFailed,
        boolean completed,
        List<SweepSetting> settings,
        List<SweepRunStatus> runs,
        String reportUri) {

    static SweepView of(SweepProgress p, long seq) {
        return new SweepView(
                p.sweepId(),
                seq,
                p.occurredAt(),
                p.title(),
                p.runsTotal(),
                p.runsEnded(),
                p.runsFailed(),
                false,
                p.settings(),
                p.runs(),
                p.reportUri());
    }

    static SweepView of(SweepCompleted c, long seq) {
        return new SweepView(
                c.sweepId(),
                seq,
                c.occurredAt(),
                c.title(),
                c.runsTotal(),
                c.runsTotal(),
                c.runsFailed(),
                true,
                c.settings(),
                c.runs(),
                c.reportUri());
    }
}
