package org.lorapipe.trainer.domain;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class SettledBaselineTest {

    private static final long MIB = 1L << 20;

    @Test
    void aBaselineFarAboveTheLowestCountsOnlyTheSettlingAboveIt() {
        SettledBaseline b = new SettledBaseline();
        assertThat(b.baseline(300 * MIB)).as("the first job: its own RSS").isEqualTo(300 * MIB);
        assertThat(b.baseline(350 * MIB))
                .as("a warmed-up trainer, within the settling")
                .isEqualTo(350 * MIB);
        assertThat(b.baseline(500 * MIB))
                .as("free arena memory after a large run is not baseline")
                .isEqualTo(300 * MIB + SettledBaseline.SETTLING);
        assertThat(b.baseline(280 * MIB)).as("a lower start lowers the floor").isEqualTo(280 * MIB);
        assertThat(b.baseline(400 * MIB)).isEqualTo(280 * MIB + SettledBaseline.SETTLING);
    }

    @Test
    void withoutAMeasurementNothingIsSettled() {
        assertThat(new SettledBaseline().baseline(0)).isZero();
    }
}
