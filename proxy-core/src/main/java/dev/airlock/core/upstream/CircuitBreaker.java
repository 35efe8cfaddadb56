package dev.airlock.core.upstream;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;

/**
 * Fails fast after repeated upstream failures, as Verdaccio's {@code max_fails}/{@code fail_timeout}:
 * after {@code threshold} consecutive failures no request is attempted for {@code coolDown}; the
 * first request after that is a trial whose success closes the circuit again.
 *
 * <p>Not a lock-free masterpiece on purpose: it is consulted once per upstream request, which
 * already costs a network round trip.
 */
public final class CircuitBreaker {

    private final int threshold;
    private final Duration coolDown;
    private final Clock clock;
    private int consecutiveFailures;
    private Instant openUntil = Instant.MIN;

    public CircuitBreaker(int threshold, Duration coolDown, Clock clock) {
        if (threshold < 1) {
            throw new IllegalArgumentException("threshold must be at least 1, got " + threshold);
        }
        this.threshold = threshold;
        this.coolDown = coolDown;
        this.clock = clock;
    }

    /** Whether a request may be attempted now. */
    public synchronized boolean allow() {
        return !clock.instant().isBefore(openUntil);
    }

    public synchronized Instant openUntil() {
        return openUntil;
    }

    public synchronized boolean isOpen() {
        return clock.instant().isBefore(openUntil);
    }

    public synchronized void success() {
        consecutiveFailures = 0;
        openUntil = Instant.MIN;
    }

    public synchronized void failure() {
        consecutiveFailures++;
        if (consecutiveFailures >= threshold) {
            openUntil = clock.instant().plus(coolDown);
        }
    }
}
