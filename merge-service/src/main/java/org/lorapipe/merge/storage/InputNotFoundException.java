package org.lorapipe.merge.storage;

import org.lorapipe.contract.ErrorCodes;
import org.lorapipe.service.jobs.StageFailure;

/**
 * An object the merge needs (base model, adapter) is not in storage. The message says where it was
 * looked for and how to provide it; the outcome is {@code INPUT_NOT_FOUND}, not retriable.
 */
public final class InputNotFoundException extends StageFailure {
    public InputNotFoundException(String message) {
        super(ErrorCodes.INPUT_NOT_FOUND, message, false);
    }
}
