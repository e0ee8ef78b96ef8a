package org.lorapipe.evaluation.domain;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * ARC-layout JSONL (ARC-Easy, ARC-Challenge, OpenBookQA): one object per line,
 * {@code {id, question: {stem, choices: [{label, text}]}, answerKey}}. The gold index is the position
 * of {@code answerKey} among the labels, as the harness's {@code choices.label.index(answerKey)}, so
 * digit labels ("1".."4") and 3 or 5 choices need no special case.
 */
public final class ArcReader {

    private static final ObjectMapper JSON = new ObjectMapper();

    private ArcReader() {}

    public static Benchmark read(Path file) {
        List<String> lines = Benchmark.lines(file);
        List<MultipleChoiceItem> items = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i);
            if (line.isBlank()) {
                continue;
            }
            items.add(parse(file, i + 1, line));
        }
        if (items.isEmpty()) {
            throw new BenchmarkFormatException(file, 0, "no items (expected one ARC-layout JSON object per line)");
        }
        return new Benchmark(Benchmark.baseName(file), PromptStyle.ARC, null, file, items);
    }

    static MultipleChoiceItem parse(Path file, int lineNo, String line) {
        JsonNode node;
        try {
            node = JSON.readTree(line);
        } catch (JsonProcessingException e) {
            throw new BenchmarkFormatException(file, lineNo, "not JSON: " + e.getOriginalMessage());
        }
        List<String> problems = new ArrayList<>();
        JsonNode question = node.path("question");
        String stem = text(question.get("stem"));
        if (stem == null) {
            problems.add("question.stem (a string) is missing");
        }
        JsonNode choices = question.get("choices");
        List<String> labels = new ArrayList<>();
        List<String> texts = new ArrayList<>();
        if (choices == null || !choices.isArray() || choices.size() < 2) {
            problems.add("question.choices must be an array of at least 2 {label, text} objects");
        } else {
            for (int c = 0; c < choices.size(); c++) {
                String label = text(choices.get(c).get("label"));
                String t = text(choices.get(c).get("text"));
                if (label == null || t == null) {
                    problems.add("question.choices[" + c + "] needs a string label and text");
                }
                labels.add(label);
                texts.add(t);
            }
        }
        String key = text(node.get("answerKey"));
        if (key == null) {
            problems.add("answerKey (a string) is missing");
        } else if (problems.isEmpty() && !labels.contains(key)) {
            problems.add("answerKey '" + key + "' is not one of the labels " + labels);
        }
        if (!problems.isEmpty()) {
            throw new BenchmarkFormatException(file, lineNo, "not an ARC item: " + String.join("; ", problems));
        }
        String id = text(node.get("id"));
        return new MultipleChoiceItem(
                id != null ? id : file.getFileName() + ":" + lineNo, stem, texts, labels.indexOf(key));
    }

    private static String text(JsonNode n) {
        return n != null && n.isTextual() ? n.asText() : null;
    }
}
