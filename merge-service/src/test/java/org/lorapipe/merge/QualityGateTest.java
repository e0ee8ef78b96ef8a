package org.lorapipe.merge;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;
import org.lorapipe.contract.event.TaskResult;
import org.lorapipe.contract.event.Verification;
import org.lorapipe.contract.json.Json;
import org.lorapipe.contract.request.MergeGate;
import org.lorapipe.contract.request.MergeSpec;
import org.lorapipe.contract.request.ModelDtype;

class QualityGateTest {

    private static MergeSpec gate(String task, String metric, double tolerance) {
        return new MergeSpec(true, ModelDtype.FLOAT32, new MergeGate(task, metric, tolerance), 1L << 30);
    }

    private static Map<String, TaskResult> result(String task, String metric, double base, double tuned) {
        return Map.of(task, new TaskResult(Map.of(metric, base), Map.of(metric, tuned)));
    }

    @Test
    void disabledIsNotMergedWhateverTheResults() {
        var spec = new MergeSpec(false, ModelDtype.FLOAT32, null, 1L << 30);
        assertThat(QualityGate.decide(spec, Map.of())).isEqualTo(new QualityGate.Skip(QualityGate.DISABLED));
    }

    @Test
    void noGateMerges() {
        var spec = new MergeSpec(true, ModelDtype.FLOAT32, null, 1L << 30);
        assertThat(QualityGate.decide(spec, Map.of())).isInstanceOf(QualityGate.Merge.class);
    }

    @Test
    void accuracyIsBetterHighPerplexityLossAndNllBetterLow() {
        assertThat(QualityGate.decide(gate("arc", "acc", 0.01), result("arc", "acc", 0.30, 0.28)))
                .isInstanceOf(QualityGate.Skip.class);
        assertThat(QualityGate.decide(gate("arc", "acc", 0.05), result("arc", "acc", 0.30, 0.28)))
                .isInstanceOf(QualityGate.Merge.class);
        assertThat(QualityGate.decide(gate("arc", "acc", 0), result("arc", "acc", 0.30, 0.40)))
                .isInstanceOf(QualityGate.Merge.class);
        for (String metric : new String[] {"perplexity", "eval_loss", "NLL"}) {
            assertThat(QualityGate.decide(gate("perplexity", metric, 0.5), result("perplexity", metric, 7.0, 6.0)))
                    .as(metric)
                    .isInstanceOf(QualityGate.Merge.class);
            assertThat(QualityGate.decide(gate("perplexity", metric, 0.5), result("perplexity", metric, 7.0, 7.4)))
                    .as(metric)
                    .isInstanceOf(QualityGate.Merge.class);
            assertThat(QualityGate.decide(gate("perplexity", metric, 0.5), result("perplexity", metric, 7.0, 9.0)))
                    .as(metric)
                    .isInstanceOf(QualityGate.Skip.class);
        }
    }

    @Test
    void blockingReasonNamesBothValuesAndTheTolerance() {
        var d = QualityGate.decide(gate("perplexity", "perplexity", 0.5), result("perplexity", "perplexity", 7.0, 9.0));
        assertThat(((QualityGate.Skip) d).reason()).contains("perplexity/perplexity", "9.0", "7.0", "0.5", "lower");
    }

    @Test
    void notANumberBlocks() {
        assertThat(QualityGate.decide(gate("arc", "acc", 1), result("arc", "acc", 0.3, Double.NaN)))
                .isInstanceOf(QualityGate.Skip.class);
    }

    @Test
    void missingTaskOrMetricIsInvalidAndSaysWhich() {
        var noTask = QualityGate.decide(gate("arc", "acc", 0), result("perplexity", "perplexity", 7, 6));
        assertThat(((QualityGate.Invalid) noTask).message()).contains("'arc'", "[perplexity]");
        var noMetric = QualityGate.decide(gate("arc", "acc_norm", 0), result("arc", "acc", 0.3, 0.4));
        assertThat(((QualityGate.Invalid) noMetric).message())
                .contains("'acc_norm'", "results['arc'].base", "results['arc'].tuned", "[acc]");
    }

    @Test
    void verificationJsonKeepsItsOldFormAndCarriesTheOptionalNf4Gap() {
        assertThat(Json.write(new Verification(1.5e-6))).isEqualTo("{\"maxAbsLogitDiff\":1.5E-6}");
        assertThat(Json.read("{\"maxAbsLogitDiff\":1.5E-6}", Verification.class))
                .isEqualTo(new Verification(1.5e-6, null));
        var qlora = new Verification(1.5e-6, 0.25);
        assertThat(Json.read(Json.write(qlora), Verification.class)).isEqualTo(qlora);
    }
}
