package dev.airlock.core.proxy;

import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;

/**
 * Lets a request on a worker give its thread back while another request's fetch of the same file
 * or document runs, instead of blocking a bounded pool's thread in a single-flight wait. A cold
 * burst of a hundred clients asking for one large tarball then holds one worker, not a hundred,
 * and other packages' requests are not queued behind them.
 *
 * <p>How: the server runs each attempt at a request through {@link #attempt}. When a
 * {@link SingleFlight} call on that thread finds the key already in flight, it throws
 * {@link Parked} carrying the leader's future instead of waiting. The server then frees the
 * worker and, once the future completes, runs the request again from the start; this time that
 * call takes the leader's outcome, remembered here, without asking anything. The work before
 * the call is repeated, which is why only reads may come before a single-flight call (the flow's
 * writes, demand and verdicts, come after its loads or are compare-and-set).
 *
 * <p>A thread parks only at the top of its request: never while it leads a flight itself (the
 * flight's waiters would wait for a leader that left), and never inside a task handed to another
 * pool, or run on the caller by a full one ({@link #detached}); those wait as before, which is
 * safe because they wait on a leader already running.
 */
public final class Parking {

    private static final ThreadLocal<Parking> CURRENT = new ThreadLocal<>();

    /** Outcomes of flights this request parked on, taken once by the call that asks again. */
    private final Map<Flight, CompletableFuture<?>> settled = new HashMap<>();
    private int leading;

    private record Flight(Object flights, Object key) {
    }

    /**
     * Thrown by a single-flight call to unwind a parked request to the worker's top. An
     * {@link Error} on purpose: the code it unwinds through catches {@link Exception} to turn
     * failures into answers, and must not turn this into one. It never reaches a client.
     */
    public static final class Parked extends Error {
        private final transient CompletableFuture<?> awaited;

        Parked(CompletableFuture<?> awaited) {
            super("parked until another request's fetch completes", null, false, false);
            this.awaited = awaited;
        }

        /** Completes when the flight this request waits for is done, either way. */
        public CompletableFuture<?> awaited() {
            return awaited;
        }
    }

    /** Runs one attempt at the request on this thread, with parking allowed. */
    public <T> T attempt(Callable<T> work) throws Exception {
        Parking before = CURRENT.get();
        CURRENT.set(this);
        try {
            return work.call();
        } finally {
            restore(before);
        }
    }

    /** {@code task}, run with no parking on its thread (for pools, and for a full pool's caller). */
    public static Runnable detached(Runnable task) {
        return () -> {
            Parking before = CURRENT.get();
            if (before == null) {
                task.run();
                return;
            }
            CURRENT.remove();
            try {
                task.run();
            } finally {
                CURRENT.set(before);
            }
        };
    }

    private static void restore(Parking before) {
        if (before == null) {
            CURRENT.remove();
        } else {
            CURRENT.set(before);
        }
    }

    static Parking current() {
        return CURRENT.get();
    }

    @SuppressWarnings("unchecked")
    <V> CompletableFuture<V> takeSettled(Object flights, Object key) {
        return (CompletableFuture<V>) settled.remove(new Flight(flights, key));
    }

    boolean mayPark() {
        return leading == 0;
    }

    Parked park(Object flights, Object key, CompletableFuture<?> leader) {
        // Only the flight parked on now: an outcome the last run did not take (it found the file
        // cached instead) must not answer a later call, which may mean to ask upstream afresh.
        settled.clear();
        settled.put(new Flight(flights, key), leader);
        return new Parked(leader);
    }

    void lead() {
        leading++;
    }

    void led() {
        leading--;
    }
}
