package org.lorapipe.cli;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.lorapipe.testkit.TestData;
import org.lorapipe.tuning.bench.BenchConfig;
import org.lorapipe.tuning.bench.TrainingBenchmark;
import picocli.CommandLine;

class BenchCommandTest {

    private static TrainingBenchmark.Options parse(String... args) {
        CommandLine.ParseResult pr = LoraCommand.commandLine().parseArgs(args);
        Object command = pr.subcommand().subcommand().commandSpec().userObject();
        return ((BenchCommand.Training) command).run.resolve();
    }

    @Test
    void theReadmeFormParses() {
        assertThat(parse("bench", "training", "--only", "100m", "--steps", "4", "--repeats", "2"))
                .isEqualTo(new TrainingBenchmark.Options("100m", 4, 1, 2, 1, null, BenchConfig.ALL_CONFIGS));
    }

    @Test
    void theOlderFormAfterADoubleDashMeansTheSame() {
        assertThat(parse("bench", "training", "--", "--only", "100m", "--steps", "4"))
                .isEqualTo(parse("bench", "training", "--only", "100m", "--steps", "4"));
    }

    @Test
    void configurationsAreChosenByKey() {
        assertThat(parse("bench", "training", "--only", "100m", "--configs", "lora-qv,full")
                        .configs())
                .containsExactly(BenchConfig.LORA_QV, BenchConfig.FULL_FT);
        Cli.Run run = Cli.run("bench", "training", "--only", "100m", "--configs", "lora-xyz");
        assertThat(run.code()).isEqualTo(2);
        assertThat(run.err()).contains("no benchmark configuration 'lora-xyz'").contains("qlora-all");
    }

    @Test
    void aWrongModelIsAUsageProblem() {
        Cli.Run run = Cli.run("bench", "training", "--only", "7b");
        assertThat(run.code()).isEqualTo(2);
        assertThat(run.err()).contains("--only takes stories or 100m, got '7b'");
    }

    @Test
    void compareWithoutPyTorchSaysHowToInstallIt() {
        Cli.Run run = Cli.run("bench", "compare", "--only", "100m", "--python", "/nonexistent/python3");
        assertThat(run.code()).isEqualTo(2);
        assertThat(run.err())
                .contains("/nonexistent/python3 does not exist")
                .contains("apt-get install -y python3-torch libopenblas0-pthread");
    }

    @Test
    void evalScoresArcWithTheModelFromTheTestData() {
        Cli.Run run = Cli.run(
                "bench",
                "eval",
                "--stories",
                TestData.dir("models/stories260K").toString(),
                "--file",
                TestData.file("eval/arc/ARC-Easy-Dev.jsonl").toString(),
                "--items",
                "12",
                "--items-100m",
                "0",
                "--threads",
                "1",
                "--batches",
                "4");
        assertThat(run.code()).as(run.err()).isZero();
        assertThat(run.out()).containsPattern("stories260K +threads=1 batch= 4 +12 items .* tokens/s .* acc 0\\.\\d+");
    }

    @Test
    void evalWithoutAnArcFileSaysWhatToPass() {
        Cli.Run run = Cli.run("bench", "eval", "--file", "/nonexistent/arc.jsonl");
        assertThat(run.code()).isEqualTo(2);
        assertThat(run.err()).contains("no ARC file at /nonexistent/arc.jsonl: pass --file");
    }
}
