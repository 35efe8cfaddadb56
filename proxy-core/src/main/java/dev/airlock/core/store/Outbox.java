package dev.airlock.core.store;

import java.time.Instant;
import java.util.Collection;
import java.util.List;

/**
 * Notifications waiting to be delivered, written in the same transaction as what they tell of
 * (a decision, a verdict). A process delivering them claims rows for a lease and renews it while
 * it works; a process that dies leaves its claims to expire, and another (or the next start)
 * delivers them again: at least once, never lost.
 */
public interface Outbox {

    /** Adds a message; joins the caller's transaction. */
    long enqueue(String payload, Instant at);

    /**
     * Claims up to {@code limit} undelivered messages nobody holds (or whose claim ran out) for
     * {@code owner} until {@code until}, oldest first.
     */
    List<OutboxMessage> claim(String owner, Instant now, Instant until, int limit);

    /** Extends {@code owner}'s claims on these messages. */
    void renew(String owner, Collection<Long> ids, Instant until);

    /** Marks a message delivered (or given up on): it is not claimed again. */
    void complete(long id, Instant at);

    /** Messages not yet completed. */
    long undelivered();

    /** Forgets completed messages older than {@code before}; returns how many. */
    int pruneOutbox(Instant before);
}
