package dev.airlock.core.upstream;

import java.util.EnumMap;
import java.util.Map;

/**
 * What one client request waited for upstream, for its access-log line: the requests made on
 * the thread answering it, by kind, with their count and time until headers. Kept per thread,
 * as a logging context is: the worker that answers a request opens a trace, the upstream client
 * adds to the thread's trace if there is one, and work on other threads (signatures fetched
 * beside a download) is not counted here. Not for metrics: those count every request.
 */
public final class UpstreamTrace {

    private static final ThreadLocal<UpstreamTrace> CURRENT = new ThreadLocal<>();

    private final Map<UpstreamKind, long[]> byKind = new EnumMap<>(UpstreamKind.class);

    private UpstreamTrace() {
    }

    /** Opens a trace on this thread (replacing any left over) and returns it. */
    public static UpstreamTrace open() {
        UpstreamTrace t = new UpstreamTrace();
        CURRENT.set(t);
        return t;
    }

    /** Closes this thread's trace. */
    public static void close() {
        CURRENT.remove();
    }

    static void record(UpstreamKind kind, long nanos) {
        UpstreamTrace t = CURRENT.get();
        if (t != null) {
            long[] v = t.byKind.computeIfAbsent(kind, k -> new long[2]);
            v[0]++;
            v[1] += nanos;
        }
    }

    /** Nothing was asked upstream. */
    public boolean isEmpty() {
        return byKind.isEmpty();
    }

    /** "document 1/35ms file 2/120ms": per kind, requests and their time until headers. */
    public String summary() {
        StringBuilder b = new StringBuilder();
        byKind.forEach((kind, v) -> b.append(b.length() == 0 ? "" : " ").append(kind.tag()).append(' ').append(v[0]).append('/')
                .append(v[1] / 1_000_000).append("ms"));
        return b.toString();
    }
}
