package org.lorapipe.charts;

import java.util.ArrayList;
import java.util.List;

/**
 * A chart's key: items (a glyph and its text) laid out in rows of a given width, a new row when the
 * next item would not fit. An item's advance (its glyph, text and the gap to the next item) is
 * estimated from its text at 7 pixels a character unless the caller gives it.
 */
public final class Legend {

    /** Pixels between two rows. */
    public static final double ROW_HEIGHT = 18;

    /** What stands before an item's text. */
    public enum Glyph {
        /** A filled square, for bars. */
        SWATCH,
        /** A short line in the series' stroke, for lines. */
        STROKE,
        /** A filled circle, for points. */
        DOT,
        /** None: the text alone, muted (a remark such as "whiskers: ±1 standard error"). */
        NOTE
    }

    /**
     * One entry.
     *
     * @param strokeWidth for {@link Glyph#STROKE}: the series' width (drawn at least 2 wide)
     * @param opacity for {@link Glyph#STROKE}: the series' opacity (drawn at least half opaque)
     * @param advance pixels from this item's left edge to the next one's
     */
    public record Item(Glyph glyph, String color, double strokeWidth, double opacity, String text, double advance) {}

    private final List<Item> items;

    public Legend(List<Item> items) {
        this.items = List.copyOf(items);
    }

    public static Item swatch(String color, String text) {
        return swatch(color, text, 18 + textWidth(text) + 20);
    }

    public static Item swatch(String color, String text, double advance) {
        return new Item(Glyph.SWATCH, color, 0, 1, text, advance);
    }

    public static Item stroke(String color, double width, double opacity, String text) {
        return new Item(Glyph.STROKE, color, width, opacity, text, textWidth(text) + 34);
    }

    public static Item dot(String color, String text) {
        return new Item(Glyph.DOT, color, 0, 1, text, 16 + textWidth(text) + 18);
    }

    public static Item note(String text) {
        return new Item(Glyph.NOTE, Svg.MUTED, 0, 1, text, textWidth(text) + 20);
    }

    /** The items in rows no wider than {@code width} (an item wider than that gets a row of its own). */
    public List<List<Item>> rows(double width) {
        List<List<Item>> rows = new ArrayList<>();
        List<Item> row = new ArrayList<>();
        double used = 0;
        for (Item item : items) {
            if (!row.isEmpty() && used + item.advance() > width) {
                rows.add(row);
                row = new ArrayList<>();
                used = 0;
            }
            row.add(item);
            used += item.advance();
        }
        if (!row.isEmpty()) {
            rows.add(row);
        }
        return rows;
    }

    /** Extra height the rows after the first take. */
    public double extraHeight(double width) {
        return Math.max(0, rows(width).size() - 1) * ROW_HEIGHT;
    }

    /** Each row starts at {@code x}; the first row's baseline is {@code y}. */
    public void drawLeft(StringBuilder s, double x, double y, double width) {
        double rowY = y;
        for (List<Item> row : rows(width)) {
            double at = x;
            for (Item item : row) {
                draw(s, item, at, rowY);
                at += item.advance();
            }
            rowY += ROW_HEIGHT;
        }
    }

    /** Each row ends at {@code right}; the first row's baseline is {@code y}. */
    public void drawRight(StringBuilder s, double right, double y, double width) {
        double rowY = y;
        for (List<Item> row : rows(width)) {
            double at = right;
            for (int i = row.size() - 1; i >= 0; i--) {
                at -= row.get(i).advance();
                draw(s, row.get(i), at, rowY);
            }
            rowY += ROW_HEIGHT;
        }
    }

    private static void draw(StringBuilder s, Item item, double x, double y) {
        switch (item.glyph()) {
            case SWATCH -> {
                s.append("<rect x=\"")
                        .append(Svg.f(x))
                        .append("\" y=\"")
                        .append(Svg.f(y - 10))
                        .append("\" width=\"12\" height=\"12\" rx=\"2\" fill=\"")
                        .append(item.color())
                        .append("\"/>\n");
                Svg.text(s, x + 18, y + 1, "start", 12, Svg.TEXT, null, item.text());
            }
            case STROKE -> {
                s.append("<line x1=\"")
                        .append(Svg.f(x))
                        .append("\" y1=\"")
                        .append(Svg.f(y - 4))
                        .append("\" x2=\"")
                        .append(Svg.f(x + 20))
                        .append("\" y2=\"")
                        .append(Svg.f(y - 4))
                        .append("\" stroke=\"")
                        .append(item.color())
                        .append("\" stroke-width=\"")
                        .append(Svg.f(Math.max(2, item.strokeWidth())))
                        .append("\" stroke-opacity=\"")
                        .append(Svg.f(Math.max(0.5, item.opacity())))
                        .append("\"/>\n");
                Svg.text(s, x + 26, y, "start", 12, Svg.TEXT, null, item.text());
            }
            case DOT -> {
                Svg.circle(s, x + 6, y - 4, 4.5, item.color(), null, null);
                Svg.text(s, x + 16, y + 1, "start", 12, Svg.TEXT, null, item.text());
            }
            case NOTE -> Svg.text(s, x, y + 1, "start", 12, item.color(), null, item.text());
        }
    }

    private static double textWidth(String text) {
        return 7 * text.length();
    }
}
