package org.lorapipe.storage;

import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;

/**
 * How often and how patiently transient S3 failures are retried: exponential backoff with full
 * jitter, so many workers hitting a restarting MinIO do not retry in lock-step.
 *
 * <p>The default, 5 attempts starting at 200 ms and doubling, rides out a server restart or a
 * burst of {@code SlowDown} of about 3 s, yet a dead endpoint still fails within seconds.
 *
 * @param maxAttempts total attempts including the first (1 = no retry)
 * @param initialDelay delay before the first retry
 * @param maxDelay cap of the doubled delay
 */
public record RetryPolicy(int maxAttempts, Duration initialDelay, Duration maxDelay) {

    public static final RetryPolicy DEFAULT = new RetryPolicy(5, Duration.ofMillis(200), Duration.ofSeconds(5));
    public static final RetryPolicy NONE = new RetryPolicy(1, Duration.ZERO, Duration.ZERO);

    public RetryPolicy {
        if (maxAttempts < 1) {
            throw new IllegalArgumentException("maxAttempts must be >= 1, got " + maxAttempts);
        }
        if (initialDelay.isNegative() || maxDelay.compareTo(initialDelay) < 0) {
            throw new IllegalArgumentException(
                    "need 0 <= initialDelay <= maxDelay, got " + initialDelay + " and " + maxDelay);
        }
    }

    /**
     * The delay before attempt {@code attempt + 1} (attempt counts from 1): a random value between
     * half and all of {@code initialDelay * 2^(attempt-1)}, capped at {@code maxDelay}.
     */
    public Duration delayAfter(int attempt) {
        long base = initialDelay.toMillis() << Math.min(attempt - 1, 20);
        long capped = Math.min(base, maxDelay.toMillis());
        long jittered = capped / 2 + ThreadLocalRandom.current().nextLong(capped / 2 + 1);
        return Duration.ofMillis(jittered);
    }
}
