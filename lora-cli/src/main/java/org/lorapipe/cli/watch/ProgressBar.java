package org.lorapipe.cli.watch;

import java.time.Duration;
import java.util.Locale;
import org.lorapipe.contract.event.TrainingProgress;

/** Renders a training step as one line: a bar, step, loss, learning rate, throughput, ETA and memory. */
public final class ProgressBar {
    static final int WIDTH = 28;

    private ProgressBar() {}

    static String render(TrainingProgress p) {
        double fraction = p.totalSteps() <= 0 ? 0 : Math.min(1.0, p.step() / (double) p.totalSteps());
        int filled = (int) Math.round(fraction * WIDTH);
        String bar = "█".repeat(filled) + "░".repeat(WIDTH - filled);
        String memory = p.memory() == null ? "" : "  RSS " + mib(p.memory().rssBytes());
        return String.format(
                Locale.ROOT,
                "%s %3.0f%%  step %d/%d  loss %.4f  lr %.2e  %,.0f tok/s  ETA %s%s",
                bar,
                fraction * 100,
                p.step(),
                p.totalSteps(),
                p.loss(),
                p.learningRate(),
                p.tokensPerSecond(),
                duration(p.etaMs()),
                memory);
    }

    public static String duration(long ms) {
        Duration d = Duration.ofMillis(Math.max(0, ms));
        return d.toHours() > 0
                ? String.format(Locale.ROOT, "%dh%02dm", d.toHours(), d.toMinutesPart())
                : String.format(Locale.ROOT, "%dm%02ds", d.toMinutes(), d.toSecondsPart());
    }

    public static String mib(long bytes) {
        return String.format(Locale.ROOT, "%,d MiB", bytes >> 20);
    }
}
