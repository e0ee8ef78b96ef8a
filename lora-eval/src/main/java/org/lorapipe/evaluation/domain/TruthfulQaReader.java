package org.lorapipe.evaluation.domain;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * TruthfulQA multiple choice, MC1, from the original {@code mc_task.json}: a JSON array of
 * {@code {question, mc1_targets: {answer: 0|1}, ...}} with exactly one answer marked 1. Choices keep
 * the file's order (the correct one is first in the published file, as in the harness's dataset).
 */
public final class TruthfulQaReader {

    private static final ObjectMapper JSON = new ObjectMapper();

    private TruthfulQaReader() {}

    public static Benchmark read(Path file) {
        Benchmark.requireFile(file);
        List<MultipleChoiceItem> items = new ArrayList<>();
        try (JsonParser p = JSON.getFactory().createParser(file.toFile())) {
            if (p.nextToken() != JsonToken.START_ARRAY) {
                throw new BenchmarkFormatException(
                        file, p.currentLocation().getLineNr(), "expected a JSON array of TruthfulQA items");
            }
            while (p.nextToken() == JsonToken.START_OBJECT) {
                long line = p.currentTokenLocation().getLineNr();
                JsonNode node = JSON.readTree(p);
                items.add(parse(file, line, items.size(), node));
            }
            if (p.currentToken() != JsonToken.END_ARRAY) {
                throw new BenchmarkFormatException(
                        file, p.currentLocation().getLineNr(), "expected an object {question, mc1_targets}");
            }
        } catch (IOException e) {
            throw new BenchmarkFormatException(file, 0, "not valid JSON: " + e.getMessage(), e);
        }
        if (items.isEmpty()) {
            throw new BenchmarkFormatException(file, 0, "no items");
        }
        return new Benchmark("truthfulqa_mc1", PromptStyle.TRUTHFULQA_MC1, null, file, items);
    }

    private static MultipleChoiceItem parse(Path file, long line, int index, JsonNode node) {
        JsonNode q = node.get("question");
        JsonNode targets = node.get("mc1_targets");
        if (q == null || !q.isTextual() || targets == null || !targets.isObject() || targets.size() < 2) {
            throw new BenchmarkFormatException(
                    file,
                    line,
                    "item " + index + " needs a string question and mc1_targets {answer: 0|1} (2+ answers)");
        }
        List<String> choices = new ArrayList<>();
        int gold = -1;
        for (Iterator<Map.Entry<String, JsonNode>> it = targets.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            int label = e.getValue().asInt(-1);
            if (!e.getValue().isInt() || label < 0 || label > 1) {
                throw new BenchmarkFormatException(
                        file, line, "item " + index + ": mc1_targets values must be 0 or 1, got " + e.getValue());
            }
            if (label == 1) {
                if (gold >= 0) {
                    throw new BenchmarkFormatException(
                            file, line, "item " + index + ": mc1_targets has more than one correct answer");
                }
                gold = choices.size();
            }
            choices.add(e.getKey());
        }
        if (gold < 0) {
            throw new BenchmarkFormatException(file, line, "item " + index + ": mc1_targets has no correct answer");
        }
        return new MultipleChoiceItem("truthfulqa:" + index, q.asText(), choices, gold);
    }
}
