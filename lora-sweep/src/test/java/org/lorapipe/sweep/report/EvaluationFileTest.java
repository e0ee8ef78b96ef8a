package org.lorapipe.sweep.report;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The sweep reads runs' evaluation reports as lora-eval writes them. {@code eval/report.json} is one
 * such file, written by lora-eval's ReportWriter in its EvaluatorReportTest (stories260K against a
 * perturbed copy of itself): if the writer's shape changes, this test says what the sweep no longer
 * finds.
 */
class EvaluationFileTest {

    @Test
    void readsEveryMetricOfEveryTaskOfARealReport() {
        List<RunMetric> metrics = EvaluationFile.read(Sweeps.resource("/eval/report.json"));
        assertThat(metrics)
                .extracting(m -> m.task() + "/" + m.metric())
                .containsExactly(
                        "arc/acc",
                        "arc/acc_norm",
                        "arc/n",
                        "perplexity/perplexity",
                        "perplexity/nll",
                        "perplexity/tokens",
                        "perplexity/examples",
                        "story-checks/pass_rate",
                        "story-checks/n");
        RunMetric acc = metrics.get(0);
        assertThat(acc.tuned()).isEqualTo(0.3);
        assertThat(acc.base()).isEqualTo(0.3);
        assertThat(acc.higherIsBetter()).isTrue();
        assertThat(acc.pairedStderr()).isEqualTo(0.03580574370197164);
        RunMetric ppl = metrics.get(3);
        assertThat(ppl.higherIsBetter()).isFalse();
        assertThat(ppl.difference()).isEqualTo(13.603044524551311 - 10.770291075074853);
        assertThat(ppl.pairedStderr()).isEqualTo(0.5262610336484619);
        RunMetric nll = metrics.get(4);
        assertThat(nll.higherIsBetter()).isNull(); // not compared: no direction
        assertThat(nll.pairedStderr()).isNull();
    }

    @Test
    void keepsAMetricNamedLikeAStandardErrorWhenThereIsNoMetricItIsTheErrorOf() {
        List<RunMetric> metrics = EvaluationFile.read(new Sweeps.Evaluation()
                .task("t", "generation")
                .metric("drift_stderr", 0.1, 0.2)
                .nan("tuned/pass_rate")
                .json());
        assertThat(metrics).extracting(RunMetric::metric).containsExactly("drift_stderr", "pass_rate");
        assertThat(metrics.get(1).tuned()).isNull(); // "NaN" is no value
    }

    @Test
    void aReportOfAnotherShapeYieldsWhatCanBeRead() {
        assertThat(EvaluationFile.read(null)).isEmpty();
        assertThat(EvaluationFile.read(Sweeps.resource("/eval/report.json").path("results")))
                .isEmpty();
    }
}
