package dev.airlock.core.store;

import java.time.Instant;
import java.util.List;

/**
 * How much clients need one release.
 *
 * @param kind      {@link #ASKED} (its file was requested) or {@link #PASSED_OVER} (it was held while
 *                  a lower version of the same package was downloaded: what resolution skipped)
 * @param count     how many times
 * @param lastAsked when last
 * @param tokens    the names of the tokens that asked, where known (at most {@link #MAX_TOKENS})
 */
public record DemandRecord(String ecosystem, String packageName, String version, String kind, long count, Instant lastAsked,
                           List<String> tokens) {

    public static final String ASKED = "asked";
    public static final String PASSED_OVER = "passed-over";
    /** Token names kept per release: enough to say who needs it, bounded whatever the traffic. */
    public static final int MAX_TOKENS = 10;

    public DemandRecord {
        tokens = List.copyOf(tokens);
    }
}
