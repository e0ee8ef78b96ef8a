package org.lorapipe.tuning.peft;

import java.util.List;
import org.lorapipe.contract.request.Problems;

/**
 * A PEFT adapter folder cannot be used: a file is missing or not what PEFT writes (unsupported
 * settings, tensors that do not pair, ranks disagreeing with {@code adapter_config.json}). The message
 * lists every problem found, naming the files and tensors; {@link #problems} has them one by one.
 * Reading the same folder again fails the same way.
 */
public final class AdapterException extends IllegalArgumentException {

    private final List<String> problems;

    public AdapterException(String context, List<String> problems) {
        super(context + ": " + Problems.join(problems));
        this.problems = List.copyOf(problems.subList(0, Math.min(problems.size(), Problems.MAX_PROBLEMS)));
    }

    public AdapterException(String message) {
        this(message, (Throwable) null);
    }

    public AdapterException(String message, Throwable cause) {
        super(message, cause);
        this.problems = List.of(message);
    }

    /** Every problem found, one sentence each. */
    public List<String> problems() {
        return problems;
    }
}
