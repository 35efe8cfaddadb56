package dev.airlock.core.upstream;

import java.util.EnumMap;
import java.util.Map;

/**
 * What one client request waited for upstream, for its access-log line: the requests made while
 * answering it, by kind, with their count and time until headers. Kept per thread, as a logging
 * context is: the worker that answers a request opens a trace, the upstream client adds to the
 * thread's trace if there is one, and work the request hands to other threads (a release's files
 * read at the same time, signatures fetched beside a download) carries it along through
 * {@link #wrap}. Not for metrics: those count every request.
 */
public final class UpstreamTrace {

    private static final ThreadLocal<UpstreamTrace> CURRENT = new ThreadLocal<>();

    private final Map<UpstreamKind, long[]> byKind = new EnumMap<>(UpstreamKind.class);

    private UpstreamTrace() {
    }

    /** A trace not yet on any thread: for a request that may be answered over several attempts. */
    public static UpstreamTrace create() {
        return new UpstreamTrace();
    }

    /** Makes {@code trace} this thread's, until {@link #close}. */
    public static void enter(UpstreamTrace trace) {
        CURRENT.set(trace);
    }

    /** Closes this thread's trace. */
    public static void close() {
        CURRENT.remove();
    }

    static void record(UpstreamKind kind, long nanos) {
        UpstreamTrace t = CURRENT.get();
        if (t != null) {
            synchronized (t) {
                long[] v = t.byKind.computeIfAbsent(kind, k -> new long[2]);
                v[0]++;
                v[1] += nanos;
            }
        }
    }

    /**
     * {@code task}, run with the submitting thread's trace (if it has one) as the running thread's,
     * and the running thread's own trace put back after: so a pool that runs a task on the caller
     * when it is full leaves the caller's trace as it was.
     */
    public static Runnable wrap(Runnable task) {
        UpstreamTrace t = CURRENT.get();
        if (t == null) {
            return task;
        }
        return () -> {
            UpstreamTrace before = CURRENT.get();
            CURRENT.set(t);
            try {
                task.run();
            } finally {
                if (before == null) {
                    CURRENT.remove();
                } else {
                    CURRENT.set(before);
                }
            }
        };
    }

    /** Nothing was asked upstream. */
    public synchronized boolean isEmpty() {
        return byKind.isEmpty();
    }

    /** "document 1/35ms file 2/120ms": per kind, requests and their time until headers. */
    public synchronized String summary() {
        StringBuilder b = new StringBuilder();
        byKind.forEach((kind, v) -> b.append(b.length() == 0 ? "" : " ").append(kind.tag()).append(' ').append(v[0]).append('/')
                .append(v[1] / 1_000_000).append("ms"));
        return b.toString();
    }
}
