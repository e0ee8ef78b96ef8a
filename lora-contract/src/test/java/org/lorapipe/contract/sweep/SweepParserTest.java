package org.lorapipe.contract.sweep;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.lorapipe.contract.json.Json;
import org.lorapipe.contract.request.InvalidRequestException;
import org.lorapipe.contract.request.QuantizationType;
import org.lorapipe.contract.request.TrainingRequest;

class SweepParserTest {
    private static final String BASE =
            """
            "base": { "baseModel": "s3://lora/models/stories260K",
                      "dataset": { "uri": "s3://lora/data/stories-instruct/train.jsonl" },
                      "training": { "maxSteps": 20 } }""";

    private final SweepParser parser = new SweepParser("lora", 64);

    @Test
    void listedSettingsCrossTheGridAndEverySettingRunsWithEverySeed() {
        SweepExpansion e = parser.parse(
                """
                { "sweepId": "rank", %s,
                  "settings": [ { "lora.alpha": 8 }, { "lora.alpha": 32 } ],
                  "grid": { "lora.r": [4, 16], "quantization.type": ["none", "nf4"] },
                  "seeds": [1, 2, 3] }"""
                        .formatted(BASE));
        SweepPlan plan = e.plan();
        assertThat(plan.settings()).hasSize(2 * 2 * 2);
        assertThat(plan.runs()).hasSize(8 * 3);
        assertThat(plan.axes()).containsExactly("lora.alpha", "lora.r", "quantization.type");
        assertThat(plan.title()).isEqualTo("rank");
        // the first axis of the grid varies slowest, listed settings slower still
        assertThat(plan.settings().get(0).label()).isEqualTo("lora.alpha=8, lora.r=4, quantization.type=none");
        assertThat(plan.settings().get(1).label()).isEqualTo("lora.alpha=8, lora.r=4, quantization.type=nf4");
        assertThat(plan.settings().get(2).label()).isEqualTo("lora.alpha=8, lora.r=16, quantization.type=none");
        assertThat(plan.settings().get(4).label()).startsWith("lora.alpha=32,");

        SweepRun run5 = plan.runs().get(4);
        assertThat(run5).isEqualTo(new SweepRun(5, "rank-5", 2, 2));
        TrainingRequest r = e.requests().get(4);
        assertThat(r.requestId()).isEqualTo("rank-5");
        assertThat(r.lora().r()).isEqualTo(4);
        assertThat(r.lora().alpha()).isEqualTo(8.0);
        assertThat(r.quantization().type()).isEqualTo(QuantizationType.NF4);
        assertThat(r.training().seed()).isEqualTo(2);
        assertThat(r.training().maxSteps()).isEqualTo(20); // the base's own fields stay
        assertThat(plan.hasRun("rank-5")).isTrue();
        assertThat(plan.hasRun("rank-25")).isFalse();
        assertThat(plan.hasRun("rank-05")).isFalse();
        assertThat(plan.hasRun("rankx-5")).isFalse();
    }

    @Test
    void withoutSeedsTheBaseSeedRunsOnceAndWithoutAxesTheBaseIsTheOneSetting() {
        SweepExpansion e = parser.parse(
                """
                { "sweepId": "one", "title": "Just the base",
                  "base": { "baseModel": "s3://lora/models/m", "dataset": { "uri": "s3://lora/data/d.jsonl" },
                            "training": { "seed": 7 } } }""");
        assertThat(e.plan().settings()).extracting(SweepSetting::label).containsExactly("base");
        assertThat(e.plan().seeds()).containsExactly(7L);
        assertThat(e.requests().get(0).training().seed()).isEqualTo(7);
        assertThat(e.plan().title()).isEqualTo("Just the base");
    }

    @Test
    void thePlanIsTheSameForTheSameRequestAndSurvivesJson() {
        String json =
                """
                { "sweepId": "s", %s, "grid": { "training.optimizer": ["adamw", "sgd"] }, "seeds": [1, 2] }"""
                        .formatted(BASE);
        SweepPlan a = parser.parse(json).plan();
        SweepPlan b = parser.parse(json).plan();
        assertThat(Json.write(a)).isEqualTo(Json.write(b));
        SweepPlan read = Json.read(Json.write(a), SweepPlan.class);
        assertThat(read).isEqualTo(a);
    }

    @Test
    void everyProblemIsReportedAtOnceNamingItsSetting() {
        assertThatThrownBy(
                        () -> parser.parse(
                                """
                        { "sweepId": "bad", "colour": 1,
                          "base": { "requestId": "x", "baseModel": "s3://lora/models/m",
                                    "dataset": { "uri": "s3://lora/data/d.jsonl" } },
                          "grid": { "lora.r": [8, 8], "training.seed": [1], "requestId": ["a"], "lora..r": [1] },
                          "seeds": [1, 1] }"""))
                .isInstanceOfSatisfying(InvalidRequestException.class, e -> {
                    assertThat(e.requestId()).isEqualTo("bad");
                    assertThat(String.join("\n", e.problems()))
                            .contains("colour is not a field of a sweep request")
                            .contains("base.requestId must be left out")
                            .contains("grid.lora.r lists a value twice")
                            .contains("grid.training.seed cannot be set per setting")
                            .contains("grid.requestId cannot be set by a sweep")
                            .contains("grid.lora..r must be a request path")
                            .contains("seeds lists a seed twice");
                });
    }

    @Test
    void aRunRequestTheStagesWouldRefuseIsRefusedHereWithItsSetting() {
        assertThatThrownBy(() -> parser.parse(
                        """
                        { "sweepId": "r", %s, "grid": { "lora.r": [8, 0], "lora.colour": ["red"] } }"""
                                .formatted(BASE)))
                .isInstanceOfSatisfying(InvalidRequestException.class, e -> assertThat(e.problems())
                        .anySatisfy(p -> assertThat(p).startsWith("setting 2 (lora.r=0, lora.colour=red): lora.r"))
                        .anySatisfy(p -> assertThat(p)
                                .startsWith("setting 1 (lora.r=8, lora.colour=red): ")
                                .contains("colour")));
    }

    @Test
    void aSweepLargerThanTheLimitIsRefusedBeforeItIsExpanded() {
        assertThatThrownBy(() -> parser.parse(
                        """
                        { "sweepId": "big", %s,
                          "grid": { "lora.r": [1,2,3,4,5,6,7,8], "lora.alpha": [1,2,3,4,5,6,7,8], "training.epochs": [1,2] } }"""
                                .formatted(BASE)))
                .isInstanceOf(InvalidRequestException.class)
                .hasMessageContaining("128 runs")
                .hasMessageContaining("lora.sweep.max-runs");
    }

    @Test
    void aRepeatedSettingAndAPathOnBothSidesAreRefused() {
        assertThatThrownBy(() -> parser.parse(
                        """
                        { "sweepId": "rep", %s,
                          "settings": [ { "lora.r": 4 }, { "lora.r": 4 } ], "grid": { "lora.r": [2] } }"""
                                .formatted(BASE)))
                .isInstanceOfSatisfying(InvalidRequestException.class, e -> assertThat(String.join("\n", e.problems()))
                        .contains("settings[0].lora.r is also an axis of the grid")
                        .contains("repeats setting 1"));
    }

    @Test
    void runIdsNameTheirSweep() {
        assertThat(SweepIds.parse("rank-alpha-12")).contains(new SweepIds.RunRef("rank-alpha", 12));
        assertThat(SweepIds.parse("stories-r8")).isEmpty();
        assertThat(SweepIds.parse("x-0")).isEmpty();
        assertThat(SweepIds.parse("x-10000")).isEmpty();
        assertThat(SweepIds.runId("s", 3)).isEqualTo("s-3");
        assertThat(List.of(SweepIds.parse("a.b-1").orElseThrow().sweepId())).containsExactly("a.b");
    }

    @Test
    void aListedSettingMayBeNamedAndItsNameLeadsItsLabel() {
        SweepExpansion e = parser.parse(
                """
                { "sweepId": "named", %s,
                  "settings": [ { "name": "stories", "dataset.maxSeqLength": 128 },
                                { "name": "", "dataset.maxSeqLength": 64 } ],
                  "grid": { "lora.r": [4] } }"""
                        .formatted(BASE)
                        .replace("{ \"name\": \"\", ", "{ "));
        assertThat(e.plan().settings())
                .extracting(SweepSetting::label)
                .containsExactly("stories, lora.r=4", "dataset.maxSeqLength=64, lora.r=4");
        assertThat(e.plan().settings().get(0).overrides()).containsOnlyKeys("dataset.maxSeqLength", "lora.r");
        assertThatThrownBy(() -> parser.parse(
                        """
                        { "sweepId": "named", %s, "settings": [ { "name": "" } ] }"""
                                .formatted(BASE)))
                .hasMessageContaining("settings[0].name must be a short label");
    }
}
