package org.lorapipe.tuning.peft;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AdapterConfigTest {

    @TempDir
    Path tmp;

    @Test
    void rankAndAlphaPatternsMatchAsDottedSuffixesFirstKeyWins() {
        Map<String, Integer> ranks = new LinkedHashMap<>();
        ranks.put("layers.1.self_attn.q_proj", 4);
        ranks.put("q_proj", 16);
        Map<String, Double> alphas = new LinkedHashMap<>();
        alphas.put("v_proj", 32.0);
        AdapterConfig c = new AdapterConfig(8, 16, false, ranks, alphas, List.of("q_proj", "v_proj"), 0.0, null);

        assertThat(c.rankFor("model.layers.1.self_attn.q_proj")).isEqualTo(4);
        assertThat(c.rankFor("model.layers.0.self_attn.q_proj")).isEqualTo(16);
        assertThat(c.rankFor("model.layers.11.self_attn.q_proj")).isEqualTo(16); // "layers.1." is not "layers.11."
        assertThat(c.rankFor("model.layers.0.self_attn.v_proj")).isEqualTo(8);
        assertThat(c.scaleFor("model.layers.1.self_attn.q_proj")).isEqualTo(16.0 / 4);
        assertThat(c.scaleFor("model.layers.0.self_attn.v_proj")).isEqualTo(32.0 / 8); // rank and alpha resolved apart
        assertThat(c.scaleFor("model.layers.0.mlp.up_proj")).isEqualTo(2.0);
        // a key must end on a dot boundary: "proj" does not match "...q_proj"
        assertThat(AdapterConfig.patternKey(List.of("proj"), "model.layers.0.self_attn.q_proj"))
                .isNull();
        assertThat(AdapterConfig.patternKey(List.of("lm_head"), "lm_head")).isEqualTo("lm_head");
        // an alternation key applies to each alternative at a dot boundary, as PEFT's (.*\.)?(key)$ does
        assertThat(AdapterConfig.patternKey(List.of("q_proj|v_proj"), "model.layers.0.self_attn.v_proj"))
                .isEqualTo("q_proj|v_proj");
        assertThat(AdapterConfig.patternKey(List.of("q_proj|v_proj"), "model.layers.0.self_attn.q_proj"))
                .isEqualTo("q_proj|v_proj");

        AdapterConfig rs = new AdapterConfig(16, 16, true, Map.of(), Map.of(), List.of(), 0.0, null);
        assertThat(rs.scaleFor("model.layers.0.self_attn.q_proj")).isEqualTo(4.0);
    }

    @Test
    void readsPeftJsonAndRejectsWhatItCannotMerge() throws IOException {
        Path ok = tmp.resolve("ok.json");
        Files.writeString(
                ok,
                """
                {"peft_type": "LORA", "r": 8, "lora_alpha": 16, "use_rslora": true,
                 "rank_pattern": {"layers.0.self_attn.q_proj": 2}, "alpha_pattern": {"v_proj": 4},
                 "target_modules": ["q_proj", "v_proj"], "lora_dropout": 0.05}
                """);
        AdapterConfig c = AdapterConfig.read(ok);
        assertThat(c.rankFor("model.layers.0.self_attn.q_proj")).isEqualTo(2);
        assertThat(c.scaleFor("model.layers.0.self_attn.q_proj")).isEqualTo(16 / Math.sqrt(2));
        assertThat(c.scaleFor("model.layers.3.self_attn.v_proj")).isEqualTo(4 / Math.sqrt(8));
        assertThat(c.targetModules()).containsExactly("q_proj", "v_proj");

        Path bad = tmp.resolve("bad.json");
        Files.writeString(
                bad,
                """
                {"r": 0, "use_dora": true, "rank_pattern": {"q_proj": -1}}
                """);
        assertThatThrownBy(() -> AdapterConfig.read(bad))
                .isInstanceOf(AdapterException.class)
                .hasMessageContaining("\"r\" must be a positive integer")
                .hasMessageContaining("lora_alpha")
                .hasMessageContaining("DoRA")
                .hasMessageContaining("rank_pattern[\"q_proj\"]");
    }
}
