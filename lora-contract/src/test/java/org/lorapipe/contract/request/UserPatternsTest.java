package org.lorapipe.contract.request;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

class UserPatternsTest {

    /**
     * Patterns that make a backtracking engine run for minutes (the first) or overflow its stack (the
     * second) on a few thousand characters. The timeout only turns a regression into a failure instead
     * of a hung build; the figures are not the point.
     */
    @Test
    @Timeout(value = 20, unit = TimeUnit.SECONDS)
    void hostilePatternsRunInLinearTime() {
        String module = "model.layers.0.self_attn." + "a".repeat(5_000);
        assertThat(UserPatterns.problem("(.*){1,16}z")).isNull();
        assertThat(UserPatterns.firstMatch(List.of("(.*){1,16}z"), module)).isEmpty();

        String story = "Once upon a time\n".repeat(200);
        assertThat(UserPatterns.compile("(.|\\s)*X").matcher(story).find()).isFalse();
        assertThat(UserPatterns.compile("(.|\\s)*time").matcher(story).find()).isTrue();
    }

    @Test
    void patternsRe2CannotRunAreRefusedWithTheReason() {
        assertThat(UserPatterns.problem("(q)\\1")).contains("RE2", "backreferences");
        assertThat(UserPatterns.problem("q_proj(?=x)")).contains("RE2");
        assertThat(UserPatterns.problem("(")).contains("missing");
        assertThat(UserPatterns.problem("a".repeat(UserPatterns.MAX_LENGTH + 1)))
                .contains(UserPatterns.MAX_LENGTH + 1 + " characters");
        assertThatThrownBy(() -> UserPatterns.compile("(q)\\1"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("(q)\\1");
    }

    /**
     * Found by the fuzz suite (PipelineEndToEndIT): RE2/J compiles every copy of a nested counted
     * repetition, so this 34-character pattern ran the dataset-service's consumer thread out of heap at
     * intake. RE2's own rule (at most 1000 copies) now refuses it before anything is compiled.
     */
    @Test
    @Timeout(value = 20, unit = TimeUnit.SECONDS)
    void nestedCountedRepetitionsAreRefusedBeforeTheyAreCompiled() {
        assertThat(UserPatterns.problem("((((a{1000}){1000}){1000}){1000})"))
                .contains("more than 1000000000 copies", "at most 1000");
        assertThat(UserPatterns.problem("((a{100}){100}){100}")).contains("1000000 copies");
        assertThat(UserPatterns.problem("(a{2,}b{3,40}){26}")).contains("1040 copies");
        assertThat(UserPatterns.repeatProduct("(a{10}|b{20}){50}")).isEqualTo(1000);
        assertThat(UserPatterns.problem("(a{10}|b{20}){50}")).isNull();
        assertThat(UserPatterns.problem("a{1000}b{1000}c{1000}")).isNull();
        // braces that are no repetition, escaped or inside a class, make no copies
        assertThat(UserPatterns.repeatProduct("\\{1000}(a{1000})")).isEqualTo(1000);
        assertThat(UserPatterns.repeatProduct("[{]{1000}(x)")).isEqualTo(1000);
        assertThat(UserPatterns.repeatProduct("[]{(]{10}(x){10}")).isEqualTo(10);
        assertThat(UserPatterns.repeatProduct("\\Q(a{999})\\E{2}")).isEqualTo(2);
        assertThat(UserPatterns.repeatProduct("\\p{Greek}{1000}")).isEqualTo(1000);
        assertThat(UserPatterns.problem("(.*){1,16}z")).isNull();
        assertThat(UserPatterns.problem("layers\\.(1|2)\\.self_attn\\.q_proj")).isNull();
    }

    @Test
    void theFirstMatchingKeyInOrderWinsAsInPeft() {
        String module = "model.layers.0.self_attn.q_proj";
        assertThat(UserPatterns.firstMatch(List.of("q_proj", "layers.0.self_attn.q_proj"), module))
                .contains("q_proj");
        assertThat(UserPatterns.firstMatch(List.of("layers.0.self_attn.q_proj", "q_proj"), module))
                .contains("layers.0.self_attn.q_proj");
        // the whole name must match from a module boundary, and an alternation covers both names
        assertThat(UserPatterns.firstMatch(List.of("_proj"), module)).isEmpty();
        assertThat(UserPatterns.firstMatch(List.of("q_proj|v_proj"), "model.layers.3.self_attn.v_proj"))
                .contains("q_proj|v_proj");
    }
}
