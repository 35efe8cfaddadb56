package dev.airlock.core.upstream;

import java.util.concurrent.Semaphore;

/**
 * How many upstream requests may be in flight at once: per upstream (one ecosystem's client,
 * {@code limits.upstreamConnections}) and for all upstreams together
 * ({@code limits.upstreamConnectionsTotal}). A request holds its place from before it connects
 * until its body is read to the end or closed, redirects included, so a cold burst of clients
 * cannot make Airlock open thousands of connections to a registry. A request that finds no place
 * waits, at most the upstream's connect timeout, then fails with 503 naming the key.
 */
public final class ConnectionCaps {

    private final int perUpstream;
    private final int total;
    private final Semaphore all;

    public ConnectionCaps(int perUpstream, int total) {
        if (perUpstream < 1 || total < 1) {
            throw new IllegalArgumentException("connection caps must be at least 1: " + perUpstream + ", " + total);
        }
        this.perUpstream = perUpstream;
        this.total = total;
        this.all = new Semaphore(total, true);
    }

    /** The embedded defaults: 32 per upstream, 128 in all. */
    public static ConnectionCaps defaults() {
        return new ConnectionCaps(32, 128);
    }

    int perUpstream() {
        return perUpstream;
    }

    Semaphore all() {
        return all;
    }

    /** Upstream requests in flight now, over all upstreams (a gauge). */
    public int inFlight() {
        return total - all.availablePermits();
    }
}
