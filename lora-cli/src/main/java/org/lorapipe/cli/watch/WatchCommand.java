package org.lorapipe.cli.watch;

import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Callable;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.lorapipe.cli.Endpoints;
import org.lorapipe.cli.KafkaConnection;
import org.lorapipe.contract.Topics;
import org.lorapipe.contract.event.AdapterTrained;
import org.lorapipe.contract.event.DatasetPrepared;
import org.lorapipe.contract.event.EvaluationCompleted;
import org.lorapipe.contract.event.ModelMerged;
import org.lorapipe.contract.event.PipelineFailed;
import org.lorapipe.contract.event.TrainingProgress;
import org.lorapipe.contract.json.Json;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code lora watch ID}: follows every topic for one run from its beginning, draws the training progress
 * as a live bar, and prints what each stage produced. Exit 0 once the model is merged, 1 when a stage
 * failed, 3 when the merge gate held the model back, 4 on timeout.
 */
@Command(
        name = "watch",
        mixinStandardHelpOptions = true,
        description = {
            "Follow one run on every topic: a live progress bar while it trains, then a summary of each stage.",
            "Exit 0 once the model is merged, 1 on failure, 3 when the merge gate blocked it, 4 on timeout."
        })
public final class WatchCommand implements Callable<Integer> {
    @Parameters(paramLabel = "ID", description = "The requestId (as printed by `lora submit`).")
    String requestId;

    @Option(names = "--timeout", paramLabel = "DURATION", description = "Give up after this long (e.g. 30m, 2h).")
    String timeout;

    @Mixin
    Endpoints endpoints;

    @Override
    public Integer call() {
        return watch(requestId, endpoints.kafka(), parse(timeout), System.out);
    }

    /** Follows the run on a broker without authentication (the embedded stack); returns the exit code. */
    public static int watch(String requestId, String bootstrap, Duration timeout, PrintStream out) {
        return watch(requestId, KafkaConnection.plaintext(bootstrap), timeout, out);
    }

    /** Follows the run; returns the exit code. Used by {@code lora demo} too. */
    public static int watch(String requestId, KafkaConnection kafka, Duration timeout, PrintStream out) {
        long deadline = timeout == null ? Long.MAX_VALUE : System.nanoTime() + timeout.toNanos();
        Printer printer = new Printer(out, System.console() != null);
        try (KafkaConsumer<String, String> consumer = consumer(kafka)) {
            out.println("watching " + requestId + " on " + kafka.bootstrapServers()
                    + " (Ctrl-C stops watching, not the run)");
            Integer exit = catchUp(consumer, requestId, printer, deadline);
            while (exit == null && System.nanoTime() < deadline) {
                for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(500))) {
                    if (exit == null && requestId.equals(r.key())) {
                        exit = printer.print(r);
                    }
                }
            }
            if (exit != null) {
                return exit;
            }
        }
        out.println();
        out.println("timed out: " + requestId + " is still running (watch again to follow it)");
        return 4;
    }

    /**
     * Reads what the topics already hold for the run, up to their current ends, and prints it in the order
     * it happened (records of different topics arrive in no particular order).
     */
    private static Integer catchUp(
            KafkaConsumer<String, String> consumer, String requestId, Printer printer, long deadline) {
        List<TopicPartition> partitions = fromBeginning(consumer, Topics.ALL);
        Map<TopicPartition, Long> ends = consumer.endOffsets(partitions);
        List<ConsumerRecord<String, String>> history = new ArrayList<>();
        while (System.nanoTime() < deadline && partitions.stream().anyMatch(p -> consumer.position(p) < ends.get(p))) {
            for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(500))) {
                if (requestId.equals(r.key())) {
                    history.add(r);
                }
            }
        }
        history.sort(Comparator.comparingLong(ConsumerRecord::timestamp));
        for (ConsumerRecord<String, String> r : history) {
            Integer exit = printer.print(r);
            if (exit != null) {
                return exit;
            }
        }
        return null;
    }

    /** Prints events; redraws the progress bar in place on a terminal, a line every few seconds otherwise. */
    private static final class Printer {
        private final PrintStream out;
        private final boolean terminal;
        private long lastLine;
        private boolean barShown;

        Printer(PrintStream out, boolean terminal) {
            this.out = out;
            this.terminal = terminal;
        }

        Integer print(ConsumerRecord<String, String> r) {
            if (r.topic().equals(Topics.TRAINING_PROGRESS)) {
                TrainingProgress p = Json.read(r.value(), TrainingProgress.class);
                String line = "training   " + ProgressBar.render(p);
                if (terminal) {
                    out.print("\r" + line);
                    barShown = true;
                } else if (System.nanoTime() - lastLine > 5_000_000_000L || p.step() == p.totalSteps()) {
                    out.println(line);
                    lastLine = System.nanoTime();
                }
                return null;
            }
            if (barShown) {
                out.println();
                barShown = false;
            }
            return WatchCommand.print(r, out);
        }
    }

    /** Prints one stage event; returns the exit code when the run is over. */
    private static Integer print(ConsumerRecord<String, String> r, PrintStream out) {
        switch (r.topic()) {
            case Topics.TRAINING_REQUESTED -> out.println("request    received");
            case Topics.DATASET_PREPARED -> out.println(
                    RunSummary.dataset(Json.read(r.value(), DatasetPrepared.class)));
            case Topics.ADAPTER_TRAINED -> out.println(RunSummary.adapter(Json.read(r.value(), AdapterTrained.class)));
            case Topics.EVALUATION_COMPLETED -> out.println(
                    RunSummary.evaluation(Json.read(r.value(), EvaluationCompleted.class)));
            case Topics.MODEL_MERGED -> {
                ModelMerged merged = Json.read(r.value(), ModelMerged.class);
                out.println(RunSummary.merged(merged));
                return Boolean.FALSE.equals(merged.merged()) ? 3 : 0;
            }
            case Topics.PIPELINE_FAILED -> {
                out.println(RunSummary.failed(Json.read(r.value(), PipelineFailed.class)));
                return 1;
            }
            default -> {}
        }
        return null;
    }

    /** Assigns every partition of {@code topics} to {@code consumer} at its beginning; returns them. */
    public static List<TopicPartition> fromBeginning(KafkaConsumer<String, String> consumer, List<String> topics) {
        List<TopicPartition> partitions = new ArrayList<>();
        for (String topic : topics) {
            consumer.partitionsFor(topic, Duration.ofSeconds(15))
                    .forEach(p -> partitions.add(new TopicPartition(p.topic(), p.partition())));
        }
        consumer.assign(partitions);
        consumer.seekToBeginning(partitions);
        return partitions;
    }

    private static KafkaConsumer<String, String> consumer(KafkaConnection kafka) {
        return readCommitted(kafka, "lora-watch-");
    }

    /** A consumer of its own throw-away group that never commits and reads only committed records. */
    public static KafkaConsumer<String, String> readCommitted(KafkaConnection kafka, String groupPrefix) {
        return kafka.consumer(Map.of(
                ConsumerConfig.GROUP_ID_CONFIG, groupPrefix + UUID.randomUUID(),
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false",
                // outcomes are committed in transactions: an aborted one (a replica killed mid-commit) is not
                // a result
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed"));
    }

    /** "30m", "2h", "90s" or "90" (seconds); null stays null. */
    public static Duration parse(String text) {
        if (text == null) {
            return null;
        }
        String t = text.trim().toLowerCase(java.util.Locale.ROOT);
        long n = Long.parseLong(t.replaceAll("[a-z]+$", ""));
        return t.endsWith("h") ? Duration.ofHours(n) : t.endsWith("m") ? Duration.ofMinutes(n) : Duration.ofSeconds(n);
    }
}
