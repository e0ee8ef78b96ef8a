package org.lorapipe.tuning.lora;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.lorapipe.tuning.Fixtures.lora;

import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.lorapipe.contract.request.LoraSpec;
import org.lorapipe.model.LlamaModel;
import org.lorapipe.tuning.Fixtures;

class LoraPlanTest {

    private static LlamaModel model;

    @BeforeAll
    static void load() {
        model = Fixtures.model(Fixtures.tiny(), 1);
    }

    @AfterAll
    static void close() {
        model.close();
    }

    @Test
    void allLinearIsEveryProjectionButTheHead() {
        LoraPlan plan = LoraPlan.resolve(lora(8, 16, 0.05, List.of("all-linear")), model.linears());
        assertThat(plan.targets()).hasSize(14);
        assertThat(plan.targets()).extracting(LoraTarget::module).doesNotContain("lm_head");
        assertThat(plan.targetShortNames())
                .containsExactly("q_proj", "k_proj", "v_proj", "o_proj", "gate_proj", "up_proj", "down_proj");
        // q: r (32 + 32); k, v: r (32 + 16); gate/up: r (32 + 48); down: r (48 + 32)
        assertThat(plan.trainableParameters()).isEqualTo(2L * 8 * (64 + 48 + 48 + 64 + 80 + 80 + 80));
        assertThat(plan.targets().get(0).scale()).isEqualTo(2.0);
    }

    @Test
    void patternsFollowPeftSuffixMatchingAndTheFirstMatchingKeyWins() {
        Map<String, Integer> ranks = new java.util.LinkedHashMap<>(); // PEFT's order: the first match wins
        ranks.put("layers.1.self_attn.q_proj", 2);
        ranks.put("q_proj", 6);
        ranks.put("mlp\\.down_proj", 3);
        LoraSpec spec =
                new LoraSpec(4, 8, 0, List.of("q_proj", "v_proj", "down_proj"), ranks, Map.of("v_proj", 32.0), false);
        Map<String, LoraTarget> t = new java.util.HashMap<>();
        LoraPlan.resolve(spec, model.linears()).targets().forEach(x -> t.put(x.module(), x));
        assertThat(t.get("model.layers.0.self_attn.q_proj").rank()).isEqualTo(6);
        assertThat(t.get("model.layers.1.self_attn.q_proj").rank()).isEqualTo(2);
        assertThat(t.get("model.layers.0.mlp.down_proj").rank()).isEqualTo(3); // a regex, as in PEFT
        assertThat(t.get("model.layers.0.self_attn.v_proj").rank()).isEqualTo(4);
        assertThat(t.get("model.layers.0.self_attn.v_proj").alpha()).isEqualTo(32.0);
        assertThat(t.get("model.layers.0.self_attn.v_proj").scale()).isEqualTo(8.0);
        assertThat(t.get("model.layers.1.self_attn.q_proj").scale()).isEqualTo(4.0);
        // the other way round, the general key comes first and takes layer 1 too
        Map<String, Integer> reversed = new java.util.LinkedHashMap<>();
        reversed.put("q_proj", 6);
        reversed.put("layers.1.self_attn.q_proj", 2);
        LoraSpec general = new LoraSpec(4, 8, 0, List.of("q_proj"), reversed, Map.of(), false);
        assertThat(LoraPlan.resolve(general, model.linears()).targets().stream()
                        .filter(x -> x.module().equals("model.layers.1.self_attn.q_proj"))
                        .findFirst()
                        .orElseThrow()
                        .rank())
                .isEqualTo(6);
        // a fragment must end at a dot boundary: "proj" alone does not match "q_proj" as PEFT's regex anchors (.*\.)?
        assertThat(LoraPlan.patternKey(Set.of("_proj"), "model.layers.0.self_attn.q_proj"))
                .isEmpty();
        assertThat(LoraPlan.patternKey(Set.of("self_attn.q_proj"), "model.layers.0.self_attn.q_proj"))
                .contains("self_attn.q_proj");
    }

    @Test
    void rsLoraScalesByTheSquareRootOfTheRank() {
        LoraSpec spec = new LoraSpec(16, 32, 0, List.of("q_proj"), Map.of(), Map.of(), true);
        LoraPlan plan = LoraPlan.resolve(spec, model.linears());
        assertThat(plan.targets().get(0).scale()).isEqualTo(8.0);
    }

    @Test
    void unknownTargetsListTheValidNames() {
        assertThatThrownBy(
                        () -> LoraPlan.resolve(lora(8, 16, 0, List.of("q_proj", "query", "c_attn")), model.linears()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("unknown target module 'query'")
                .hasMessageContaining("unknown target module 'c_attn'")
                .hasMessageContaining(
                        "q_proj, k_proj, v_proj, o_proj, gate_proj, up_proj, down_proj, lm_head, all-linear");
    }

    @Test
    void rankLargerThanTheModuleAllowsNamesTheModule() {
        assertThatThrownBy(() -> LoraPlan.resolve(lora(20, 16, 0, List.of("k_proj")), model.linears()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(
                        "rank 20 for module 'model.layers.0.self_attn.k_proj' exceeds min(in, out) = min(32, 16) = 16")
                .hasMessageContaining("model.layers.1.self_attn.k_proj");
        assertThatThrownBy(() -> LoraPlan.resolve(
                        new LoraSpec(0, -1, 1.5, List.of("q_proj"), Map.of("[", 2), Map.of(), false), model.linears()))
                .hasMessageContaining("lora.r must be > 0")
                .hasMessageContaining("lora.alpha must be > 0")
                .hasMessageContaining("lora.dropout must be in [0, 1)")
                .hasMessageContaining("is not valid RE2 syntax");
    }

    @Test
    void aPatternKeyThatAppliesToNoAdaptedModuleIsAProblemNotSilence() {
        // the example: linear in RE2, and matching nothing here (PEFT would ignore it)
        LoraSpec spec = new LoraSpec(
                8, 16, 0, List.of("q_proj", "v_proj"), Map.of("(.*){1,16}z", 4), Map.of("down_proj", 8.0), false);
        assertThatThrownBy(() -> LoraPlan.resolve(spec, model.linears()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("lora.rankPattern key '(.*){1,16}z' matches none of the")
                .hasMessageContaining("lora.alphaPattern key 'down_proj' matches none of the")
                .hasMessageContaining("model.layers.0.self_attn.q_proj")
                .hasMessageContaining("lora.targetModules");
    }
}
