package org.lorapipe.evaluation.domain;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * An MMLU CSV file ({@code {subject}_dev.csv}, {@code _val}, {@code _test}): no header, one question
 * per record: question, A, B, C, D, answer letter. Records follow RFC 4180 (quoted fields may hold
 * commas, doubled quotes and line breaks). The subject, for the harness's description line, is the
 * file name without the split suffix, underscores as spaces.
 */
public final class MmluReader {

    private static final String LETTERS = "ABCD";

    private MmluReader() {}

    public static Benchmark read(Path file) {
        Benchmark.requireFile(file);
        String text;
        try {
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new BenchmarkFormatException(file, 0, "cannot read: " + e.getMessage(), e);
        }
        List<MultipleChoiceItem> items = new ArrayList<>();
        for (CsvRecords.Record r : CsvRecords.parse(text, file)) {
            List<String> f = r.fields();
            if (f.size() != 6) {
                throw new BenchmarkFormatException(
                        file, r.line(), "expected 6 fields (question, A, B, C, D, answer letter), found " + f.size());
            }
            String answer = f.get(5).strip();
            int gold = answer.length() == 1 ? LETTERS.indexOf(answer.charAt(0)) : -1;
            if (gold < 0) {
                throw new BenchmarkFormatException(
                        file, r.line(), "answer must be A, B, C or D, found '" + answer + "'");
            }
            items.add(new MultipleChoiceItem(file.getFileName() + ":" + r.line(), f.get(0), f.subList(1, 5), gold));
        }
        if (items.isEmpty()) {
            throw new BenchmarkFormatException(file, 0, "no questions (expected CSV: question, A, B, C, D, answer)");
        }
        String subject = subject(file);
        return new Benchmark("mmlu:" + subject.replace(' ', '_'), PromptStyle.MMLU, subject, file, items);
    }

    /** {@code high_school_physics_val.csv} -> {@code high school physics}. */
    static String subject(Path file) {
        String base = Benchmark.baseName(file);
        for (String split : List.of("_dev", "_val", "_test")) {
            if (base.endsWith(split)) {
                base = base.substring(0, base.length() - split.length());
                break;
            }
        }
        return base.replace('_', ' ');
    }
}
