package org.lorapipe.console.config;

import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;
import org.lorapipe.console.domain.RunBoard;
import org.lorapipe.contract.event.EventParser;

/** The console's read model, bounded by {@link ConsoleConfig}. */
public class ConsoleBeans {
    @Produces
    @Singleton
    RunBoard board(EventParser parser, ConsoleConfig config) {
        return new RunBoard(parser, config.maxRuns(), config.maxSweeps(), config.maxLossPoints());
    }
}
