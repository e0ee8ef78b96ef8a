package org.lorapipe.charts;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class SvgDotPlotTest {

    private static final List<SvgDotPlot.Series> TWO_SERIES =
            List.of(new SvgDotPlot.Series("adamw", "#2563eb"), new SvgDotPlot.Series("sgd <slow>", "#ea580c"));

    @Test
    void eachValueIsACircleAndEachMeanADotJoinedAcrossCategories() {
        SvgDotPlot.Panel acc = new SvgDotPlot.Panel(
                "arc · acc",
                List.of(
                        new SvgDotPlot.Cell(0, 0, List.of(0.40, 0.42, 0.44), 0.42, 0.02),
                        new SvgDotPlot.Cell(1, 0, List.of(0.50, 0.52, 0.54), 0.52, 0.02),
                        new SvgDotPlot.Cell(2, 0, List.of(0.55, 0.57), 0.56, 0.014),
                        new SvgDotPlot.Cell(0, 1, List.of(0.30), 0.30, Double.NaN),
                        // category 1 of sgd has no run: its line breaks there
                        new SvgDotPlot.Cell(2, 1, List.of(0.31, Double.NaN, 0.33), 0.32, 0.014)));
        SvgDotPlot.Panel empty = new SvgDotPlot.Panel("validation loss", List.of());
        String svg = SvgDotPlot.render(
                "Metrics by lora.r",
                "three seeds",
                "○ a seed · ● mean ± 1 sd",
                "lora.r",
                List.of("4", "8", "16"),
                TWO_SERIES,
                List.of(acc, empty));
        SvgDocument doc = SvgDocument.parse(svg);
        assertThat(doc.withClass("circle", SvgDotPlot.VALUE_CLASS)).hasSize(3 + 3 + 2 + 1 + 2);
        assertThat(doc.withClass("circle", SvgDotPlot.MEAN_CLASS)).hasSize(5);
        // adamw joins 0-1-2; sgd's 0 and 2 are not neighbours
        assertThat(doc.elements("polyline")).hasSize(1);
        assertThat(doc.elements("polyline").get(0).getAttribute("points").split(" "))
                .hasSize(3);
        assertThat(doc.texts())
                .contains("no data", "sgd <slow>", "arc · acc", "4", "8", "16", "○ a seed · ● mean ± 1 sd");
        // four error bars (the single-seed cell has none), three lines each, in the series' colours
        assertThat(doc.elements("line").stream()
                        .filter(l -> l.getAttribute("stroke").equals("#2563eb"))
                        .count())
                .isEqualTo(9);
        assertThat(doc.elements("line").stream()
                        .filter(l -> l.getAttribute("stroke").equals("#ea580c"))
                        .count())
                .isEqualTo(3);
    }

    @Test
    void theScaleCoversEveryValueAndBar() {
        SvgDotPlot.Panel p =
                new SvgDotPlot.Panel("loss", List.of(new SvgDotPlot.Cell(0, 0, List.of(1.0, 3.0), 2.0, 1.5)));
        SvgDocument doc = SvgDocument.parse(
                SvgDotPlot.render("t", "s", null, "x", List.of("a"), TWO_SERIES.subList(0, 1), List.of(p)));
        // the panel's plot runs from y = 92 + 34 to 92 + 240 - 58: the error bar (0.5 to 3.5) is inside
        assertThat(doc.elements("line").stream()
                        .filter(l -> l.getAttribute("stroke").equals("#2563eb"))
                        .flatMap(l -> java.util.stream.Stream.of(l.getAttribute("y1"), l.getAttribute("y2")))
                        .map(Double::parseDouble))
                .hasSize(6)
                .allSatisfy(y -> assertThat(y).isBetween(126.0, 274.0));
        assertThat(doc.texts()).contains("0", "3").doesNotContain("no data");
    }

    @Test
    void longCategoryNamesAreCutToTheirSlot() {
        String longName = "lora.targetModules=[\"q_proj\",\"k_proj\",\"v_proj\",\"o_proj\"]";
        SvgDotPlot.Panel p = new SvgDotPlot.Panel("acc", List.of(new SvgDotPlot.Cell(0, 0, List.of(1.0), 1.0, 0)));
        SvgDocument doc = SvgDocument.parse(
                SvgDotPlot.render("t", "s", null, "x", List.of(longName, "b"), TWO_SERIES.subList(0, 1), List.of(p)));
        assertThat(doc.texts()).noneMatch(t -> t.equals(longName)).anyMatch(t -> t.endsWith("…"));
    }
}
