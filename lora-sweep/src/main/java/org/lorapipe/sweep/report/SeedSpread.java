package org.lorapipe.sweep.report;

import java.util.ArrayList;
import java.util.List;

/**
 * The marks of one figure across the settings ({@link Mark}): which setting's mean is best, and whether
 * each other mean is within the seed spread of it. The spread of a pair is the larger of the two
 * settings' standard deviations over seeds, of those that have one; a pair where neither has one gets no
 * mark, and when no setting has two trained seeds nothing is marked at all (one seed has no spread).
 */
final class SeedSpread {

    private SeedSpread() {}

    /** One mark (or null) per summary, in order. */
    static List<Mark> marks(List<Summary> settings, boolean higherIsBetter) {
        List<Mark> marks = new ArrayList<>();
        settings.forEach(s -> marks.add(null));
        int best = -1;
        boolean anySpread = false;
        for (int i = 0; i < settings.size(); i++) {
            Summary s = settings.get(i);
            if (!s.known()) {
                continue;
            }
            anySpread |= s.sd() != null;
            if (best < 0 || better(s.mean(), settings.get(best).mean(), higherIsBetter)) {
                best = i;
            }
        }
        if (best < 0 || !anySpread) {
            return marks;
        }
        Summary top = settings.get(best);
        marks.set(best, Mark.BEST);
        for (int i = 0; i < settings.size(); i++) {
            Summary s = settings.get(i);
            if (i == best || !s.known()) {
                continue;
            }
            Double spread = larger(s.sd(), top.sd());
            if (spread != null) {
                marks.set(i, Math.abs(s.mean() - top.mean()) <= spread ? Mark.WITHIN_SPREAD : Mark.BEYOND_SPREAD);
            }
        }
        return marks;
    }

    private static boolean better(double a, double b, boolean higherIsBetter) {
        return higherIsBetter ? a > b : a < b;
    }

    private static Double larger(Double a, Double b) {
        if (a == null) {
            return b;
        }
        return b == null ? a : Math.max(a, b);
    }
}
