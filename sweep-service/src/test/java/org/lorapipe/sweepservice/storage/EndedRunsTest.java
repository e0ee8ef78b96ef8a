package org.lorapipe.sweepservice.storage;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.lorapipe.contract.artifact.LossPoint;

class EndedRunsTest {
    private static List<LossPoint> curve(int n) {
        List<LossPoint> points = new ArrayList<>();
        for (int i = 1; i <= n; i++) {
            points.add(new LossPoint(i, 10.0 / i, 1e-3));
        }
        return points;
    }

    @Test
    void aLongCurveIsThinnedEvenlyKeepingItsEndsAndAShortOneIsKept() {
        List<LossPoint> thin = EndedRuns.thin(curve(20_000));
        assertThat(thin).hasSizeLessThanOrEqualTo(EndedRuns.MAX_LOSS_POINTS);
        assertThat(thin.get(0).step()).isEqualTo(1);
        assertThat(thin.get(thin.size() - 1).step()).isEqualTo(20_000);
        long gap = thin.get(1).step() - thin.get(0).step();
        for (int i = 1; i < thin.size() - 1; i++) {
            assertThat(thin.get(i).step() - thin.get(i - 1).step()).isEqualTo(gap);
        }
        assertThat(EndedRuns.thin(curve(EndedRuns.MAX_LOSS_POINTS))).hasSize(EndedRuns.MAX_LOSS_POINTS);
        assertThat(EndedRuns.thin(curve(EndedRuns.MAX_LOSS_POINTS + 1)))
                .hasSizeLessThanOrEqualTo(EndedRuns.MAX_LOSS_POINTS)
                .last()
                .extracting(LossPoint::step)
                .isEqualTo((long) EndedRuns.MAX_LOSS_POINTS + 1);
    }
}
