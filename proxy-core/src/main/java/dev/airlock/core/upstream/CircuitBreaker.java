package dev.airlock.core.upstream;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;

/**
 * Fails fast after repeated upstream failures, as Verdaccio's {@code max_fails}/{@code fail_timeout}:
 * after {@code threshold} consecutive failures no request is attempted for {@code coolDown}; after
 * that exactly one request goes through as a trial (the others keep failing fast), and its
 * success closes the circuit while its failure opens it again.
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
    private boolean trialInFlight;

    public CircuitBreaker(int threshold, Duration coolDown, Clock clock) {
        if (threshold < 1) {
            throw new IllegalArgumentException("threshold must be at least 1, got " + threshold);
        }
        this.threshold = threshold;
        this.coolDown = coolDown;
        this.clock = clock;
    }

    /** Whether a request may be attempted now (see {@link #acquire()}). */
    public boolean allow() {
        return acquire() != null;
    }

    /**
     * Permission for one request, or {@code null} while failing fast. The holder reports the
     * outcome with {@link #success()} or {@link #failure()}, or, when the request ended without
     * an upstream answer to judge (refused redirect, interrupt), gives the permit back with
     * {@link #release(Permit)} so that a trial slot is never lost.
     */
    public synchronized Permit acquire() {
        if (clock.instant().isBefore(openUntil)) {
            return null;
        }
        if (consecutiveFailures >= threshold) {
            if (trialInFlight) {
                return null;
            }
            trialInFlight = true;
            return Permit.TRIAL;
        }
        return Permit.NORMAL;
    }

    /** Gives back a permit whose request was neither a success nor a failure of the upstream. */
    public synchronized void release(Permit permit) {
        if (permit == Permit.TRIAL) {
            trialInFlight = false;
        }
    }

    /** What {@link #acquire()} grants: an ordinary request, or the single trial after a cool-down. */
    public enum Permit {
        NORMAL, TRIAL
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
        trialInFlight = false;
    }

    public synchronized void failure() {
        trialInFlight = false;
        consecutiveFailures++;
        if (consecutiveFailures >= threshold) {
            openUntil = clock.instant().plus(coolDown);
        }
    }
}
