package org.lorapipe.sweep.report;

import static org.lorapipe.sweep.report.Sweeps.MIB;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.lorapipe.contract.artifact.LossPoint;
import org.lorapipe.contract.artifact.TrainingRecord;
import org.lorapipe.contract.event.TrainingMetrics;
import org.lorapipe.contract.sweep.SweepPlan;
import org.lorapipe.contract.sweep.SweepRun;
import org.lorapipe.contract.sweep.SweepSetting;

/**
 * A sweep as a team would send it: rank with alpha = 2r (listed settings, so the two paths change
 * together) crossed with the optimizer, three seeds; 18 runs, of which one failed in training, one
 * after it, and two wait. Figures follow the shape of the demo (stories260K), with seed noise.
 */
final class ExampleSweep {

    static final SweepPlan PLAN = Sweeps.plan(
            """
            { "sweepId": "rank-opt", "title": "Rank (alpha = 2r) × optimizer",
              %s,
              "settings": [ { "lora.r": 4, "lora.alpha": 8 }, { "lora.r": 8, "lora.alpha": 16 },
                            { "lora.r": 16, "lora.alpha": 32 } ],
              "grid": { "training.optimizer": ["adamw", "sgd"] },
              "seeds": [1, 2, 3] }""");

    private ExampleSweep() {}

    static List<RunResult> results() {
        List<RunResult> out = new ArrayList<>();
        for (SweepRun run : PLAN.runs()) {
            SweepSetting s = PLAN.setting(run.setting());
            int r = s.overrides().get("lora.r").intValue();
            boolean sgd = s.overrides().get("training.optimizer").textValue().equals("sgd");
            Random noise = new Random(run.n() * 7919L);
            long predicted = (long) ((600 + 4 * r + (sgd ? 0 : 12)) * MIB);
            if (run.n() == 17 || run.n() == 18) {
                out.add(new RunResult(run, null, null, null, predicted));
                continue;
            }
            if (run.n() == 5) {
                out.add(new RunResult(
                        run,
                        Sweeps.failed(
                                run, "trainer", "RESOURCE_EXHAUSTED", "the trainer ran out of memory at step 212"),
                        null,
                        null,
                        predicted));
                continue;
            }
            double loss = (sgd ? 0.42 : 0.12) + 0.08 / r + 0.01 * noise.nextGaussian();
            double validation = loss + 0.015 + 0.005 * noise.nextGaussian();
            double peak = 590 + 4 * r + (sgd ? 0 : 14) + 9 * noise.nextGaussian();
            double tps = (sgd ? 7900 : 7500) - 30 * r + 150 * noise.nextGaussian();
            long ms = (long) (71_666 * 300 / 380.0 / tps * 1000);
            TrainingRecord training = new TrainingRecord(
                    new TrainingMetrics(loss, validation, 71_666, ms, (long) (peak * MIB), tps, 6_356L * r, 260_032L),
                    curve(loss, noise));
            double pass = Math.min(1, (sgd ? 0.55 : 0.9) + 0.02 * Math.log(r) + 0.04 * noise.nextGaussian());
            double ppl = Math.exp(validation);
            var evaluation = new Sweeps.Evaluation()
                    .task("held-out-pairings", "generation")
                    .compared("pass_rate", 0.05, Math.round(pass * 20) / 20.0, 0.06, true)
                    .metric("n", 20, 20)
                    .task("perplexity", "perplexity")
                    .compared("perplexity", 5.9396, ppl, 0.05, false)
                    .metric("nll", 1.7816, validation)
                    .metric("tokens", 1_900, 1_900)
                    .json();
            if (run.n() == 10) {
                out.add(new RunResult(
                        run,
                        Sweeps.failed(run, "merge", "INTERNAL", "merge: tensor <lm_head> | shape [512, 64]\nnot found"),
                        training,
                        evaluation,
                        predicted));
                continue;
            }
            out.add(new RunResult(run, Sweeps.trained(run), training, evaluation, predicted));
        }
        return out;
    }

    /** 300 steps falling to about {@code last}, with step noise. */
    private static List<LossPoint> curve(double last, Random noise) {
        List<LossPoint> points = new ArrayList<>();
        for (int step = 1; step <= 300; step++) {
            double lr = 3e-3 * 0.5 * (1 + Math.cos(Math.PI * step / 300));
            points.add(new LossPoint(step, last + 3.2 * Math.exp(-step / 45.0) + 0.05 * noise.nextGaussian(), lr));
        }
        return points;
    }
}
