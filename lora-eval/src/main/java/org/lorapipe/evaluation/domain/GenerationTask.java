package org.lorapipe.evaluation.domain;

import com.fasterxml.jackson.core.JsonProcessingException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.lorapipe.contract.json.Json;
import org.lorapipe.contract.request.GenerationCheck;
import org.lorapipe.contract.request.UserPatterns;
import org.lorapipe.model.DjlRuntime;
import org.lorapipe.model.generate.Generation;
import org.lorapipe.model.generate.GenerationConfig;
import org.lorapipe.model.generate.GenerationResult;
import org.lorapipe.model.tokenizer.TextTokenizer;

/**
 * Generation checks: each prompt is continued greedily for up to {@code maxTokens} new tokens (or
 * until EOS); it passes when the continuation contains every expected substring, ignoring case, and,
 * when a regex is given, the regex matches somewhere in the continuation (found anywhere, matched in linear time by {@link UserPatterns}).
 */
public final class GenerationTask {

    private GenerationTask() {}

    /**
     * One prompt's outcome.
     *
     * @param continuation the generated text after the prompt
     * @param missing expected substrings not found
     * @param regexMatched null when no regex was given
     */
    public record CheckResult(
            String prompt,
            List<String> expect,
            String regex,
            String continuation,
            int generatedTokens,
            List<String> missing,
            Boolean regexMatched,
            boolean passed) {}

    public record Run(List<CheckResult> checks) implements TaskRun {
        private double[] units() {
            return checks.stream().mapToDouble(c -> c.passed() ? 1 : 0).toArray();
        }

        @Override
        public List<Metric> headline() {
            return List.of(Metric.mean("pass_rate", units(), true));
        }

        @Override
        public Map<String, Double> metrics() {
            Metric m = headline().get(0);
            Map<String, Double> out = new LinkedHashMap<>();
            out.put("pass_rate", m.value());
            out.put("pass_rate_stderr", m.stderr());
            out.put("n", (double) checks.size());
            return out;
        }

        @Override
        public Object details() {
            return checks;
        }
    }

    /** Judges one continuation against a check (pure; the pass rule in one place). */
    public static CheckResult judge(GenerationCheck check, String continuation, int generatedTokens) {
        String haystack = continuation.toLowerCase(Locale.ROOT);
        List<String> missing = new ArrayList<>();
        for (String e : check.expect()) {
            if (!haystack.contains(e.toLowerCase(Locale.ROOT))) {
                missing.add(e);
            }
        }
        Boolean regexMatched = null;
        if (check.regex() != null && !check.regex().isEmpty()) {
            regexMatched = compile(check.regex()).matcher(continuation).find();
        }
        boolean passed = missing.isEmpty() && (regexMatched == null || regexMatched);
        return new CheckResult(
                check.prompt(),
                check.expect(),
                check.regex(),
                continuation,
                generatedTokens,
                missing,
                regexMatched,
                passed);
    }

    private static com.google.re2j.Pattern compile(String regex) {
        try {
            return UserPatterns.compile(regex);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("generation check regex: " + e.getMessage());
        }
    }

    /** Checks from a JSONL file, one {@code {prompt, expect: [..], regex}} per line. */
    public static List<GenerationCheck> readChecks(Path file) {
        List<String> lines = Benchmark.lines(file);
        List<GenerationCheck> checks = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            if (lines.get(i).isBlank()) {
                continue;
            }
            GenerationCheck c;
            try {
                c = Json.mapper().readValue(lines.get(i), GenerationCheck.class);
            } catch (JsonProcessingException e) {
                throw new BenchmarkFormatException(
                        file, i + 1, "not a generation check {prompt, expect, regex}: " + e.getOriginalMessage());
            }
            if (c.prompt() == null) {
                throw new BenchmarkFormatException(file, i + 1, "prompt is missing");
            }
            if (c.regex() != null && UserPatterns.problem(c.regex()) != null) {
                throw new BenchmarkFormatException(
                        file, i + 1, "regex '" + c.regex() + "' " + UserPatterns.problem(c.regex()));
            }
            checks.add(c);
        }
        return checks;
    }

    public static Run run(EvalModel model, List<GenerationCheck> checks, int maxTokens) {
        DjlRuntime.inferenceMode();
        TextTokenizer tok = model.tokenizer();
        Generation generation = new Generation(model.model(), tok);
        int context = model.model().config().maxPositionEmbeddings();
        List<CheckResult> results = new ArrayList<>();
        for (GenerationCheck check : checks) {
            int promptTokens = tok.encode(check.prompt(), true).length;
            // GenerationConfig counts tokens after BOS, prompt included, as run.c's -n
            int positions = Math.min(context, promptTokens - 1 + maxTokens);
            GenerationResult r = generation.generate(check.prompt(), GenerationConfig.greedy(positions));
            StringBuilder continuation = new StringBuilder();
            int[] t = r.tokens();
            for (int i = Math.max(1, r.promptTokens()); i < t.length; i++) {
                continuation.append(tok.decodePiece(t[i - 1], t[i]));
            }
            results.add(judge(check, continuation.toString(), r.generatedTokens()));
        }
        return new Run(results);
    }
}
