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
 * @param alternates       further upstreams tried in order after {@code url} when it lacks a
 *                         path or fails (written as {@code url: [first, second, ...]}), unmodifiable
 * @param files            further base URLs artifacts may be downloaded from, unmodifiable
 * @param auth             credentials to present, or null for none
 * @param connectTimeout   longest wait for a connection, more than 0
 * @param readTimeout      longest silence while waiting for bytes, more than 0
 * @param totalTimeout     longest whole exchange, body included, more than 0
 * @param failureThreshold consecutive failures after which requests fail fast, 1 to 1000
 * @param coolDown         how long requests fail fast before upstream is tried again;
 *                         {@link Duration#ZERO} never fails fast
 * @param notFoundTtl      how long a file upstream answered 404 for is answered 404 without asking
 *                         again (repositories that clients probe, such as Maven's); zero never remembers
 * @param snapshots        whether mutable snapshot versions are proxied (Maven's {@code -SNAPSHOT});
 *                         ecosystems without them ignore it
 */
public record UpstreamConfig(URI url, List<URI> alternates, List<URI> files, UpstreamAuth auth, Duration connectTimeout,
        Duration readTimeout, Duration totalTimeout, int failureThreshold, Duration coolDown, Duration notFoundTtl,
        boolean snapshots) {

    static final IntRange FAILURE_THRESHOLD = new IntRange(1, 1000);

    private static final UpstreamConfig EMPTY = new UpstreamConfig(null, List.of(), List.of(), null, Duration.ofSeconds(10),
            Duration.ofSeconds(30), Duration.ofMinutes(10), 5, Duration.ofSeconds(30), Duration.ofMinutes(10), false);

    public UpstreamConfig {
        if (url != null) {
            url = Checks.baseUrl("url", url);
        }
        alternates = alternates.stream().map(alternate -> Checks.baseUrl("url", alternate)).toList();
        if (url == null && !alternates.isEmpty()) {
            throw new IllegalArgumentException("url: alternates need a first url");
        }
        files = files.stream().map(file -> Checks.baseUrl("files", file)).toList();
        Checks.positive("connectTimeout", connectTimeout);
        Checks.positive("readTimeout", readTimeout);
        Checks.positive("totalTimeout", totalTimeout);
        FAILURE_THRESHOLD.check("failureThreshold", failureThreshold);
        Checks.nonNegative("coolDown", coolDown);
        Checks.nonNegative("notFoundTtl", notFoundTtl);
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
        return new UpstreamConfig(url, List.of(), files, auth, connectTimeout, readTimeout, totalTimeout, failureThreshold, coolDown,
                notFoundTtl, snapshots);
    }

    /** This upstream with several base URLs, tried in order. */
    public UpstreamConfig withUrls(List<URI> urls) {
        return new UpstreamConfig(urls.get(0), urls.subList(1, urls.size()), files, auth, connectTimeout, readTimeout, totalTimeout,
                failureThreshold, coolDown, notFoundTtl, snapshots);
    }

    /** This upstream with snapshots proxied or not. */
    public UpstreamConfig withSnapshots(boolean on) {
        return new UpstreamConfig(url, alternates, files, auth, connectTimeout, readTimeout, totalTimeout, failureThreshold, coolDown,
                notFoundTtl, on);
    }
}
