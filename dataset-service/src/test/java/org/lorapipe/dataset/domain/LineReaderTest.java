package org.lorapipe.dataset.domain;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class LineReaderTest {

    private static List<LineReader.Line> all(String text, int maxChars) throws IOException {
        LineReader r = new LineReader(new StringReader(text), maxChars);
        List<LineReader.Line> out = new ArrayList<>();
        for (LineReader.Line l; (l = r.next()) != null; ) {
            out.add(l);
        }
        return out;
    }

    @Test
    void linesAreSplitOnNewlinesWithOrWithoutCarriageReturns() throws IOException {
        assertThat(all("a\r\nbc\n\nlast", 10)).extracting(LineReader.Line::text).containsExactly("a", "bc", "", "last");
        assertThat(all("", 10)).isEmpty();
        assertThat(all("one\n", 10)).extracting(LineReader.Line::text).containsExactly("one");
    }

    @Test
    void aLineLongerThanTheCapIsCountedNotKept() throws IOException {
        String huge = "x".repeat(3_000_000);
        List<LineReader.Line> lines = all("{\"a\": 1}\n" + huge + "\n{\"b\": 2}\n", 1_000);
        assertThat(lines).hasSize(3);
        assertThat(lines.get(0).text()).isEqualTo("{\"a\": 1}");
        assertThat(lines.get(1).tooLong()).isTrue();
        assertThat(lines.get(1).length()).isEqualTo(3_000_000);
        assertThat(lines.get(2).text()).isEqualTo("{\"b\": 2}");
    }

    @Test
    void aJsonlRecordOverTheLimitBecomesOneMalformedRecord() {
        String big = "{\"instruction\": \"" + "y".repeat(RecordSource.DEFAULT_MAX_RECORD_CHARS) + "\"}";
        String text = "{\"instruction\": \"hi\", \"output\": \"there\"}\n" + big + "\n";
        try (RecordSource source = new RecordSource(
                new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8)), "s3://lora/data/big.jsonl")) {
            RawRecord first = source.next();
            RawRecord second = source.next();
            assertThat(first.json()).isNotNull();
            assertThat(second.json()).isNull();
            assertThat(second.parseError())
                    .contains("line 2 has", "more than the " + RecordSource.DEFAULT_MAX_RECORD_CHARS);
            assertThat(source.hasNext()).isFalse();
        }
    }
}
