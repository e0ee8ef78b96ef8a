package org.lorapipe.dataset.domain;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.lorapipe.contract.json.Json;
import org.lorapipe.contract.request.DatasetFormat;
import org.lorapipe.contract.request.PromptTemplate;
import org.lorapipe.dataset.domain.dedup.NearDuplicates;
import org.lorapipe.dataset.domain.template.PromptTemplates;
import org.lorapipe.dataset.domain.template.Segment;

class RecordMapperTest {
    private static Mapped map(DatasetFormat format, String json) throws Exception {
        return new RecordMapper(format).map(new RawRecord(0, Json.mapper().readTree(json), null));
    }

    @Test
    void chatMessagesBecomeExchanges() throws Exception {
        Mapped m = map(
                DatasetFormat.CHAT,
                "{\"messages\": [{\"role\": \"system\", \"content\": \"Be brief.\"},"
                        + " {\"role\": \"user\", \"content\": \"Hi\"}, {\"role\": \"assistant\", \"content\": \"Hello!\"},"
                        + " {\"role\": \"user\", \"content\": \"Bye\"}, {\"role\": \"assistant\", \"content\": \"Bye!\"}]}");
        assertThat(m.example().system()).isEqualTo("Be brief.");
        assertThat(m.example().exchanges()).extracting(Exchange::response).containsExactly("Hello!", "Bye!");
        assertThat(map(DatasetFormat.CHAT, "{\"messages\": [{\"role\": \"user\", \"content\": \"Hi\"}]}")
                        .dropReason())
                .isEqualTo(DropReason.MALFORMED);
        assertThat(map(DatasetFormat.CHAT, "{\"messages\": [{\"role\": \"bot\", \"content\": \"Hi\"}]}")
                        .detail())
                .contains("unknown role 'bot'");
    }

    @Test
    void normalisationMakesWhitespaceAndCompositionVariantsEqual() {
        assertThat(TextNormalizer.normalize(" Cafe\u0301  au\tlait \r\n\n\n\nnext\u200B "))
                .isEqualTo("Café au lait\n\nnext");
    }

    @Test
    void alpacaTemplateWithAndWithoutInput() throws Exception {
        Example with = map(
                        DatasetFormat.ALPACA, "{\"instruction\": \"Add\", \"input\": \"2 and 3\", \"output\": \"5\"}")
                .example();
        var segments = PromptTemplates.apply(PromptTemplate.ALPACA, with);
        assertThat(segments)
                .extracting(Segment::kind)
                .containsExactly(Segment.Kind.BOS, Segment.Kind.TEXT, Segment.Kind.TEXT, Segment.Kind.EOS);
        assertThat(segments.get(1).text())
                .contains("paired with an input")
                .endsWith("### Input:\n2 and 3\n\n### Response:\n");
        Example without = map(DatasetFormat.ALPACA, "{\"instruction\": \"Add\", \"output\": \"5\"}")
                .example();
        assertThat(PromptTemplates.apply(PromptTemplate.ALPACA, without).get(1).text())
                .doesNotContain("### Input")
                .endsWith("### Instruction:\nAdd\n\n### Response:\n");
    }

    @Test
    void nearDuplicatesAreFoundAboveTheThresholdOnly() {
        String a = "The quick brown fox jumps over the lazy dog near the river bank on a sunny afternoon in May, "
                + "while the children play with their kites in the park and the birds sing in the old oak trees.";
        String oneWord = a.replace("sunny", "cloudy");
        String other = "A completely different sentence about databases, indexes and query planners in production.";
        try (NearDuplicates near = new NearDuplicates(0.85)) {
            assertThat(near.isDuplicateElseAdd(a)).isFalse();
            assertThat(near.isDuplicateElseAdd(oneWord)).isTrue();
            assertThat(near.isDuplicateElseAdd(other)).isFalse();
        }
    }
}
