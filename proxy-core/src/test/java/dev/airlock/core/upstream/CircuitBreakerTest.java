package dev.airlock.core.upstream;

import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** After repeated failures the upstream is not asked for a cool-down; time is moved, not slept. */
class CircuitBreakerTest {

    private static final class MutableClock extends Clock {
        Instant now = Instant.parse("2026-01-01T00:00:00Z");

        @Override
        public ZoneOffset getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    }

    @Test
    void opensAfterThresholdAndClosesAfterCoolDown() {
        // Three consecutive failures open it for 30 s; a success in between resets the count.
        MutableClock clock = new MutableClock();
        CircuitBreaker b = new CircuitBreaker(3, Duration.ofSeconds(30), clock);
        b.failure();
        b.failure();
        b.success();
        b.failure();
        b.failure();
        assertTrue(b.allow());
        b.failure();
        assertFalse(b.allow());
        assertTrue(b.isOpen());
        clock.now = clock.now.plusSeconds(29);
        assertFalse(b.allow());
        clock.now = clock.now.plusSeconds(2);
        assertTrue(b.allow(), "one trial after the cool-down");
        assertFalse(b.allow(), "only one: the others keep failing fast while it runs");
        b.failure();
        assertFalse(b.allow(), "the trial request failed: open again");
        clock.now = clock.now.plusSeconds(31);
        assertTrue(b.allow());
        b.success();
        assertTrue(b.allow());
        assertTrue(b.allow(), "closed again: everyone goes through");
        assertThrows(IllegalArgumentException.class, () -> new CircuitBreaker(0, Duration.ZERO, clock));
    }

    @Test
    void aTrialThatEndsWithoutAnAnswerGivesItsSlotBack() {
        // A trial request that was refused before reaching upstream (redirect to a foreign host, interrupt) must
        // not keep the slot, or the circuit would never close again.
        MutableClock clock = new MutableClock();
        CircuitBreaker b = new CircuitBreaker(1, Duration.ofSeconds(30), clock);
        b.failure();
        clock.now = clock.now.plusSeconds(31);
        CircuitBreaker.Permit trial = b.acquire();
        assertEquals(CircuitBreaker.Permit.TRIAL, trial);
        assertNull(b.acquire());
        b.release(trial);
        assertEquals(CircuitBreaker.Permit.TRIAL, b.acquire(), "the next request is the trial");
        b.success();
        assertEquals(CircuitBreaker.Permit.NORMAL, b.acquire());
        b.release(CircuitBreaker.Permit.NORMAL);
        assertEquals(CircuitBreaker.Permit.NORMAL, b.acquire());
    }
}
