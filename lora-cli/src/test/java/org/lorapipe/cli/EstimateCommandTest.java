package org.lorapipe.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.lorapipe.contract.json.Json;
import org.lorapipe.contract.request.RequestParser;
import org.lorapipe.contract.request.TrainingRequest;
import org.lorapipe.model.LlamaConfig;
import org.lorapipe.tuning.memory.ByteSize;
import org.lorapipe.tuning.memory.MemoryEstimate;
import org.lorapipe.tuning.memory.MemoryEstimator;
import org.lorapipe.tuning.memory.RunShape;

/** {@code lora estimate} on a local model folder: the table, JSON, a budget and its suggestions, the article. */
class EstimateCommandTest {

    /** A Llama config.json with room for long sequences: 8 layers of 256, vocabulary 8000. */
    static final String CONFIG = "{\"architectures\": [\"LlamaForCausalLM\"], \"hidden_size\": 256,"
            + " \"intermediate_size\": 688, \"num_hidden_layers\": 8, \"num_attention_heads\": 8,"
            + " \"num_key_value_heads\": 4, \"vocab_size\": 8000, \"max_position_embeddings\": 4096,"
            + " \"tie_word_embeddings\": true}";

    @TempDir
    Path dir;

    private Path model() throws Exception {
        Path m = Files.createDirectories(dir.resolve("model"));
        Files.writeString(m.resolve("config.json"), CONFIG);
        return m;
    }

    private Path request(String extra) throws Exception {
        return Files.writeString(
                dir.resolve("request.json"),
                "{\"requestId\": \"est-1\", \"baseModel\": \"s3://lora/models/tiny\", \"dataset\": {\"uri\":"
                        + " \"s3://lora/data/d.jsonl\", \"maxSeqLength\": 1024}" + extra + "}");
    }

    /** What the estimator itself says of the request on CONFIG. */
    private static MemoryEstimate expected(Path requestFile) throws Exception {
        TrainingRequest r = new RequestParser("lora").parse(Files.readString(requestFile));
        LlamaConfig c = LlamaConfig.fromJson(Json.mapper().readTree(CONFIG), "test");
        return new MemoryEstimator().estimate(RunShape.of(c, r));
    }

    @Test
    void printsEveryPartAndThePeakOfTheRequest() throws Exception {
        Path file = request("");
        Cli.Run run = Cli.run("estimate", "--model", model().toString(), file.toString());
        assertThat(run.code()).as(run.err()).isZero();
        MemoryEstimate e = expected(file);
        assertThat(run.out())
                .contains("Memory estimate of est-1 on " + dir.resolve("model"))
                .contains("LlamaForCausalLM: 8 layers, hidden 256")
                .contains("micro-batch 4 x 1024 tokens")
                .contains("runtime baseline (JVM + libtorch)", "base weights as held", "saved activations")
                .contains("logits of one loss chunk", "optimizer state", "freed memory kept resident")
                .contains("peak (estimate)")
                .contains("= " + ByteSize.of(e.total()));
    }

    @Test
    void jsonHasThePartsInBytesAndTheTotal() throws Exception {
        Path file = request(", \"training\": {\"gradientCheckpointing\": true}");
        Cli.Run run = Cli.run(
                "estimate", "--json", "--model", model().resolve("config.json").toString(), file.toString());
        assertThat(run.code()).as(run.err()).isZero();
        JsonNode json = Json.mapper().readTree(run.out());
        MemoryEstimate e = expected(file);
        assertThat(json.get("total").asLong()).isEqualTo(e.total());
        assertThat(json.get("plan").asText()).isEqualTo("recomputed");
        assertThat(json.get("parts").get("activations").asLong()).isEqualTo(e.activations());
        assertThat(json.get("requestId").asText()).isEqualTo("est-1");
    }

    @Test
    void overABudgetItExitsThreeWithTheSettingsThatFit() throws Exception {
        Path file = request(", \"training\": {\"microBatchSize\": 8}");
        MemoryEstimate e = expected(file);
        long budget = e.total() * 3 / 4; // between the run and what checkpointing or a smaller batch needs
        Cli.Run run =
                Cli.run("estimate", "--budget", Long.toString(budget), "--model", model().toString(), file.toString());
        assertThat(run.code()).as(run.out() + run.err()).isEqualTo(EstimateCommand.OVER_BUDGET);
        assertThat(run.out())
                .contains("Over the budget of " + ByteSize.of(budget))
                .contains("training.gradientCheckpointing: true -> ")
                .contains("training.microBatchSize: ");

        Cli.Run json = Cli.run(
                "estimate",
                "--json",
                "--budget",
                Long.toString(budget),
                "--model",
                model().toString(),
                file.toString());
        JsonNode suggestions = Json.mapper().readTree(json.out()).get("suggestions");
        assertThat(suggestions).isNotEmpty();
        suggestions.forEach(
                s -> assertThat(s.get("total").asLong()).as(s.toString()).isLessThanOrEqualTo(budget));

        Cli.Run fits = Cli.run("estimate", "--budget", "1T", "--model", model().toString(), file.toString());
        assertThat(fits.code()).isZero();
        assertThat(fits.out()).contains("Fits the budget of 1024.00 GiB");
    }

    @Test
    void sizesAreReadAsPeopleWriteThem() {
        assertThat(EstimateCommand.parseSize("8G")).isEqualTo(8L << 30);
        assertThat(EstimateCommand.parseSize("8GiB")).isEqualTo(8L << 30);
        assertThat(EstimateCommand.parseSize("512m")).isEqualTo(512L << 20);
        assertThat(EstimateCommand.parseSize("1.5G")).isEqualTo(3L << 29);
        assertThat(EstimateCommand.parseSize("4096")).isEqualTo(4096);
        assertThat(Cli.run("estimate", "--budget", "lots", "--article").err())
                .contains("--budget takes a size such as 8G");
    }

    @Test
    void badInputIsAUsageProblemThatSaysWhatToPass() throws Exception {
        assertThat(Cli.run("estimate").err()).contains("pass a request file", "--article");
        Path file = request(", \"lora\": {\"targetModules\": [\"c_attn\"]}");
        Cli.Run unknown = Cli.run("estimate", "--model", model().toString(), file.toString());
        assertThat(unknown.code()).isEqualTo(2);
        assertThat(unknown.err()).contains("c_attn", "q_proj");
        Cli.Run noModel = Cli.run(
                "estimate",
                "--model",
                dir.resolve("absent").toString(),
                request("").toString());
        assertThat(noModel.code()).isEqualTo(2);
        assertThat(noModel.err()).contains("config.json not found");
    }

    @Test
    void theArticlesRunIsSetBesideItsFigure() {
        Cli.Run run = Cli.run("estimate", "--article");
        assertThat(run.code()).isZero();
        assertThat(run.out())
                .contains("Llama 2 7B", "r=256", "17.86 GB", "Why they differ")
                .contains("  256 ", "  512 ", "  1024 ")
                .contains("Paged optimizers", "bf16");
    }

    @Test
    void helpSaysWhatItReadsAndShowsExamples() {
        Cli.Run run = Cli.run("estimate", "--help");
        assertThat(run.code()).isZero();
        assertThat(run.out())
                .contains("config.json", "--model", "--budget", "--json", "--article", "lora.trainer.memory-budget")
                .contains("lora estimate request.json --budget 8G");
    }
}
