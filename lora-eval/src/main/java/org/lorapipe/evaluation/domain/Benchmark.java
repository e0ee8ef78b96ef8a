package org.lorapipe.evaluation.domain;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * A multiple-choice benchmark read from one file: its items and how they are prompted.
 *
 * @param name e.g. {@code ARC-Easy-Dev}, {@code mmlu:abstract_algebra}, {@code truthfulqa_mc1}
 * @param style the harness task whose prompt is used
 * @param subject MMLU's subject (for the description line), else null
 * @param file where the items came from
 * @param items in file order
 */
public record Benchmark(String name, PromptStyle style, String subject, Path file, List<MultipleChoiceItem> items) {

    public Benchmark {
        items = List.copyOf(items);
    }

    /** The first {@code limit} items (null or <= 0: all). */
    public Benchmark limit(Integer limit) {
        if (limit == null || limit <= 0 || limit >= items.size()) {
            return this;
        }
        return new Benchmark(name, style, subject, file, items.subList(0, limit));
    }

    /**
     * Reads a file by its layout: {@code *.csv} MMLU, {@code *.json} TruthfulQA ({@code mc_task.json}),
     * anything else ARC-layout JSONL (ARC, OpenBookQA).
     */
    public static Benchmark read(Path file) {
        requireFile(file);
        String n = file.getFileName().toString().toLowerCase(java.util.Locale.ROOT);
        if (n.endsWith(".csv")) {
            return MmluReader.read(file);
        }
        if (n.endsWith(".json")) {
            return TruthfulQaReader.read(file);
        }
        return ArcReader.read(file);
    }

    static void requireFile(Path file) {
        if (!Files.isRegularFile(file)) {
            throw new BenchmarkFormatException(file, 0, "benchmark file not found");
        }
    }

    static String baseName(Path file) {
        String n = file.getFileName().toString();
        int dot = n.lastIndexOf('.');
        return dot > 0 ? n.substring(0, dot) : n;
    }

    static List<String> lines(Path file) {
        requireFile(file);
        try {
            return Files.readAllLines(file);
        } catch (IOException e) {
            throw new BenchmarkFormatException(file, 0, "cannot read: " + e.getMessage(), e);
        }
    }
}
