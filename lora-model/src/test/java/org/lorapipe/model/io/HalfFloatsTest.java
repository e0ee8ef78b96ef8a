package org.lorapipe.model.io;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class HalfFloatsTest {

    @Test
    void everyF16ValueRoundTripsThroughFloat() {
        for (int bits = 0; bits < 65536; bits++) {
            float f = HalfFloats.f16ToFloat((short) bits);
            if (Float.isNaN(f)) {
                assertThat(HalfFloats.f16ToFloat(HalfFloats.floatToF16(f))).isNaN();
            } else {
                assertThat(HalfFloats.floatToF16(f) & 0xFFFF)
                        .as("bits %04x", bits)
                        .isEqualTo(bits);
            }
        }
    }

    @Test
    void f16KnownValuesAndRounding() {
        assertThat(HalfFloats.f16ToFloat((short) 0x3C00)).isEqualTo(1.0f);
        assertThat(HalfFloats.f16ToFloat((short) 0xC000)).isEqualTo(-2.0f);
        assertThat(HalfFloats.f16ToFloat((short) 0x7BFF)).isEqualTo(65504f);
        assertThat(HalfFloats.f16ToFloat((short) 0x0001)).isEqualTo(0x1p-24f);
        assertThat(HalfFloats.floatToF16(1e6f)).isEqualTo((short) 0x7C00);
        // 1 + 2^-11 is halfway between 1 and the next half (1 + 2^-10): ties to even -> 1
        assertThat(HalfFloats.floatToF16(1f + 0x1p-11f)).isEqualTo((short) 0x3C00);
        assertThat(HalfFloats.floatToF16(1f + 0x1p-11f + 0x1p-20f)).isEqualTo((short) 0x3C01);
    }

    @Test
    void bf16IsTheUpperHalfWithRoundToNearestEven() {
        assertThat(HalfFloats.bf16ToFloat((short) 0x3F80)).isEqualTo(1.0f);
        assertThat(HalfFloats.floatToBf16(1.0f)).isEqualTo((short) 0x3F80);
        assertThat(HalfFloats.floatToBf16(Float.intBitsToFloat(0x3F808000))).isEqualTo((short) 0x3F80); // tie -> even
        assertThat(HalfFloats.floatToBf16(Float.intBitsToFloat(0x3F818000))).isEqualTo((short) 0x3F82); // tie -> even
        assertThat(HalfFloats.floatToBf16(Float.intBitsToFloat(0x3F808001))).isEqualTo((short) 0x3F81);
        assertThat(HalfFloats.bf16ToFloat(HalfFloats.floatToBf16(Float.NaN))).isNaN();
        for (int bits = 0; bits < 65536; bits++) {
            float f = HalfFloats.bf16ToFloat((short) bits);
            if (!Float.isNaN(f)) {
                assertThat(HalfFloats.floatToBf16(f) & 0xFFFF).isEqualTo(bits);
            }
        }
    }
}
