package org.lorapipe.sweep.report;

import org.lorapipe.charts.Svg;

/** Chart titles: what the chart shows and the sweep's title, cut to fit the narrowest chart. */
final class Headings {

    /** About 52 characters of a 19-pixel title fit in a 560-pixel chart. */
    private static final double TITLE_PIXELS = 52 * 6.5;

    private Headings() {}

    static String chart(String what, String sweepTitle) {
        return Svg.fit(what + " — " + sweepTitle, TITLE_PIXELS);
    }
}
