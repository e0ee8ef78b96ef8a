package org.lorapipe.charts;

/**
 * The page of a small-multiples chart: a header (title, subtitle, legend rows) over equal panels, in
 * rows of at most {@code maxPerRow} that fit about 1,100 pixels, centred on a page at least 560 wide.
 *
 * @param top where the first row of panels starts, below the header
 */
record SmallMultiples(int panelW, int panelH, int perRow, int cols, int width, double top, int height) {

    private static final int ROW_WIDTH = 1100;

    static SmallMultiples of(int panels, int panelW, int panelH, int maxPerRow, Legend legend, int bottomMargin) {
        int perRow = Math.max(1, Math.min(maxPerRow, ROW_WIDTH / panelW));
        int cols = Math.max(1, Math.min(perRow, panels));
        int rows = Math.max(1, (panels + perRow - 1) / perRow);
        int width = Math.max(560, 40 + cols * panelW);
        double top = 92 + legend.extraHeight(width - 48);
        int height = (int) Math.ceil(top + rows * panelH + bottomMargin);
        return new SmallMultiples(panelW, panelH, perRow, cols, width, top, height);
    }

    /** The document with its header drawn; the panels follow, then {@code </svg>}. */
    StringBuilder open(String title, String subtitle, Legend legend) {
        StringBuilder s = Svg.open(width, height);
        Svg.text(s, 24, 34, "start", 19, Svg.TEXT, "600", title);
        Svg.text(s, 24, 56, "start", 12, Svg.MUTED, null, subtitle);
        legend.drawLeft(s, 24, 76, width - 48);
        return s;
    }

    /** The left edge of panel {@code i}. */
    double x(int i) {
        return (width - cols * panelW) / 2.0 + (i % perRow) * panelW;
    }

    /** The top edge of panel {@code i}. */
    double y(int i) {
        return top + (double) (i / perRow) * panelH;
    }
}
