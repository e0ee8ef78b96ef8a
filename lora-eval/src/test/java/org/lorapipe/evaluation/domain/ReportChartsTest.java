package org.lorapipe.evaluation.domain;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.lorapipe.contract.artifact.LossPoint;

/**
 * The report's charts, byte for byte, against files rendered once and kept in test resources: the
 * chart code may move or grow, but a report written today looks like one written before.
 */
class ReportChartsTest {

    /** A report with every kind of panel: a proportion, a count-like metric above 1, a worse one, no stderr. */
    static EvaluationReport report() {
        List<TaskReport> tasks = List.of(
                new TaskReport(
                        "arc",
                        "arc",
                        "ARC-Easy-Dev.jsonl",
                        Map.of("acc", 0.25, "acc_stderr", 0.0433),
                        Map.of("acc", 0.4, "acc_stderr", 0.0492),
                        List.of(
                                new Comparison("acc", 0.25, 0.4, 0.15, 0.05, true, true, true),
                                new Comparison("acc_norm", 0.3, 0.28, -0.02, 0.031, false, true, false)),
                        null,
                        null),
                new TaskReport(
                        "perplexity",
                        "perplexity",
                        "validation split",
                        Map.of("perplexity", 5.9396, "perplexity_stderr", 0.5569),
                        Map.of("perplexity", 1.1404, "perplexity_stderr", 0.0147),
                        List.of(new Comparison("perplexity", 5.9396, 1.1404, -4.7992, 0.52, true, false, true)),
                        null,
                        null),
                new TaskReport(
                        "story <checks> & \"more\"",
                        "generation",
                        "3 prompts",
                        Map.of("pass_rate", 0.6667),
                        Map.of("pass_rate", 0.3333),
                        List.of(new Comparison("pass_rate", 0.6667, 0.3333, -0.3334, Double.NaN, true, true, false)),
                        null,
                        null),
                new TaskReport(
                        "tokens",
                        "perplexity",
                        "validation split",
                        Map.of("nll", 1234.5),
                        Map.of("nll", 1500.25),
                        List.of(new Comparison("nll", 1234.5, 1500.25, 265.75, 40.0, true, false, false)),
                        null,
                        null));
        return new EvaluationReport("stories-demo-1", "2026-11-30T00:00:00Z", tasks, List.of());
    }

    static List<LossPoint> curve(int steps) {
        List<LossPoint> points = new ArrayList<>();
        for (int step = 1; step <= steps; step++) {
            points.add(new LossPoint(step, 0.9 + 2.1 * Math.exp(-step / 30.0) + 0.05 * Math.sin(step * 1.7), 3e-3));
        }
        return points;
    }

    @Test
    void theMetricsChartIsTheOneRenderedBefore() throws IOException {
        assertThat(ReportWriter.metricsChart(report())).isEqualTo(expected("metrics.svg"));
    }

    @Test
    void theLossChartsAreTheOnesRenderedBefore() throws IOException {
        assertThat(ReportWriter.lossChart(curve(120))).isEqualTo(expected("loss-smoothed.svg"));
        assertThat(ReportWriter.lossChart(curve(12))).isEqualTo(expected("loss-short.svg"));
    }

    private static String expected(String name) throws IOException {
        try (InputStream in = ReportChartsTest.class.getResourceAsStream("/charts/" + name)) {
            assertThat(in).as("test resource charts/" + name).isNotNull();
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }
}
