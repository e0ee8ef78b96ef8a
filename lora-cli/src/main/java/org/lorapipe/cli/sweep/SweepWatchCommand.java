package org.lorapipe.cli.sweep;

import java.io.PrintStream;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.lorapipe.cli.Endpoints;
import org.lorapipe.cli.KafkaConnection;
import org.lorapipe.cli.watch.WatchCommand;
import org.lorapipe.contract.Stage;
import org.lorapipe.contract.Topics;
import org.lorapipe.contract.event.PipelineFailed;
import org.lorapipe.contract.event.TrainingProgress;
import org.lorapipe.contract.json.Json;
import org.lorapipe.contract.sweep.SweepCompleted;
import org.lorapipe.contract.sweep.SweepProgress;
import org.lorapipe.contract.sweep.SweepRunStatus;
import org.lorapipe.contract.sweep.SweepSetting;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code lora sweep watch ID}: a table of the sweep's runs that fills in live, from
 * {@code lora.sweep.progress} (each run's end) and {@code lora.training.progress} (the runs training
 * now). Exit 0 once the sweep completed (failed runs are rows of it), 1 when the sweep was refused, 4 on
 * timeout.
 */
@Command(
        name = "watch",
        mixinStandardHelpOptions = true,
        description = {
            "Follow a sweep: a table of its runs that fills in as they train and end.",
            "Exit 0 once every run ended (failed runs included; see the report), 1 when the sweep was"
                    + " refused, 4 on timeout."
        })
public final class SweepWatchCommand implements Callable<Integer> {
    private static final long LINE_INTERVAL_NS = 10_000_000_000L;

    @Parameters(paramLabel = "ID", description = "The sweepId (as printed by `lora sweep submit`).")
    String sweepId;

    @Option(names = "--timeout", paramLabel = "DURATION", description = "Give up after this long (e.g. 30m, 2h).")
    String timeout;

    @Mixin
    Endpoints endpoints;

    @Override
    public Integer call() {
        return watch(sweepId, endpoints.kafka(), WatchCommand.parse(timeout), System.out, System.console() != null);
    }

    /** Follows the sweep; returns the exit code. */
    public static int watch(
            String sweepId, KafkaConnection kafka, Duration timeout, PrintStream out, boolean terminal) {
        long deadline = timeout == null ? Long.MAX_VALUE : System.nanoTime() + timeout.toNanos();
        Screen screen = new Screen(out, terminal);
        out.println("watching sweep " + sweepId + " on " + kafka.bootstrapServers()
                + " (Ctrl-C stops watching, not the sweep)");
        try (KafkaConsumer<String, String> consumer = WatchCommand.readCommitted(kafka, "lora-sweep-watch-")) {
            WatchCommand.fromBeginning(
                    consumer,
                    List.of(
                            Topics.SWEEP_PROGRESS,
                            Topics.SWEEP_COMPLETED,
                            Topics.PIPELINE_FAILED,
                            Topics.TRAINING_PROGRESS));
            State state = new State(sweepId);
            while (System.nanoTime() < deadline) {
                boolean changed = false;
                for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(500))) {
                    changed |= state.take(r);
                }
                if (state.refused != null) {
                    out.println("sweep " + sweepId + " was refused ("
                            + state.refused.error().code() + "): "
                            + state.refused.error().message());
                    return 1;
                }
                if (changed) {
                    screen.draw(state);
                }
                if (state.completed != null) {
                    screen.draw(state);
                    out.printf(
                            "%ncompleted: %d run(s), %d failed; report at %s (lora sweep report %s DIR)%n",
                            state.completed.runsTotal(),
                            state.completed.runsFailed(),
                            state.completed.reportUri(),
                            sweepId,
                            sweepId);
                    return 0;
                }
            }
        }
        out.println();
        out.println("timed out: sweep " + sweepId + " is still running (watch again to follow it)");
        return 4;
    }

    /** What is known of the sweep so far. */
    private static final class State {
        final String sweepId;
        String title;
        List<SweepSetting> settings;
        List<SweepRunStatus> runs;
        final Map<String, TrainingProgress> training = new HashMap<>();
        SweepCompleted completed;
        PipelineFailed refused;
        boolean progressChanged;

        State(String sweepId) {
            this.sweepId = sweepId;
        }

        /** Takes one record; true when the table changed. */
        boolean take(ConsumerRecord<String, String> r) {
            switch (r.topic()) {
                case Topics.SWEEP_PROGRESS -> {
                    if (!sweepId.equals(r.key())) {
                        return false;
                    }
                    SweepProgress p = Json.read(r.value(), SweepProgress.class);
                    if (runs != null
                            && p.runsEnded()
                                    < runs.stream()
                                            .filter(SweepRunStatus::ended)
                                            .count()) {
                        return false; // an older picture (a sweep sent again starts from queued)
                    }
                    title = p.title();
                    settings = p.settings();
                    runs = p.runs();
                    progressChanged = true;
                    return true;
                }
                case Topics.SWEEP_COMPLETED -> {
                    if (!sweepId.equals(r.key())) {
                        return false;
                    }
                    completed = Json.read(r.value(), SweepCompleted.class);
                    title = completed.title();
                    settings = completed.settings();
                    runs = completed.runs();
                    progressChanged = true;
                    return true;
                }
                case Topics.PIPELINE_FAILED -> {
                    if (sweepId.equals(r.key())) {
                        PipelineFailed f = Json.read(r.value(), PipelineFailed.class);
                        if (f.stage() == Stage.SWEEP && runs == null) {
                            refused = f;
                        }
                    }
                    return false;
                }
                case Topics.TRAINING_PROGRESS -> {
                    if (r.key() == null || !r.key().startsWith(sweepId + "-")) {
                        return false;
                    }
                    training.put(r.key(), Json.read(r.value(), TrainingProgress.class));
                    return runs != null;
                }
                default -> {
                    return false;
                }
            }
        }
    }

    /** Redraws the table in place on a terminal; elsewhere prints it when a run ends, and a line now and then. */
    private static final class Screen {
        private final PrintStream out;
        private final boolean terminal;
        private int drawn;
        private long lastPrinted;

        Screen(PrintStream out, boolean terminal) {
            this.out = out;
            this.terminal = terminal;
        }

        void draw(State s) {
            if (s.runs == null) {
                return;
            }
            boolean due = System.nanoTime() - lastPrinted > LINE_INTERVAL_NS;
            if (!terminal && !s.progressChanged && !due) {
                return;
            }
            List<String> lines = SweepTable.render(s.title, s.settings, s.runs, s.training);
            if (terminal && drawn > 0) {
                out.print("\033[" + drawn + "F\033[J"); // back to the table's first line, clear below
            }
            lines.forEach(out::println);
            drawn = terminal ? lines.size() : 0;
            s.progressChanged = false;
            lastPrinted = System.nanoTime();
        }
    }
}
