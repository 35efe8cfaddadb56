package dev.airlock.core.server;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * How many requests each client has in work (on the worker pool) at once, so that one client
 * cannot take every worker: past {@code server.maxConcurrentPerClient} it is answered 429 until
 * some of its requests finish. Non-blocking; entries go away when a client has nothing in work,
 * so memory follows the clients active right now.
 */
final class ClientLimits {

    private final int max;
    private final ConcurrentHashMap<String, AtomicInteger> inWork = new ConcurrentHashMap<>();

    ClientLimits(int max) {
        this.max = max;
    }

    /** Takes a slot for the client; false when it has {@code max} in work already. */
    boolean acquire(String client) {
        boolean[] ok = new boolean[1];
        inWork.compute(client, (k, n) -> {
            AtomicInteger c = n == null ? new AtomicInteger() : n;
            ok[0] = c.get() < max;
            if (ok[0]) {
                c.incrementAndGet();
            }
            return c.get() == 0 ? null : c;
        });
        return ok[0];
    }

    /** Gives a slot back. */
    void release(String client) {
        inWork.computeIfPresent(client, (k, n) -> n.decrementAndGet() <= 0 ? null : n);
    }

    /** Clients with requests in work (for tests and metrics). */
    int clients() {
        return inWork.size();
    }
}
