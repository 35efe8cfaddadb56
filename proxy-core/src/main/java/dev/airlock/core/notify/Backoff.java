package dev.airlock.core.notify;

import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.ThreadLocalRandom;

/** How long a webhook delivery waits before it is tried again. */
@FunctionalInterface
public interface Backoff {

    /** The wait before retry number {@code retry}, counted from 1; never negative. */
    Duration delay(int retry);

    /**
     * {@code base} doubling with each retry up to {@code cap}, with "equal jitter": the wait is
     * between half of that and all of it, so webhooks that failed together do not retry together.
     */
    static Backoff exponential(Duration base, Duration cap) {
        Objects.requireNonNull(base, "base");
        Objects.requireNonNull(cap, "cap");
        if (base.isNegative() || base.isZero() || cap.compareTo(base) < 0) {
            throw new IllegalArgumentException("backoff: base must be above 0 and cap at least base: got base '" + base
                    + "', cap '" + cap + "'");
        }
        long baseNanos = base.toNanos();
        long capNanos = cap.toNanos();
        return retry -> {
            int doublings = Math.max(0, Math.min(retry - 1, 62));
            long full = baseNanos > capNanos >> doublings ? capNanos : baseNanos << doublings;
            long half = full / 2;
            return Duration.ofNanos(half + ThreadLocalRandom.current().nextLong(full - half + 1));
        };
    }

    /** 1 second doubling up to 5 minutes, with jitter: the production default. */
    static Backoff standard() {
        return exponential(Duration.ofSeconds(1), Duration.ofMinutes(5));
    }
}
