package org.lorapipe.sweepservice;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.jboss.logging.Logger;
import org.lorapipe.contract.Topics;
import org.lorapipe.contract.artifact.TrainingRecord;
import org.lorapipe.contract.event.PipelineEvent;
import org.lorapipe.contract.event.TrainingMetrics;
import org.lorapipe.contract.json.Json;
import org.lorapipe.contract.sweep.SweepCompleted;
import org.lorapipe.contract.sweep.SweepPlan;
import org.lorapipe.contract.sweep.SweepProgress;
import org.lorapipe.contract.sweep.SweepRun;
import org.lorapipe.contract.sweep.SweepRunEnded;
import org.lorapipe.contract.sweep.SweepRunStatus;
import org.lorapipe.service.consumer.OutgoingEvent;
import org.lorapipe.sweep.report.RunResult;
import org.lorapipe.sweep.report.SweepReports;
import org.lorapipe.sweepservice.messaging.RecordHandler;
import org.lorapipe.sweepservice.storage.EndedRuns;
import org.lorapipe.sweepservice.storage.RecordedRunEnd;
import org.lorapipe.sweepservice.storage.SweepStore;

/**
 * {@code lora.sweep.runs}, keyed by sweep id: records a run's end, rebuilds the sweep's report from every
 * run that ended, and answers with the sweep's progress, and with {@code lora.sweep.completed} once the
 * last run ended. The replica that owns the sweep's partition is the only one writing the sweep's files.
 */
public final class SweepAssembler implements RecordHandler {
    private static final Logger LOG = Logger.getLogger(SweepAssembler.class);

    private final SweepStore store;
    private final EndedRuns ended;

    public SweepAssembler(SweepStore store) {
        this.store = store;
        this.ended = new EndedRuns(store);
    }

    @Override
    public List<OutgoingEvent> handle(ConsumerRecord<String, byte[]> record) {
        SweepRunEnded end;
        try {
            end = Json.read(new String(record.value(), StandardCharsets.UTF_8), SweepRunEnded.class);
        } catch (RuntimeException e) {
            LOG.warnf(
                    "%s-%d@%d is not a SweepRunEnded (%s): passed by",
                    record.topic(), record.partition(), record.offset(), e.getMessage());
            return List.of();
        }
        Optional<SweepPlan> found = end.sweepId() == null ? Optional.empty() : store.plan(end.sweepId());
        if (found.isEmpty() || found.get().run(end.n()).isEmpty()) {
            LOG.warnf("%s names no run of a sweep with a plan: passed by", Json.write(end));
            return List.of();
        }
        SweepPlan plan = found.get();
        String from = record.topic() + "-" + record.partition() + "@" + record.offset();
        Optional<RecordedRunEnd> earlier = store.runEnd(plan.sweepId(), end.n());
        if (earlier.isPresent() && !earlier.get().from().equals(from)) {
            LOG.infof("%s ended again (its request was sent again): the sweep keeps its first end", end.requestId());
            return List.of();
        }
        if (earlier.isEmpty()) {
            store.writeRunEnd(new RecordedRunEnd(end, from));
        }

        List<RunResult> results = new ArrayList<>();
        List<SweepRunStatus> statuses = new ArrayList<>();
        int endedRuns = 0;
        int failed = 0;
        for (SweepRun run : plan.runs()) {
            SweepRunEnded e = run.n() == end.n()
                    ? end
                    : ended.end(plan.sweepId(), run.n()).orElse(null);
            EndedRuns.Loaded loaded = null;
            if (e != null) {
                endedRuns++;
                if (e.trained()) {
                    loaded = ended.of(run.requestId());
                } else {
                    failed++;
                }
            }
            TrainingRecord training = loaded == null ? null : loaded.training();
            results.add(new RunResult(
                    run, e, training, loaded == null ? null : loaded.evaluation(), estimatedPeak(training)));
            statuses.add(status(run, e, training));
        }
        store.publishReport(plan.sweepId(), SweepReports.render(plan, results, Instant.now()));
        String reportUri = store.reportFolder(plan.sweepId()).toString();

        List<OutgoingEvent> answer = new ArrayList<>();
        Instant now = Instant.now();
        SweepProgress progress = new SweepProgress(
                PipelineEvent.SCHEMA_VERSION,
                plan.sweepId(),
                now,
                plan.title(),
                plan.runs().size(),
                endedRuns,
                failed,
                plan.settings(),
                statuses,
                reportUri);
        answer.add(OutgoingEvent.json(Topics.SWEEP_PROGRESS, plan.sweepId(), progress));
        if (endedRuns == plan.runs().size()) {
            SweepCompleted completed = new SweepCompleted(
                    PipelineEvent.SCHEMA_VERSION,
                    plan.sweepId(),
                    now,
                    plan.title(),
                    plan.runs().size(),
                    failed,
                    plan.settings(),
                    statuses,
                    reportUri);
            answer.add(OutgoingEvent.json(Topics.SWEEP_COMPLETED, plan.sweepId(), completed));
            LOG.infof(
                    "sweep %s completed: %d run(s), %d failed; report at %s",
                    plan.sweepId(), endedRuns, failed, reportUri);
        } else {
            LOG.infof(
                    "sweep %s: run %d %s (%d of %d ended)",
                    plan.sweepId(),
                    end.n(),
                    end.outcome(),
                    endedRuns,
                    plan.runs().size());
        }
        return answer;
    }

    /** The peak the trainer predicted for the run before it trained, when it did. */
    private static Long estimatedPeak(TrainingRecord training) {
        return training == null || training.metrics().memory() == null
                ? null
                : training.metrics().memory().estimatedPeakBytes();
    }

    private static SweepRunStatus status(SweepRun run, SweepRunEnded end, TrainingRecord training) {
        if (end == null) {
            return SweepRunStatus.queued(run);
        }
        TrainingMetrics m = training == null ? null : training.metrics();
        return new SweepRunStatus(
                run.n(),
                run.requestId(),
                run.setting(),
                run.seed(),
                end.outcome(),
                m == null ? null : m.trainLoss(),
                m == null ? null : m.validationLoss(),
                m == null ? null : m.peakRssBytes(),
                estimatedPeak(training),
                m == null ? null : m.tokensPerSecond(),
                m == null ? null : m.durationMs(),
                end.error());
    }
}
