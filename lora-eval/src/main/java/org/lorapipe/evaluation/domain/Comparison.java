package org.lorapipe.evaluation.domain;

/**
 * Base versus tuned on one metric.
 *
 * <p>The standard error of the difference is paired: both models are scored on the same units (items,
 * prompts, tokens), so it is the standard error of the mean per-unit difference, which is smaller
 * than the unpaired sqrt(se_base^2 + se_tuned^2) when the two models agree on most units. For
 * perplexity the test runs on per-token NLL and the error is carried to the perplexity scale by the
 * delta method. {@code significant} means |difference| > 2 standard errors (about 95%).
 *
 * @param difference tuned - base
 * @param stderr standard error of the difference, in the metric's units
 * @param improved the difference goes in the better direction
 */
public record Comparison(
        String metric,
        double base,
        double tuned,
        double difference,
        double stderr,
        boolean significant,
        boolean higherIsBetter,
        boolean improved) {

    public static Comparison of(Metric base, Metric tuned) {
        double diff = tuned.value() - base.value();
        double se;
        boolean significant;
        if (base.units() != null && tuned.units() != null && base.units().length == tuned.units().length) {
            double[] d = Stats.difference(base.units(), tuned.units());
            double seUnits = Stats.stderrOfMean(d);
            double meanDiff = Stats.mean(d);
            significant = seUnits > 0 ? Math.abs(meanDiff) > 2 * seUnits : meanDiff != 0 && !Double.isNaN(seUnits);
            se = base.scale() == Metric.Scale.EXP_OF_MEAN
                    ? Math.exp((Stats.mean(base.units()) + Stats.mean(tuned.units())) / 2) * seUnits
                    : seUnits;
        } else {
            se = Math.sqrt(base.stderr() * base.stderr() + tuned.stderr() * tuned.stderr());
            significant = Math.abs(diff) > 2 * se;
        }
        boolean improved = base.higherIsBetter() ? diff > 0 : diff < 0;
        return new Comparison(
                base.name(), base.value(), tuned.value(), diff, se, significant, base.higherIsBetter(), improved);
    }
}
