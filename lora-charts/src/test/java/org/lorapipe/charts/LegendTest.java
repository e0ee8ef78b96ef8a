package org.lorapipe.charts;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class LegendTest {

    @Test
    void itemsWrapIntoRowsOfTheGivenWidth() {
        // advances 7 * 4 + 34 = 62 each
        Legend legend = new Legend(List.of(
                Legend.stroke("#000", 1, 1, "aaaa"),
                Legend.stroke("#000", 1, 1, "bbbb"),
                Legend.stroke("#000", 1, 1, "cccc")));
        assertThat(legend.rows(200)).hasSize(1);
        assertThat(legend.rows(124)).extracting(List::size).containsExactly(2, 1);
        assertThat(legend.extraHeight(124)).isEqualTo(Legend.ROW_HEIGHT);
        assertThat(legend.rows(10)).extracting(List::size).containsExactly(1, 1, 1);
    }

    @Test
    void aRightAlignedRowEndsAtTheRightEdge() {
        Legend legend = new Legend(List.of(Legend.note("ab"), Legend.note("abc")));
        StringBuilder s = new StringBuilder();
        legend.drawRight(s, 500, 70, 400);
        // advances 7 * 2 + 20 = 34 and 7 * 3 + 20 = 41: the last item starts at 500 - 41
        assertThat(s.toString()).contains("<text x=\"459.00\" y=\"71.00\"").contains("<text x=\"425.00\" y=\"71.00\"");
    }

    @Test
    void givenAdvancesPlaceItemsExactly() {
        Legend legend = new Legend(List.of(Legend.swatch("#111", "x", 70), Legend.swatch("#222", "y", 126)));
        StringBuilder s = new StringBuilder();
        legend.drawLeft(s, 24, 76, 500);
        assertThat(s.toString()).contains("<rect x=\"24.00\" y=\"66.00\"").contains("<rect x=\"94.00\" y=\"66.00\"");
    }
}
