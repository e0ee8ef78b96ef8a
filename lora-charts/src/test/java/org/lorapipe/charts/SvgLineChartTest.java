package org.lorapipe.charts;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class SvgLineChartTest {

    private static List<double[]> curve(double scale) {
        List<double[]> points = new ArrayList<>();
        for (int step = 1; step <= 20; step++) {
            points.add(new double[] {step, scale / step});
        }
        return points;
    }

    @Test
    void unnamedLinesShareTheEntryOfTheirColour() {
        List<SvgLineChart.Series> series = List.of(
                new SvgLineChart.Series("r=4", curve(1), "#111111", 1.2, 0.7, false),
                new SvgLineChart.Series(null, curve(1.1), "#111111", 1.2, 0.7, false),
                new SvgLineChart.Series("r=8", curve(2), "#222222", 1.2, 0.7, false));
        SvgDocument doc = SvgDocument.parse(SvgLineChart.render("Loss", "s", "step", "loss", series));
        assertThat(doc.elements("polyline")).hasSize(3);
        assertThat(doc.elements("polyline").get(1).getAttribute("points").split(" "))
                .hasSize(20);
        assertThat(doc.texts()).contains("r=4", "r=8");
        assertThat(doc.elements("line").stream()
                        .filter(l -> l.getAttribute("stroke").startsWith("#")
                                && !l.getAttribute("stroke").equals(Svg.GRID)
                                && !l.getAttribute("stroke").equals(Svg.AXIS)))
                .hasSize(2);
        assertThat(doc.height()).isEqualTo(420);
    }

    @Test
    void aLongLegendTakesMoreRowsAndTheChartGrows() {
        List<SvgLineChart.Series> series = new ArrayList<>();
        for (int i = 0; i < 24; i++) {
            series.add(new SvgLineChart.Series(
                    "lora.r=" + (4 << (i % 6)) + ", lr=" + i, curve(i + 1), Svg.palette(i), 1.2, 0.7, false));
        }
        SvgDocument doc = SvgDocument.parse(SvgLineChart.render("Loss", "s", "step", "loss", series));
        assertThat(doc.height()).isGreaterThan(420);
        assertThat(doc.elements("polyline")).hasSize(24);
        double widest = doc.elements("text").stream()
                .filter(t -> t.hasAttribute("x"))
                .mapToDouble(t -> Double.parseDouble(t.getAttribute("x")))
                .min()
                .orElseThrow();
        assertThat(widest).isGreaterThanOrEqualTo(0); // no entry runs off the left edge
    }
}
