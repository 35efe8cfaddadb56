package dev.airlock.core.store;

import java.time.Instant;

/**
 * Which process fetches a file from upstream when several serve from one state store (replicas):
 * a lease row per file, taken before the download and renewed while it runs, so that concurrent
 * misses on several replicas make one upstream request. No connection is held while the
 * download runs, and a lease of a process that died runs out on its own.
 */
public interface FetchLeases {

    /** Whether other processes serve from this store at the same time (replicas); only then are leases taken. */
    default boolean sharedByReplicas() {
        return false;
    }

    /**
     * Takes the lease on {@code key} for {@code holder} until {@code until}, or renews it when the
     * holder has it already.
     *
     * @return false while another holder's lease runs past {@code now}
     */
    boolean claimFetch(String key, String holder, Instant now, Instant until);

    /** Ends {@code holder}'s lease on {@code key}; nothing happens when another holder has it. */
    void releaseFetch(String key, String holder);
}
