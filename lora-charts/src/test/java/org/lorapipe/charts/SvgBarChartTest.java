package org.lorapipe.charts;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Element;

class SvgBarChartTest {

    private static SvgBarChart.Group group(String label, double measured, double predicted) {
        return new SvgBarChart.Group(
                label,
                List.of(
                        new SvgBarChart.Bar(measured, 20, "#111111"),
                        new SvgBarChart.Bar(predicted, Double.NaN, "#222222")));
    }

    @Test
    void groupedBarsStandSideBySideWithTheirWhiskersAndValues() {
        Legend legend =
                new Legend(List.of(Legend.swatch("#111111", "measured"), Legend.swatch("#222222", "predicted")));
        SvgBarChart.Panel memory = new SvgBarChart.Panel(
                "peak memory (MiB)",
                List.of(group("#1", 700, 680), group("#2", 900, Double.NaN), group("#3", 820, 800)),
                Double.NaN,
                List.of());
        String svg = SvgBarChart.render("Memory", "per setting", legend, List.of(memory));
        SvgDocument doc = SvgDocument.parse(svg);
        List<Element> bars = doc.elements("rect").stream()
                .filter(r -> !r.getAttribute("width").equals("12")
                        && !r.getAttribute("width").equals("100%"))
                .toList();
        assertThat(bars).hasSize(5); // the unknown prediction is not drawn
        assertThat(bars)
                .extracting(r -> r.getAttribute("fill"))
                .containsExactly("#111111", "#222222", "#111111", "#111111", "#222222");
        // both bars of a group are equally wide and do not overlap
        double x0 = Double.parseDouble(bars.get(0).getAttribute("x"));
        double w0 = Double.parseDouble(bars.get(0).getAttribute("width"));
        double x1 = Double.parseDouble(bars.get(1).getAttribute("x"));
        assertThat(x1).isGreaterThan(x0 + w0);
        assertThat(doc.texts()).contains("n/a", "700.0", "680.0", "#1", "#2", "#3", "measured", "predicted");
        // three whiskers of three lines each, on the measured bars only
        long whiskerLines = doc.elements("line").stream()
                .filter(l -> l.getAttribute("stroke-width").equals("1.20"))
                .count();
        assertThat(whiskerLines).isEqualTo(9);
        // the axis reaches past the highest whisker (920)
        assertThat(doc.texts()).contains("1,000");
    }

    @Test
    void aCeilingCapsTheAxisAndNotesFollowThePanel() {
        SvgBarChart.Panel p = new SvgBarChart.Panel(
                "acc",
                List.of(new SvgBarChart.Group("a", List.of(new SvgBarChart.Bar(0.98, 0.05, "#111111")))),
                1,
                List.of(
                        new SvgBarChart.Note("first", 12, "#333333", "600"),
                        new SvgBarChart.Note("second", 10, "#333333", null),
                        new SvgBarChart.Note("third", 10, "#333333", null)));
        SvgDocument doc = SvgDocument.parse(SvgBarChart.render("t", "s", new Legend(List.of()), List.of(p)));
        assertThat(doc.texts()).contains("1.00", "first", "second", "third").doesNotContain("1.25");
        // a third note makes the panel taller by a line
        assertThat(doc.height()).isEqualTo(92 + 250 + 16 + 24);
    }

    @Test
    void manyGroupsWidenThePanelAndLabelsAreEscaped() {
        List<SvgBarChart.Group> groups = new java.util.ArrayList<>();
        for (int i = 0; i < 30; i++) {
            groups.add(new SvgBarChart.Group("<" + i + ">", List.of(new SvgBarChart.Bar(i, 0, "#111111"))));
        }
        String svg = SvgBarChart.render(
                "a & b",
                "c",
                new Legend(List.of()),
                List.of(new SvgBarChart.Panel("p", groups, Double.NaN, List.of())));
        SvgDocument doc = SvgDocument.parse(svg);
        assertThat(Double.parseDouble(doc.doc().getDocumentElement().getAttribute("width")))
                .isGreaterThanOrEqualTo(56 + 30 * 40);
        assertThat(doc.texts()).contains("a & b", "<0>", "<29>");
    }
}
