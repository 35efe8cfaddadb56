package dev.airlock.core.proxy;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;

/**
 * At most one piece of work per key at a time: the first caller does it on its own thread,
 * callers arriving meanwhile wait for the same result instead of starting their own upstream
 * fetch. Work runs in the caller's thread (never queued on a pool), so a worker that waits here
 * always waits on a worker that is already running: no pool-exhaustion deadlock.
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
        CompletableFuture<V> mine = new CompletableFuture<>();
        CompletableFuture<V> leader = inFlight.putIfAbsent(key, mine);
        if (leader != null) {
            onJoin.run();
            try {
                return leader.get();
            } catch (ExecutionException e) {
                throw rethrowable(e.getCause());
            }
        }
        try {
            V v = work.run();
            mine.complete(v);
            return v;
        } catch (Throwable t) {
            mine.completeExceptionally(t);
            throw rethrowable(t);
        } finally {
            inFlight.remove(key, mine);
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
