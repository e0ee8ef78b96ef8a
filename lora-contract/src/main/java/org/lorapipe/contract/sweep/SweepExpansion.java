package org.lorapipe.contract.sweep;

import java.util.List;
import org.lorapipe.contract.request.TrainingRequest;

/**
 * A checked sweep request: its plan, and the training request of every run (every default filled in),
 * in run order.
 */
public record SweepExpansion(SweepPlan plan, List<TrainingRequest> requests) {
    public SweepExpansion {
        requests = List.copyOf(requests);
        if (requests.size() != plan.runs().size()) {
            throw new IllegalArgumentException("one request per run: " + requests.size() + " requests for "
                    + plan.runs().size() + " runs");
        }
    }
}
