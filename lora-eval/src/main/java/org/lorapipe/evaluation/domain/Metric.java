package org.lorapipe.evaluation.domain;

import com.fasterxml.jackson.annotation.JsonIgnore;

/**
 * A headline metric of one task run: its value, standard error, and the per-unit values it is the
 * mean of (per item for accuracies, per token for perplexity), kept so that base and tuned can be
 * compared pairwise on the same units.
 *
 * @param name e.g. {@code acc}, {@code perplexity}
 * @param value the metric
 * @param stderr its standard error (NaN when undefined)
 * @param higherIsBetter direction of improvement
 * @param scale how {@code value} derives from the mean of {@code units}
 * @param units per-unit values (0/1 correctness, or per-token NLL)
 */
public record Metric(
        String name, double value, double stderr, boolean higherIsBetter, Scale scale, @JsonIgnore double[] units) {

    /** How the metric relates to the mean of its units. */
    public enum Scale {
        /** value = mean(units). */
        MEAN,
        /** value = exp(mean(units)): perplexity from per-token NLL. */
        EXP_OF_MEAN
    }

    /** A proportion or mean of {@code units}, with the harness's standard error. */
    public static Metric mean(String name, double[] units, boolean higherIsBetter) {
        return new Metric(name, Stats.mean(units), Stats.stderrOfMean(units), higherIsBetter, Scale.MEAN, units);
    }
}
