package dev.airlock.core.proxy;

import java.util.Locale;

/** How a response was obtained; sent as {@code X-Airlock-Cache} and counted in metrics. */
public enum CacheStatus {
    /** Served from cache, fresh. */
    HIT,
    /** Fetched from upstream now. */
    MISS,
    /** Cached copy confirmed unchanged by upstream (304). */
    REVALIDATED,
    /** Upstream failed; the cached copy was served past its freshness. */
    STALE;

    public String tag() {
        return name().toLowerCase(Locale.ROOT);
    }
}
