package org.lorapipe.service.storage;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.LongConsumer;
import org.lorapipe.contract.ErrorCodes;
import org.lorapipe.service.jobs.StageFailure;

/**
 * What a stage checks before it downloads a model: its size against {@code lora.limits.model-bytes}
 * (the request's fault: INVALID_INPUT) and against the free space of the work folder (the replica's:
 * INFRASTRUCTURE, retriable, since another replica or a later attempt may have the room). Both are
 * known from the listing, so nothing is downloaded in vain.
 */
public final class DownloadBudget {
    private DownloadBudget() {}

    /**
     * The check for a model folder of {@code what} going to {@code dir}.
     *
     * @param room how many times the download's size the work folder must hold (the merge writes a
     *     merged copy beside the base, up to twice its size: 3)
     */
    public static LongConsumer forModel(String what, long maxBytes, Path dir, int room) {
        return bytes -> {
            if (bytes > maxBytes) {
                throw new StageFailure(
                        ErrorCodes.INVALID_INPUT,
                        what + " has " + bytes + " bytes, more than the " + maxBytes
                                + " a stage downloads (lora.limits.model-bytes): use a smaller model, or raise the"
                                + " limit and give the services the disk and memory for it",
                        false);
            }
            long need;
            try {
                need = Math.multiplyExact(bytes, room);
            } catch (ArithmeticException e) {
                need = Long.MAX_VALUE;
            }
            requireRoom(dir, need, what);
        };
    }

    /** Fails with INFRASTRUCTURE when the file system of {@code dir} has fewer than {@code bytes} free. */
    public static void requireRoom(Path dir, long bytes, String what) {
        long usable = usableSpace(dir);
        if (bytes > usable) {
            throw new StageFailure(
                    ErrorCodes.INFRASTRUCTURE,
                    what + " needs " + bytes + " bytes of scratch space in " + dir + " but only " + usable
                            + " are free: free space there, or point the stage's work-dir setting"
                            + " (lora.dataset|trainer|eval|merge.work-dir) at a larger disk",
                    true);
        }
    }

    private static long usableSpace(Path dir) {
        Path existing = dir.toAbsolutePath();
        while (existing != null && !Files.exists(existing)) {
            existing = existing.getParent();
        }
        if (existing == null) {
            return Long.MAX_VALUE; // nothing to ask: the download itself will say what is wrong
        }
        try {
            return Files.getFileStore(existing).getUsableSpace();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the free space of " + existing, e);
        }
    }
}
