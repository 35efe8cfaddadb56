package dev.airlock.core.store;

import java.time.Instant;
import java.util.List;

/**
 * What changed in the store that another process's caches may hold: written by the other
 * per-kind stores in the same transaction as the change itself, read by {@link ChangeFollower}.
 * Ids grow, but may become visible out of order (a PostgreSQL sequence hands out an id when a
 * transaction inserts, not when it commits); readers must not take "no row with id n yet" to
 * mean "there never will be".
 */
public interface ChangeLog {

    /** Changes with an id above {@code after}, lowest first, at most {@code limit}. */
    List<Change> changesAfter(long after, int limit);

    /** The highest id written so far, or 0. */
    long latestChange();

    /** The lowest id still kept, or 0 when none is. */
    long oldestChange();

    /** Forgets changes written before {@code before}, always keeping the newest one; returns how many. */
    int pruneChanges(Instant before);

    /** This store instance's name in the {@code origin} of the changes it writes. */
    String origin();

    /**
     * Asks to be woken when a change is written, by any process, so that a follower reads it at
     * once rather than at its next poll. A store that cannot tell (the embedded one) never wakes
     * anyone: followers poll. {@code wake} must be quick; it may run on any thread.
     */
    default void onChanges(Runnable wake) {
    }
}
