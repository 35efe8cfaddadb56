package dev.airlock.core.testing;

import java.util.ArrayList;
import java.util.List;
import java.util.function.ToLongFunction;

/** Overlap read from a fixture upstream's own record of when each request started and ended. */
public final class InFlight {

    private InFlight() {
    }

    /** The largest number of requests in flight at one moment; one ending as another starts does not overlap it. */
    public static <T> int mostAtOnce(List<T> requests, ToLongFunction<T> startNanos, ToLongFunction<T> endNanos) {
        List<long[]> edges = new ArrayList<>();
        for (T r : requests) {
            edges.add(new long[]{startNanos.applyAsLong(r), 1});
            edges.add(new long[]{endNanos.applyAsLong(r), -1});
        }
        // Ends before starts at the same instant: touching is not overlapping.
        edges.sort((x, y) -> x[0] != y[0] ? Long.compare(x[0], y[0]) : Long.compare(x[1], y[1]));
        int now = 0;
        int most = 0;
        for (long[] e : edges) {
            now += (int) e[1];
            most = Math.max(most, now);
        }
        return most;
    }
}
