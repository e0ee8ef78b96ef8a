package org.lorapipe.dataset.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.lorapipe.contract.json.Json;
import org.lorapipe.contract.request.DatasetFormat;
import org.lorapipe.contract.request.DatasetSpec;
import org.lorapipe.contract.request.PromptTemplate;
import org.lorapipe.dataset.domain.DatasetBuilder;
import org.lorapipe.dataset.domain.dedup.NearDuplicates;
import org.lorapipe.model.tokenizer.Llama2cTokenizer;
import org.lorapipe.model.tokenizer.TextTokenizer;
import org.lorapipe.testkit.TestData;

/**
 * Dataset stage throughput, printed (not a test): alpaca_en_demo.json replicated to about 100k records
 * (each copy tagged so it is not an exact duplicate), end to end with deduplication on (most copies are
 * then near duplicates and stop before tokenization) and off (every record templated and tokenized),
 * plus the near-duplicate stage alone. Run with {@code lora bench dataset [--records N]}, which runs:
 *
 * <pre>./mvnw -q -pl dataset-service test-compile exec:java -Dexec.classpathScope=test \
 *     -Dexec.mainClass=org.lorapipe.dataset.bench.DatasetBenchmark [-Dexec.args=100000]</pre>
 */
public final class DatasetBenchmark {
    public static void main(String[] args) throws Exception {
        int target = args.length > 0 ? Integer.parseInt(args[0]) : 100_000;
        Path data = TestData.root();
        JsonNode records = Json.mapper()
                .readTree(data.resolve("instruct/alpaca_en_demo.json").toFile());
        ByteArrayOutputStream jsonl = new ByteArrayOutputStream();
        int n = 0;
        for (int copy = 0; n < target; copy++) {
            for (JsonNode r : records) {
                if (n >= target) {
                    break;
                }
                n++;
                ObjectNode o = r.deepCopy();
                o.put("instruction", o.get("instruction").textValue() + (copy == 0 ? "" : " (variant " + copy + ")"));
                jsonl.write(Json.write(o).getBytes(StandardCharsets.UTF_8));
                jsonl.write('\n');
            }
        }
        byte[] bytes = jsonl.toByteArray();
        System.out.printf(
                "input: %,d records, %.1f MB JSONL; %d cores%n",
                n, bytes.length / 1e6, Runtime.getRuntime().availableProcessors());
        try (TextTokenizer tokenizer = Llama2cTokenizer.load(data.resolve("models/stories260K/tok512.bin"))) {
            for (boolean dedup : new boolean[] {true, false}) {
                DatasetSpec spec = new DatasetSpec(
                        "s3://lora/bench.jsonl",
                        DatasetFormat.ALPACA,
                        PromptTemplate.ALPACA,
                        1024,
                        0.05,
                        dedup,
                        true,
                        false,
                        0.85,
                        false,
                        0.1);
                Path work = Files.createTempDirectory("dataset-bench");
                long t0 = System.nanoTime();
                DatasetBuilder.Result result;
                try (InputStream in = new java.io.ByteArrayInputStream(bytes)) {
                    result = new DatasetBuilder(spec, tokenizer, work).build(in, "bench.jsonl");
                }
                double s = (System.nanoTime() - t0) / 1e9;
                var m = result.manifest();
                System.out.printf(
                        "end to end, dedup %-3s: %6.1f s  %,9.0f records/s  %,10.0f tokens/s  out %,d"
                                + " (exact dup %,d, near dup %,d, dropped %s)  peak RSS %s%n",
                        dedup ? "on" : "off",
                        s,
                        n / s,
                        (m.trainTokens() + m.validationTokens()) / s,
                        m.recordsOut(),
                        m.duplicatesExact(),
                        m.duplicatesNear(),
                        m.dropped(),
                        peakRss());
                try (var files = Files.walk(work)) {
                    files.sorted(java.util.Comparator.reverseOrder())
                            .forEach(p -> p.toFile().delete());
                }
            }
        }
        long t0 = System.nanoTime();
        int near = 0;
        try (NearDuplicates index = new NearDuplicates(0.85)) {
            for (String line : new String(bytes, StandardCharsets.UTF_8).split("\n")) {
                near += index.isDuplicateElseAdd(line) ? 1 : 0;
            }
        }
        double s = (System.nanoTime() - t0) / 1e9;
        System.out.printf(
                "near-duplicate stage alone: %,d records in %.1f s = %,.0f records/s, %,d near duplicates;"
                        + " heap used %d MB, peak RSS %s%n",
                n,
                s,
                n / s,
                near,
                (Runtime.getRuntime().totalMemory() - Runtime.getRuntime().freeMemory()) >> 20,
                peakRss());
    }

    private static String peakRss() throws Exception {
        for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
            if (line.startsWith("VmHWM:")) {
                return line.substring(6).strip();
            }
        }
        return "?";
    }
}
