package org.lorapipe.cli.sweep;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.lorapipe.cli.watch.ProgressBar;
import org.lorapipe.contract.event.TrainingProgress;
import org.lorapipe.contract.sweep.SweepRunStatus;
import org.lorapipe.contract.sweep.SweepSetting;

/**
 * The live table of {@code lora sweep watch}: one line per run with its setting, seed and state; a run
 * that is training shows its step and loss, an ended one its figures, a failed one its error.
 */
final class SweepTable {
    static final int LABEL_CHARS = 40;

    private SweepTable() {}

    /**
     * @param training the latest training progress of runs that are training, by request id
     */
    static List<String> render(
            String title,
            List<SweepSetting> settings,
            List<SweepRunStatus> runs,
            Map<String, TrainingProgress> training) {
        List<String> lines = new ArrayList<>();
        long ended = runs.stream().filter(SweepRunStatus::ended).count();
        lines.add(String.format(Locale.ROOT, "%s: %d of %d run(s) ended", title, ended, runs.size()));
        lines.add(String.format(
                Locale.ROOT,
                "%4s  %-" + LABEL_CHARS + "s %8s  %-10s %9s %9s %9s %18s %8s",
                "run",
                "setting",
                "seed",
                "state",
                "loss",
                "val loss",
                "tok/s",
                "peak (vs predicted)",
                "time"));
        for (SweepRunStatus r : runs) {
            String label = cut(settings.get(r.setting() - 1).label());
            String state = r.state();
            String figures;
            TrainingProgress p = training.get(r.requestId());
            if (r.ended() && r.error() != null) {
                figures = cut(r.error().code() + ": " + r.error().message(), 60);
            } else if (r.ended()) {
                figures = String.format(
                        Locale.ROOT,
                        "%9s %9s %9s %18s %8s",
                        number(r.trainLoss()),
                        number(r.validationLoss()),
                        r.tokensPerSecond() == null ? "-" : String.format(Locale.ROOT, "%,.0f", r.tokensPerSecond()),
                        peak(r),
                        r.durationMs() == null ? "-" : ProgressBar.duration(r.durationMs()));
            } else if (p != null) {
                state = "training";
                figures = String.format(
                        Locale.ROOT,
                        "%9s %9s %9s  step %d/%d",
                        number(p.loss()),
                        "-",
                        String.format(Locale.ROOT, "%,.0f", p.tokensPerSecond()),
                        p.step(),
                        p.totalSteps());
            } else {
                figures = "";
            }
            lines.add(String.format(
                            Locale.ROOT,
                            "%4d  %-" + LABEL_CHARS + "s %8d  %-10s %s",
                            r.n(),
                            label,
                            r.seed(),
                            state,
                            figures)
                    .stripTrailing());
        }
        return lines;
    }

    /** The run's peak, and how far the prediction made before it trained was off: "329 MiB (-1%)". */
    private static String peak(SweepRunStatus r) {
        if (r.peakRssBytes() == null) {
            return "-";
        }
        String measured = ProgressBar.mib(r.peakRssBytes());
        Long predicted = r.estimatedPeakBytes();
        return predicted == null || predicted <= 0
                ? measured
                : String.format(
                        Locale.ROOT,
                        "%s (%+.0f%%)",
                        measured,
                        100.0 * (predicted - r.peakRssBytes()) / r.peakRssBytes());
    }

    private static String number(Double v) {
        return v == null ? "-" : String.format(Locale.ROOT, "%.4f", v);
    }

    private static String cut(String s) {
        return cut(s, LABEL_CHARS);
    }

    private static String cut(String s, int max) {
        String oneLine = s.replaceAll("\\s+", " ");
        return oneLine.length() <= max ? oneLine : oneLine.substring(0, max - 1) + "…";
    }
}
