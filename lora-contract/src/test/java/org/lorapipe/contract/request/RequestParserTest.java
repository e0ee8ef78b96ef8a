package org.lorapipe.contract.request;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.lorapipe.contract.json.Json;

class RequestParserTest {
    private static final String MINIMAL =
            """
            { "requestId": "stories-r8",
              "baseModel": "s3://lora/models/stories260K",
              "dataset": { "uri": "s3://lora/data/stories-instruct.jsonl" } }""";

    /** The full form with defaults, copied from docs/CONTRACT.md. */
    private static final String CONTRACT_FULL_FORM =
            """
            { "requestId": "stories-r8",
              "baseModel": "s3://lora/models/stories260K",
              "dataset": { "uri": "s3://lora/data/stories-instruct.jsonl", "format": "alpaca", "promptTemplate": "alpaca", "maxSeqLength": 256,
                           "validationFraction": 0.05, "deduplicate": true, "maskPrompt": true, "pack": false },
              "lora": { "r": 8, "alpha": 16, "dropout": 0.05, "targetModules": ["q_proj", "v_proj"],
                        "rankPattern": {}, "alphaPattern": {}, "useRslora": false },
              "quantization": { "type": "none" },
              "training": { "optimizer": "adamw", "learningRate": 3e-4, "weightDecay": 0.01, "momentum": 0.9,
                            "scheduler": "cosine", "warmupSteps": 10, "epochs": 1, "maxSteps": 0,
                            "microBatchSize": 4, "gradientAccumulationSteps": 1, "gradClipNorm": 1.0,
                            "seed": 42, "checkpointEverySteps": 50 },
              "evaluation": { "tasks": [ { "name": "perplexity" } ] },
              "merge": { "enabled": true, "dtype": "float32" } }""";

    private final RequestParser parser = new RequestParser("lora");

    @Test
    void minimalRequestGetsEveryDefaultOfTheContract() throws Exception {
        JsonNode filled = Json.mapper().readTree(Json.write(parser.parse(MINIMAL)));
        JsonNode contract = Json.mapper().readTree(CONTRACT_FULL_FORM);
        assertSubset(contract, filled, "");
    }

    @Test
    void fullFormParsesToTheSameRequestAsTheMinimalOne() {
        assertThat(parser.parse(CONTRACT_FULL_FORM)).isEqualTo(parser.parse(MINIMAL));
    }

    @Test
    void gradientCheckpointingIsAnOptionalExtension() {
        assertThat(parser.parse(MINIMAL).training().gradientCheckpointing()).isFalse();
        String on = MINIMAL.replaceFirst("\\}\\s*$", ", \"training\": {\"gradientCheckpointing\": true} }");
        assertThat(parser.parse(on).training().gradientCheckpointing()).isTrue();
        String wrong = MINIMAL.replaceFirst("\\}\\s*$", ", \"training\": {\"gradientCheckpointing\": \"yes\"} }");
        assertThatThrownBy(() -> parser.parse(wrong))
                .isInstanceOfSatisfying(InvalidRequestException.class, e -> assertThat(e.problems())
                        .anyMatch(p -> p.startsWith("training.gradientCheckpointing")));
    }

    @Test
    void serializedRequestParsesBackToItself() {
        TrainingRequest request = parser.parse(MINIMAL);
        assertThat(parser.parse(Json.write(request))).isEqualTo(request);
        assertThat(Json.read(Json.write(request), TrainingRequest.class)).isEqualTo(request);
    }

    @Test
    void everyProblemIsReportedAtOnce() {
        assertThatThrownBy(() -> parser.parse("{\"requestId\":\"x\",\"lora\":{\"r\":0}}"))
                .isInstanceOfSatisfying(InvalidRequestException.class, e -> {
                    assertThat(e.requestId()).isEqualTo("x");
                    assertThat(e.problems()).hasSize(3);
                    assertThat(e.getMessage())
                            .contains("baseModel is required")
                            .contains("dataset is required")
                            .contains("lora.r must be a positive integer, got 0");
                });
    }

    @Test
    void uriOutsideTheBucketSaysWhereItMustBe() {
        String json = MINIMAL.replace("s3://lora/data/stories-instruct.jsonl", "file:///etc/passwd");
        assertThatThrownBy(() -> parser.parse(json))
                .hasMessageContaining(
                        "dataset.uri must be an s3:// URI inside bucket 'lora' (e.g. s3://lora/...), got 'file:///etc/passwd'");
        String otherBucket = MINIMAL.replace("s3://lora/models", "s3://other/models");
        assertThatThrownBy(() -> parser.parse(otherBucket)).hasMessageContaining("baseModel must be an s3:// URI");
        String traversal = MINIMAL.replace("s3://lora/data/", "s3://lora/../secret/");
        assertThatThrownBy(() -> parser.parse(traversal)).hasMessageContaining("dataset.uri");
    }

    @Test
    void aRequestDoesNotReadAnotherRunsResults() {
        String merged = MINIMAL.replace("s3://lora/models/stories260K", "s3://lora/runs/their-run/merged");
        assertThatThrownBy(() -> parser.parse(merged))
                .hasMessageContaining("baseModel must not point into 'runs/'")
                .hasMessageContaining("lora import");
        String shards =
                MINIMAL.replace("s3://lora/data/stories-instruct.jsonl", "s3://lora/datasets/theirs/train-00000.bin");
        assertThatThrownBy(() -> parser.parse(shards))
                .hasMessageContaining("dataset.uri must not point into 'datasets/'");
    }

    @Test
    void wrongTypesAndUnknownEnumValuesAreListedWithTheValidChoices() {
        String json =
                """
                { "requestId": "r1", "baseModel": "s3://lora/models/m", "dataset": {"uri": "s3://lora/d.jsonl",
                  "format": "csv"},
                  "lora": {"r": "eight", "targetModules": ["qproj"]},
                  "training": {"optimizer": "adam", "learningRate": -1} }""";
        assertThatThrownBy(() -> parser.parse(json))
                .isInstanceOfSatisfying(InvalidRequestException.class, e -> assertThat(e.problems())
                        .containsExactlyInAnyOrder(
                                "dataset.format must be one of alpaca, chat, text, got \"csv\"",
                                "lora.r must be an integer, got \"eight\"",
                                "lora.targetModules must contain only q_proj, k_proj, v_proj, qkv_proj, o_proj,"
                                        + " gate_proj, up_proj, gate_up_proj, down_proj, lm_head or all-linear, got"
                                        + " 'qproj'",
                                "training.optimizer must be one of adamw, sgd, got \"adam\"",
                                "training.learningRate must be a positive number below 10 (3e-4 is a common start"
                                        + " for LoRA), got -1.0"));
    }

    @Test
    void misspelledFieldsAreNotSilentlyIgnored() {
        String json = MINIMAL.replace("\"dataset\"", "\"training\": {\"learningrate\": 0.001}, \"dataset\"");
        assertThatThrownBy(() -> parser.parse(json))
                .hasMessageContaining("unknown field training.learningrate (did you mean training.learningRate?)");
    }

    @Test
    void requestIdMustBeUsableAsAStorageFolder() {
        assertThatThrownBy(() -> parser.parse(MINIMAL.replace("stories-r8", "../evil")))
                .isInstanceOfSatisfying(InvalidRequestException.class, e -> {
                    assertThat(e.requestId()).isNull();
                    assertThat(e.getMessage()).contains("requestId must be 1-128 letters");
                });
    }

    @Test
    void notJsonIsItsOwnError() {
        assertThatThrownBy(() -> parser.parse("not json")).isInstanceOf(NotJsonException.class);
        assertThatThrownBy(() -> parser.parse("[1, 2]"))
                .isInstanceOf(InvalidRequestException.class)
                .hasMessageContaining("must be a JSON object");
    }

    @Test
    void evaluationTasksAndGateAreChecked() {
        String json = minimalWith(
                "\"evaluation\": {\"tasks\": [{\"name\": \"arc\"}, {\"name\": \"generation\", \"prompts\":"
                        + " [{\"prompt\": \"Write a story\", \"expect\": [\"cat\"], \"regex\": \"(\"}]}, {\"name\": \"bleu\"}]},"
                        + " \"merge\": {\"gate\": {\"task\": \"perplexity\", \"metric\": \"perplexity\", \"tolerance\": 0.5}}");
        assertThatThrownBy(() -> parser.parse(json))
                .isInstanceOfSatisfying(InvalidRequestException.class, e -> assertThat(String.join("\n", e.problems()))
                        .contains("evaluation.tasks[0].uri is required for task 'arc'")
                        .contains("evaluation.tasks[1].prompts[0].regex must be a valid regular expression")
                        .contains("evaluation.tasks[2].name must be one of perplexity, arc, generation")
                        .contains("merge.gate.task must name one of the evaluation tasks [arc, generation]"));
    }

    @Test
    void taskLabelsNameTheResultsAndTheGateMayUseThem() {
        String gen = "{\"name\": \"generation\", \"prompts\": [{\"prompt\": \"Once\", \"expect\": [\"cat\"]}]";
        TrainingRequest labelled = parser.parse(minimalWith("\"evaluation\": {\"tasks\": [" + gen + "}, " + gen
                + ", \"label\": \"unseen-names\"}, " + gen + "}]},"
                + " \"merge\": {\"gate\": {\"task\": \"unseen-names\", \"metric\": \"passRate\"}}"));
        assertThat(labelled.evaluation().keys()).containsExactly("generation", "unseen-names", "generation_2");
        assertThat(labelled.merge().gate().task()).isEqualTo("unseen-names");

        String clash = minimalWith("\"evaluation\": {\"tasks\": [" + gen + "}, " + gen
                + ", \"label\": \"generation\"}, " + gen + ", \"label\": \"bad label!\"}]}");
        assertThatThrownBy(() -> parser.parse(clash))
                .isInstanceOfSatisfying(InvalidRequestException.class, e -> assertThat(e.problems())
                        .anyMatch(p -> p.startsWith("evaluation.tasks[1] reports its results as 'generation', which an"
                                + " earlier task already uses"))
                        .anyMatch(p -> p.startsWith("evaluation.tasks[2].label must be 1-64 letters")));
    }

    @Test
    void targetModulesAcceptAllLinearAsAString() {
        TrainingRequest request = parser.parse(
                minimalWith(
                        "\"lora\": {\"targetModules\": \"all-linear\","
                                + " \"useRslora\": true, \"r\": 16, \"alpha\": 32, \"rankPattern\": {\"layers.0.self_attn.q_proj\": 4}}"));
        assertThat(request.lora().targetModules()).containsExactly("all-linear");
        assertThat(request.lora().rankPattern()).containsEntry("layers.0.self_attn.q_proj", 4);
        assertThat(request.lora().scale(16, 32)).isEqualTo(8.0);
    }

    @Test
    void hostileValuesAreRefusedAtIntake() {
        String json =
                minimalWith("\"lora\": {\"rankPattern\": {\"(q)\\\\1\": 4}, \"alphaPattern\": {\"v_proj\": 1e400}},"
                        + " \"training\": {\"learningRate\": 1e400}");
        assertThatThrownBy(() -> parser.parse(json))
                .isInstanceOfSatisfying(InvalidRequestException.class, e -> assertThat(String.join("\n", e.problems()))
                        .contains("lora.rankPattern keys must be valid regular expressions", "RE2")
                        .contains("lora.alphaPattern.v_proj must be a finite number")
                        .contains("training.learningRate must be a finite number"));
    }

    /** Found by the fuzz suite: a task whose name was null vanished from the request without a word. */
    @Test
    void aTaskWithANullNameIsRefusedNotDropped() {
        String json = minimalWith("\"evaluation\": {\"tasks\": [{\"name\": \"perplexity\"}, {\"name\": null}]}");
        assertThatThrownBy(() -> parser.parse(json))
                .isInstanceOf(InvalidRequestException.class)
                .hasMessageContaining("evaluation.tasks[1].name is required");
    }

    /** Found by the fuzz suite: an empty record was judged an invalid request, not "not JSON". */
    @Test
    void anEmptyRecordIsNotJson() {
        for (String empty : List.of("", "  \n")) {
            assertThatThrownBy(() -> parser.parse(empty))
                    .isInstanceOf(NotJsonException.class)
                    .hasMessageContaining("empty");
        }
    }

    @Test
    void aKeyGivenTwiceIsAProblemNotALastOneWins() {
        String json = "{\"requestId\": \"twice\", \"lora\": {\"r\": 8, \"r\": 64}}";
        assertThatThrownBy(() -> parser.parse(json))
                .isInstanceOf(InvalidRequestException.class)
                .hasMessageContaining("Duplicate field 'r'")
                .hasMessageContaining("give each key once");
    }

    @Test
    void aFloodOfProblemsYieldsABoundedList() {
        String targets = String.join(",", java.util.Collections.nCopies(5_000, "\"" + "x".repeat(300) + "\""));
        String json = minimalWith("\"lora\": {\"targetModules\": [" + targets + "]}");
        assertThatThrownBy(() -> parser.parse(json)).isInstanceOfSatisfying(InvalidRequestException.class, e -> {
            assertThat(e.problems()).hasSize(Problems.MAX_PROBLEMS + 1);
            assertThat(e.problems().get(Problems.MAX_PROBLEMS)).contains("and 4950 more");
            assertThat(e.getMessage()).startsWith("the request has 5000 problems:");
            assertThat(e.getMessage().length())
                    .as("the failure event stays small")
                    .isLessThan(40_000);
            assertThat(e.problems().get(0)).contains("(300 characters)");
        });
    }

    @Test
    void urisMustNameNormalisedKeysAndEnvelopeFieldsHaveTheirTypes() {
        String longKey = "s3://lora/data/" + "k".repeat(RequestParser.MAX_KEY_BYTES) + ".jsonl";
        String json = "{\"requestId\": \"strict\", \"schemaVersion\": \"one\", \"occurredAt\": 5,"
                + " \"baseModel\": \"s3://lora/./models/x\", \"dataset\": {\"uri\": \"s3://lora/data/a\\nFAKE LOG LINE\"},"
                + " \"evaluation\": {\"tasks\": [{\"name\": \"arc\", \"uri\": \"" + longKey + "\"}]}}";
        assertThatThrownBy(() -> parser.parse(json))
                .isInstanceOfSatisfying(InvalidRequestException.class, e -> assertThat(String.join("\n", e.problems()))
                        .contains("schemaVersion must be 1")
                        .contains("occurredAt must be an ISO-8601 instant")
                        .contains("baseModel must name a normalised key")
                        .contains("dataset.uri must not contain control characters")
                        .contains("evaluation.tasks[0].uri must have a key of at most 1024 bytes"));
        assertThat(parser.parse(minimalWith("\"schemaVersion\": 1, \"occurredAt\": \"2026-11-29T10:15:30Z\""))
                        .requestId())
                .isEqualTo("stories-r8");
    }

    @Test
    void aListBuiltFromAModelIsJoinedBoundedToo() {
        List<String> many = java.util.stream.IntStream.range(0, 70)
                .mapToObj(i -> "tensor " + i + " misfits")
                .toList();
        assertThat(Problems.join(many))
                .contains("tensor 49 misfits")
                .doesNotContain("tensor 50 misfits")
                .endsWith("... and 20 more problem(s) not listed (only the first 50 are): fix these and send again");
        assertThat(Problems.join(List.of("a", "b"))).isEqualTo("a; b");
    }

    /** The minimal request with more top-level fields. */
    private static String minimalWith(String fields) {
        return MINIMAL.substring(0, MINIMAL.lastIndexOf('}')) + ", " + fields + "}";
    }

    private static void assertSubset(JsonNode expected, JsonNode actual, String path) {
        if (expected.isObject()) {
            expected.fieldNames().forEachRemaining(name -> {
                assertThat(actual.has(name)).as("field %s%s", path, name).isTrue();
                assertSubset(expected.get(name), actual.get(name), path + name + ".");
            });
        } else if (expected.isArray()) {
            assertThat(actual.size()).as("size of %s", path).isEqualTo(expected.size());
            for (int i = 0; i < expected.size(); i++) {
                assertSubset(expected.get(i), actual.get(i), path + i + ".");
            }
        } else if (expected.isNumber()) {
            assertThat(actual.doubleValue()).as(path).isEqualTo(expected.doubleValue());
        } else {
            assertThat(actual).as(path).isEqualTo(expected);
        }
    }

    @Test
    void editDistanceFindsTypos() {
        assertThat(Fields.editDistance("learningrate", "learningrate")).isZero();
        assertThat(Fields.editDistance("rr", "r")).isEqualTo(1);
        assertThat(List.of(Fields.editDistance("kitten", "sitting"))).containsExactly(3);
    }
}
