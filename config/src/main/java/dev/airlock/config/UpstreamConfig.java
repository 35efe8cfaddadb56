package dev.airlock.config;

import java.net.URI;
import java.time.Duration;
import java.util.List;

/**
 * How Airlock reaches one ecosystem's upstream repository and when it stops trying for a while.
 * URLs are absolute http(s) URLs that always end in "/", because relative paths are resolved
 * against them; the constructor normalises them.
 *
 * @param url              base URL of the upstream; null means not configured, and the ecosystem
 *                         discovers a default (for example from the client tool's own settings)
 * @param files            further base URLs artifacts may be downloaded from, unmodifiable
 * @param auth             credentials to present, or null for none
 * @param connectTimeout   longest wait for a connection, more than 0
 * @param readTimeout      longest silence while waiting for bytes, more than 0
 * @param totalTimeout     longest whole exchange, body included, more than 0
 * @param failureThreshold consecutive failures after which requests fail fast, 1 to 1000
 * @param coolDown         how long requests fail fast before upstream is tried again;
 *                         {@link Duration#ZERO} never fails fast
 */
public record UpstreamConfig(URI url, List<URI> files, UpstreamAuth auth, Duration connectTimeout,
        Duration readTimeout, Duration totalTimeout, int failureThreshold, Duration coolDown) {

    static final IntRange FAILURE_THRESHOLD = new IntRange(1, 1000);

    private static final UpstreamConfig EMPTY = new UpstreamConfig(null, List.of(), null, Duration.ofSeconds(10),
            Duration.ofSeconds(30), Duration.ofMinutes(10), 5, Duration.ofSeconds(30));

    public UpstreamConfig {
        if (url != null) {
            url = Checks.baseUrl("url", url);
        }
        files = files.stream().map(file -> Checks.baseUrl("files", file)).toList();
        Checks.positive("connectTimeout", connectTimeout);
        Checks.positive("readTimeout", readTimeout);
        Checks.positive("totalTimeout", totalTimeout);
        FAILURE_THRESHOLD.check("failureThreshold", failureThreshold);
        Checks.nonNegative("coolDown", coolDown);
    }

    /**
     * No URL, no extra file URLs, no credentials; connect 10s, read 30s, total 10m, fail fast
     * after 5 failures for 30s. Also what any key missing from an upstream entry falls back to.
     */
    public static UpstreamConfig empty() {
        return EMPTY;
    }

    /** This upstream with another base URL (normalised to end in "/"); null means discover it. */
    public UpstreamConfig withUrl(URI url) {
        return new UpstreamConfig(url, files, auth, connectTimeout, readTimeout, totalTimeout, failureThreshold, coolDown);
    }
}
