package org.lorapipe.cli;

import org.lorapipe.cli.stack.StackCommand;
import org.lorapipe.cli.sweep.SweepCommand;
import org.lorapipe.cli.watch.WatchCommand;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code lora}: the pipeline's command line (docs/CONTRACT.md, "The lora command"). */
@Command(
        name = "lora",
        mixinStandardHelpOptions = true,
        versionProvider = VersionProvider.class,
        description = {
            "Fine-tune language models with LoRA and QLoRA through a Kafka pipeline.",
            "",
            "Start with:  lora stack up   then   lora submit REQUEST.json",
        },
        subcommands = {
            DemoCommand.class,
            StackCommand.class,
            ImportCommand.class,
            UploadCommand.class,
            SubmitCommand.class,
            EstimateCommand.class,
            WatchCommand.class,
            PullCommand.class,
            SweepCommand.class,
            GenerateCommand.class,
            EvalCommand.class,
            BenchCommand.class,
            CommandLine.HelpCommand.class
        })
public final class LoraCommand {
    public static void main(String[] args) {
        System.exit(commandLine().execute(args));
    }

    /** The configured command line, also used by tests. */
    public static CommandLine commandLine() {
        CommandLine cli = new CommandLine(new LoraCommand());
        cli.setExecutionExceptionHandler((e, commandLine, parseResult) -> {
            commandLine.getErr().println(commandLine.getColorScheme().errorText("error: " + e.getMessage()));
            return e instanceof UsageProblem ? 2 : 1;
        });
        return cli;
    }
}
