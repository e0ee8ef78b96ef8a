package org.lorapipe.model.tokenizer;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.lorapipe.testkit.TestData;

/** Test sentences: hand-picked edge cases plus every text field of the alpaca demo set. */
final class Sentences {

    static final List<String> EDGE = List.of(
            "",
            " ",
            "a",
            "Once upon a time",
            "Lily had a",
            "The dog",
            "  leading and trailing  ",
            "tab\tnew\nline\r\n",
            "Ünïcödé, naïve café — “quotes” ✓",
            "中文字符 and 日本語",
            "emoji 🙂🚀 mixed",
            "<s> not special </s> <unk>",
            "<0x41> looks like a byte",
            "1234567890 !@#$%^&*()_+-=[]{};':\",./<>?\\|`~",
            "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
            "The the THE tHe",
            "\u0000 nul and \u0007 bell");

    private Sentences() {}

    static List<String> alpaca() throws IOException {
        JsonNode records = new ObjectMapper()
                .readTree(TestData.file("instruct/alpaca_en_demo.json").toFile());
        List<String> out = new ArrayList<>();
        for (JsonNode r : records) {
            for (String f : List.of("instruction", "input", "output")) {
                String s = r.path(f).asText("");
                if (!s.isEmpty()) {
                    out.add(s);
                }
            }
        }
        return out;
    }
}
