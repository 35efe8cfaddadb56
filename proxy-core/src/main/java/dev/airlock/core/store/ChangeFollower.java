package dev.airlock.core.store;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;

/**
 * Reads the {@link ChangeLog} and hands each change written by another store instance to a
 * listener, exactly once, in id order as far as they are visible.
 *
 * <p>Ids may commit out of order: a transaction that took id 7 may commit after one that took
 * id 8. So the follower keeps a low-water mark (every id at or below it was handed on or given
 * up) and the ids above it already handed on. An id missing above the mark is a gap: it is
 * waited for up to {@code gapTimeout} (a transaction still open), then given up (one that rolled
 * back and left its id unused, as a PostgreSQL sequence does). Each poll reads from the mark, so
 * a change that commits late inside the timeout is still seen.
 *
 * <p>When the log no longer holds the mark (pruned while this process was not looking), what the
 * listener's caches hold cannot be told apart from what changed: {@code resync} is called to drop
 * everything, and following resumes at the newest change. The log always keeps its newest entry
 * ({@link ChangeLog#pruneChanges}), so its ids never start again below a follower's mark.
 *
 * <p>Not thread-safe: one scheduled task calls {@link #poll}.
 */
public final class ChangeFollower {

    /** How many changes one poll reads at most. */
    static final int BATCH = 1000;

    private final ChangeLog log;
    private final Clock clock;
    private final Duration gapTimeout;
    private final Consumer<Change> listener;
    private final Runnable resync;
    private long low;
    private final Set<Long> seen = new HashSet<>();
    private final Map<Long, Instant> gaps = new HashMap<>();
    /** Whether a poll has run: before it, ids the log pruned were never this process's to see. */
    private boolean started;

    /** Starts after the newest change: what happened before is in the store, which caches read on first use. */
    public ChangeFollower(ChangeLog log, Clock clock, Duration gapTimeout, Consumer<Change> listener, Runnable resync) {
        this(log, log.latestChange(), clock, gapTimeout, listener, resync);
    }

    /**
     * Starts after change {@code from}: the newest change before the caller's caches first read
     * the store (a change made meanwhile is handed on, at worst to a cache that has it already).
     */
    public ChangeFollower(ChangeLog log, long from, Clock clock, Duration gapTimeout, Consumer<Change> listener, Runnable resync) {
        this.log = log;
        this.clock = clock;
        this.gapTimeout = gapTimeout;
        this.listener = listener;
        this.resync = resync;
        this.low = from;
    }

    /** The low-water mark: every change at or below it was handed on or given up. */
    public long position() {
        return low;
    }

    /** Ids above the mark not seen yet and still waited for. */
    public int gaps() {
        return gaps.size();
    }

    /** Reads what is new and hands it on; returns how many changes were handed on. */
    public int poll() {
        long oldest = log.oldestChange();
        if (started && oldest > low + 1 && !seen.contains(oldest)) {
            // The log was pruned past the mark: changes were lost to this follower.
            low = log.latestChange();
            seen.clear();
            gaps.clear();
            resync.run();
            return 0;
        }
        // On the first look, ids between the mark (the newest change when this process started)
        // and the oldest visible one were not pruned in that moment: they are transactions still
        // open (PostgreSQL gives ids out before commit) or rolled back, waited for as gaps below.
        started = true;
        int handed = 0;
        long max = low;
        long after = low;
        while (true) {
            List<Change> batch = log.changesAfter(after, BATCH);
            for (Change c : batch) {
                max = Math.max(max, c.id());
                if (!seen.contains(c.id())) {
                    if (!log.origin().equals(c.origin())) {
                        // Marked seen only once handed on: a listener that fails (the store down
                        // for a moment) gets the same change on the next poll.
                        listener.accept(c);
                        handed++;
                    }
                    seen.add(c.id());
                    gaps.remove(c.id());
                }
            }
            if (batch.size() < BATCH) {
                break;
            }
            after = batch.get(batch.size() - 1).id();
        }
        Instant now = clock.instant();
        for (long id = low + 1; id < max; id++) {
            if (!seen.contains(id)) {
                gaps.putIfAbsent(id, now);
            }
        }
        // Advance over what was seen and over gaps waited for long enough.
        while (true) {
            long next = low + 1;
            if (seen.remove(next)) {
                low = next;
                continue;
            }
            Instant since = gaps.get(next);
            if (since != null && !now.isBefore(since.plus(gapTimeout))) {
                gaps.remove(next);
                low = next;
                continue;
            }
            break;
        }
        return handed;
    }
}
