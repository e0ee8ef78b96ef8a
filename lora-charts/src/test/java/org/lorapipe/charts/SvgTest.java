package org.lorapipe.charts;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class SvgTest {

    @Test
    void escapingKeepsRequestTextInsideTheDocument() {
        assertThat(Svg.esc("r<8 & \"alpha\">16")).isEqualTo("r&lt;8 &amp; &quot;alpha&quot;&gt;16");
        // characters XML 1.0 cannot hold become U+FFFD; tab, line breaks and other planes stay
        assertThat(Svg.esc("a\u0000b\u001bc\td\n\uD800e\uFFFE")).isEqualTo("a\uFFFDb\uFFFDc\td\n\uFFFDe\uFFFD");
        assertThat(Svg.esc("ünïcode 🦙")).isEqualTo("ünïcode 🦙");
        StringBuilder s = Svg.open(100, 40);
        Svg.text(s, 1, 20, "start", 12, Svg.TEXT, null, "<svg>&\u0007</svg>");
        SvgDocument doc = SvgDocument.parse(s.append("</svg>\n").toString());
        assertThat(doc.texts()).containsExactly("<svg>&\uFFFD</svg>");
    }

    @Test
    void ticksAreRoundNumbersCoveringTheRange() {
        assertThat(Svg.ticks(0, 1, 4)).containsExactly(0.0, 0.25, 0.5, 0.75, 1.0);
        assertThat(Svg.ticks(0.83, 1.27, 4)).containsExactly(0.8, 1.0, 1.2);
        assertThat(Svg.tick(0.25, 0.25)).isEqualTo("0.25");
        assertThat(Svg.tick(2000, 500)).isEqualTo("2,000");
        assertThat(Svg.niceCeil(0.87, 4)).isEqualTo(1.0);
    }

    @Test
    void fitCutsLongTextWithAnEllipsisAndKeepsCharactersWhole() {
        assertThat(Svg.fit("adamw", 65)).isEqualTo("adamw");
        assertThat(Svg.fit("lora.targetModules=[q_proj, v_proj]", 65)).isEqualTo("lora.targ…");
        assertThat(Svg.fit("🦙🦙🦙🦙🦙🦙", 26)).isEqualTo("🦙🦙🦙…");
    }

    @Test
    void paletteColoursRepeatAfterTheLast() {
        assertThat(Svg.palette(0)).isEqualTo(Svg.PALETTE.get(0));
        assertThat(Svg.palette(Svg.PALETTE.size() + 2)).isEqualTo(Svg.PALETTE.get(2));
        assertThat(Svg.PALETTE).doesNotHaveDuplicates();
    }
}
