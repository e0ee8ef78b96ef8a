package org.lorapipe.cli.sweep;

import picocli.CommandLine.Command;

/** {@code lora sweep}: submit a sweep, watch it fill in, pull its report. */
@Command(
        name = "sweep",
        mixinStandardHelpOptions = true,
        description = {
            "Many runs from one request: a base training request, the settings to try (a grid over request"
                    + " fields, or a list of overrides) and the seeds to try each with. The sweep-service"
                    + " publishes one training request per run, follows them and writes a report with a row per"
                    + " setting (mean and spread over seeds) and charts (docs/CONTRACT.md, \"Sweeps\").",
        },
        subcommands = {SweepSubmitCommand.class, SweepWatchCommand.class, SweepReportCommand.class},
        footerHeading = "%nExamples:%n",
        footer = {
            "  lora sweep submit examples/article/rank.json",
            "  lora sweep watch article-rank",
            "  lora sweep report article-rank ./rank-report",
        })
public final class SweepCommand {}
