package org.lorapipe.cli.sweep;

import java.io.IOException;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.lorapipe.cli.Endpoints;
import org.lorapipe.cli.SubmitCommand;
import org.lorapipe.cli.UsageProblem;
import org.lorapipe.contract.Topics;
import org.lorapipe.contract.json.Json;
import org.lorapipe.contract.request.InvalidRequestException;
import org.lorapipe.contract.request.NotJsonException;
import org.lorapipe.contract.sweep.SweepExpansion;
import org.lorapipe.contract.sweep.SweepParser;
import org.lorapipe.contract.sweep.SweepSetting;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code lora sweep submit FILE}: checks the sweep with the sweep-service's own parser (every run's request
 * included), prints its settings, then publishes it on {@code lora.sweep.requested}.
 */
@Command(
        name = "submit",
        mixinStandardHelpOptions = true,
        description = "Check a sweep request locally (every run's request too), then publish it; prints the sweepId.")
public final class SweepSubmitCommand implements Callable<Integer> {
    @Parameters(paramLabel = "SWEEP.json", description = "The sweep request (docs/CONTRACT.md, \"Sweeps\").")
    Path file;

    @Option(names = "--sweep-id", paramLabel = "ID", description = "Override the file's sweepId.")
    String sweepId;

    @Option(names = "--dry-run", description = "Only check it and print its settings and runs.")
    boolean dryRun;

    @Option(
            names = "--max-runs",
            paramLabel = "N",
            description = "Refuse more runs than this, as the sweep-service does (lora.sweep.max-runs; default"
                    + " ${DEFAULT-VALUE}).")
    int maxRuns = SweepParser.DEFAULT_MAX_RUNS;

    @Mixin
    Endpoints endpoints;

    @Override
    public Integer call() throws IOException {
        String json = SubmitCommand.readJson(file, "sweep request", "sweepId", sweepId);
        SweepExpansion sweep;
        try {
            sweep = new SweepParser(endpoints.bucket(), maxRuns).parse(json);
        } catch (InvalidRequestException | NotJsonException e) {
            throw new UsageProblem(file + ": " + e.getMessage());
        }
        var plan = sweep.plan();
        System.err.printf(
                "%s: %d setting(s) x %d seed(s) = %d run(s), %s-1 .. %s-%d%n",
                plan.sweepId(),
                plan.settings().size(),
                plan.seeds().size(),
                plan.runs().size(),
                plan.sweepId(),
                plan.sweepId(),
                plan.runs().size());
        for (SweepSetting s : plan.settings()) {
            System.err.printf("  %3d  %s%n", s.index(), s.label());
        }
        if (dryRun) {
            System.out.println(Json.writePretty(plan));
            return 0;
        }
        SubmitCommand.send(endpoints.kafka(), Topics.SWEEP_REQUESTED, plan.sweepId(), json);
        System.out.println(plan.sweepId());
        return 0;
    }
}
