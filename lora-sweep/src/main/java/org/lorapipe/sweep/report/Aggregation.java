package org.lorapipe.sweep.report;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.lorapipe.contract.event.TrainingMetrics;
import org.lorapipe.contract.sweep.SweepPlan;
import org.lorapipe.contract.sweep.SweepRun;
import org.lorapipe.contract.sweep.SweepRunEnded;
import org.lorapipe.contract.sweep.SweepSetting;

/**
 * The report's figures from the plan and what is known of its runs: every run's state and figures,
 * and for every setting the mean and standard deviation over its trained seeds (runs that ended merged
 * or not merged; failed and queued runs are listed, not counted), then the marks of each figure with a
 * direction across the settings.
 */
final class Aggregation {

    private Aggregation() {}

    /** @param results by run number; a run of the plan without one is queued */
    static SweepReport of(SweepPlan plan, Map<Integer, RunResult> results, Instant writtenAt) {
        List<RunReport> runs = new ArrayList<>();
        Map<Integer, List<RunMetric>> evaluations = new LinkedHashMap<>();
        Map<List<String>, MetricName> metrics = new LinkedHashMap<>();
        for (SweepRun run : plan.runs()) {
            RunResult result = results.getOrDefault(run.n(), RunResult.queued(run));
            List<RunMetric> evaluation = EvaluationFile.read(result.evaluation());
            RunReport report = runReport(result, evaluation);
            runs.add(report);
            if (report.trained()) {
                evaluations.put(run.n(), evaluation);
                for (RunMetric m : evaluation) {
                    // the first run that compares the metric gives its direction
                    metrics.merge(List.of(m.task(), m.metric()), m.name(), (a, b) -> a.compared() ? a : b);
                }
            }
        }
        List<MetricName> names = List.copyOf(metrics.values());
        List<SettingReport> settings = new ArrayList<>();
        for (SweepSetting setting : plan.settings()) {
            List<RunReport> own =
                    runs.stream().filter(r -> r.setting() == setting.index()).toList();
            settings.add(setting(setting, own, names, evaluations));
        }
        settings = marked(settings, names);
        int trained = (int) runs.stream().filter(RunReport::trained).count();
        int queued = (int) runs.stream().filter(RunReport::queued).count();
        return new SweepReport(
                SweepReport.SCHEMA_VERSION,
                plan.sweepId(),
                plan.title() == null ? plan.sweepId() : plan.title(),
                writtenAt,
                plan.axes(),
                plan.seeds(),
                runs.size(),
                trained,
                runs.size() - trained - queued,
                queued,
                names,
                settings,
                runs,
                List.of());
    }

    private static RunReport runReport(RunResult r, List<RunMetric> evaluation) {
        SweepRun run = r.run();
        SweepRunEnded end = r.end();
        String state = end == null ? RunReport.QUEUED : end.outcome();
        boolean failed = end != null && !end.trained();
        TrainingMetrics t = r.training() == null ? null : r.training().metrics();
        Map<String, Map<String, Double>> values = new LinkedHashMap<>();
        for (RunMetric m : evaluation) {
            if (m.tuned() != null) {
                values.computeIfAbsent(m.task(), k -> new LinkedHashMap<>()).put(m.metric(), m.tuned());
            }
        }
        return new RunReport(
                run.n(),
                run.requestId(),
                run.setting(),
                run.seed(),
                state,
                failed ? end.stage() : null,
                failed ? end.error() : null,
                t == null ? null : t.trainLoss(),
                t == null ? null : t.validationLoss(),
                t == null ? null : t.peakRssBytes(),
                r.estimatedPeakBytes(),
                t == null ? null : t.tokensPerSecond(),
                t == null ? null : t.durationMs(),
                t == null ? null : t.trainableParameters(),
                t == null ? null : t.totalParameters(),
                values);
    }

    private static SettingReport setting(
            SweepSetting setting,
            List<RunReport> runs,
            List<MetricName> names,
            Map<Integer, List<RunMetric>> evaluations) {
        List<RunReport> trained = runs.stream().filter(RunReport::trained).toList();
        int queued = (int) runs.stream().filter(RunReport::queued).count();
        SeedCounts seeds = new SeedCounts(runs.size(), trained.size(), runs.size() - trained.size() - queued, queued);
        List<Double> errors = new ArrayList<>();
        for (RunReport r : trained) {
            if (r.predictedPeakBytes() != null && r.peakRssBytes() != null && r.peakRssBytes() > 0) {
                errors.add((double) (r.predictedPeakBytes() - r.peakRssBytes()) / r.peakRssBytes());
            }
        }
        TrainingSummary training = new TrainingSummary(
                over(trained, RunReport::trainLoss),
                null,
                over(trained, RunReport::validationLoss),
                null,
                over(trained, r -> toDouble(r.peakRssBytes())),
                over(runs, r -> toDouble(r.predictedPeakBytes())),
                Summary.of(errors),
                over(trained, RunReport::tokensPerSecond),
                over(trained, r -> toDouble(r.durationMs())),
                over(trained, r -> toDouble(r.trainableParameters())),
                over(trained, r -> toDouble(r.totalParameters())));
        List<MetricResult> evaluation = new ArrayList<>();
        for (MetricName name : names) {
            List<RunMetric> values = new ArrayList<>();
            for (RunReport r : trained) {
                for (RunMetric m : evaluations.getOrDefault(r.n(), List.of())) {
                    if (m.task().equals(name.task()) && m.metric().equals(name.metric())) {
                        values.add(m);
                    }
                }
            }
            evaluation.add(metric(name, values));
        }
        return new SettingReport(setting.index(), setting.label(), setting.overrides(), seeds, training, evaluation);
    }

    private static MetricResult metric(MetricName name, List<RunMetric> runs) {
        List<Double> tuned = new ArrayList<>();
        List<Double> base = new ArrayList<>();
        List<Double> difference = new ArrayList<>();
        double squares = 0;
        int errors = 0;
        for (RunMetric m : runs) {
            tuned.add(m.tuned());
            base.add(m.base());
            difference.add(m.difference());
            if (m.pairedStderr() != null) {
                squares += m.pairedStderr() * m.pairedStderr();
                errors++;
            }
        }
        // root mean square: the seeds share the items, so their item-sampling error does not average out
        Double pairedStderr = errors == 0 ? null : Math.sqrt(squares / errors);
        return new MetricResult(
                name.task(),
                name.metric(),
                Summary.of(tuned),
                Summary.of(base),
                Summary.of(difference),
                pairedStderr,
                null);
    }

    /** The settings with the marks of every figure that has a direction. */
    private static List<SettingReport> marked(List<SettingReport> settings, List<MetricName> names) {
        List<Mark> train = SeedSpread.marks(
                settings.stream().map(s -> s.training().trainLoss()).toList(), false);
        List<Mark> validation = SeedSpread.marks(
                settings.stream().map(s -> s.training().validationLoss()).toList(), false);
        List<List<Mark>> byMetric = new ArrayList<>();
        for (int m = 0; m < names.size(); m++) {
            int at = m;
            byMetric.add(
                    names.get(m).compared()
                            ? SeedSpread.marks(
                                    settings.stream()
                                            .map(s -> s.evaluation().get(at).tuned())
                                            .toList(),
                                    names.get(m).higherIsBetter())
                            : null);
        }
        List<SettingReport> out = new ArrayList<>();
        for (int i = 0; i < settings.size(); i++) {
            SettingReport s = settings.get(i);
            List<MetricResult> evaluation = new ArrayList<>();
            for (int m = 0; m < names.size(); m++) {
                evaluation.add(s.evaluation()
                        .get(m)
                        .withMark(
                                byMetric.get(m) == null ? null : byMetric.get(m).get(i)));
            }
            out.add(new SettingReport(
                    s.index(),
                    s.label(),
                    s.overrides(),
                    s.seeds(),
                    s.training().withMarks(train.get(i), validation.get(i)),
                    evaluation));
        }
        return out;
    }

    private static Summary over(List<RunReport> runs, Function<RunReport, Double> figure) {
        List<Double> values = new ArrayList<>();
        for (RunReport r : runs) {
            values.add(figure.apply(r));
        }
        return Summary.of(values);
    }

    private static Double toDouble(Long v) {
        return v == null ? null : v.doubleValue();
    }
}
