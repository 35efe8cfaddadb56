package dev.airlock.core.proxy;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;

/**
 * At most one piece of work per key at a time: the first caller does it on its own thread,
 * callers arriving meanwhile wait for the same result instead of starting their own upstream
 * fetch. Work runs in the caller's thread (never queued on a pool), so a worker that waits here
 * always waits on a worker that is already running: no pool-exhaustion deadlock. A request on a
 * worker running under {@link Parking} does not wait at all: it parks, giving its thread back, and
 * takes the leader's outcome when it is run again.
 */
final class SingleFlight<K, V> {

    /** Blocking work that may fail. */
    interface Work<V> {
        V run() throws Exception;
    }

    private final ConcurrentHashMap<K, CompletableFuture<V>> inFlight = new ConcurrentHashMap<>();

    /**
     * Does {@code work} for {@code key}, or waits for the call already doing it.
     *
     * @param onJoin called when this caller joined another's work
     */
    V run(K key, Work<V> work, Runnable onJoin) throws Exception {
        Parking parking = Parking.current();
        if (parking != null) {
            CompletableFuture<V> settled = parking.takeSettled(this, key);
            if (settled != null) {
                return outcome(settled);
            }
        }
        CompletableFuture<V> mine = new CompletableFuture<>();
        CompletableFuture<V> leader = inFlight.putIfAbsent(key, mine);
        if (leader != null) {
            onJoin.run();
            if (parking != null && parking.mayPark() && !leader.isDone()) {
                throw parking.park(this, key, leader);
            }
            return outcome(leader);
        }
        if (parking != null) {
            parking.lead();
        }
        try {
            V v = work.run();
            mine.complete(v);
            return v;
        } catch (Throwable t) {
            mine.completeExceptionally(t);
            throw rethrowable(t);
        } finally {
            if (parking != null) {
                parking.led();
            }
            inFlight.remove(key, mine);
        }
    }

    private static <V> V outcome(CompletableFuture<V> flight) throws Exception {
        try {
            return flight.get();
        } catch (ExecutionException e) {
            throw rethrowable(e.getCause());
        }
    }

    private static Exception rethrowable(Throwable t) {
        if (t instanceof Exception e) {
            return e;
        }
        if (t instanceof Error err) {
            throw err;
        }
        return new IllegalStateException(t);
    }
}
