package dev.airlock.config;

/**
 * What hostile input may cost at most (docs/LIMITS.md): sizes Airlock reads into memory, the
 * shape of what it parses, and the upstream traffic a page may set off.
 *
 * @param metadataSize        largest upstream metadata document read, in bytes
 * @param pomSize             largest POM read for inspection, in bytes; a larger one is held unread
 * @param probesPerPage       size probes (HEAD to upstream) one page refresh may start, 0 to 100000
 * @param probesPerSecond     size probes per second to one upstream, 1 to 100000
 * @param jsonDepth           deepest nesting of any JSON Airlock reads from others, 16 to 1000
 * @param linksPerPage        files one PyPI project page may list, 1000 to 10000000
 * @param versionsPerDocument versions one npm packument or maven-metadata.xml may list, 1000 to 10000000
 * @param archiveSize         bytes an archive may unpack to before inspection stops (an anomaly)
 * @param archiveEntries      entries an archive may hold before inspection stops (an anomaly), 1000 to 10000000
 * @param upstreamConnections      requests in flight to one upstream at once, 1 to 10000
 * @param upstreamConnectionsTotal requests in flight to all upstreams together at once, 1 to 100000
 */
public record LimitsConfig(long metadataSize, long pomSize, int probesPerPage, int probesPerSecond, int jsonDepth,
                           int linksPerPage, int versionsPerDocument, long archiveSize, int archiveEntries,
                           int upstreamConnections, int upstreamConnectionsTotal) {

    // Before DEFAULTS: static fields initialise in order, and the constructor checks with these.
    static final IntRange PROBES_PER_PAGE = new IntRange(0, 100_000);
    static final IntRange PROBES_PER_SECOND = new IntRange(1, 100_000);
    // Jackson's own default is 1000; 16 is below nothing a real document needs but keeps typos out.
    static final IntRange JSON_DEPTH = new IntRange(16, 1000);
    static final IntRange COUNT = new IntRange(1000, 10_000_000);
    static final long MIN_SIZE = 1024;
    static final IntRange UPSTREAM_CONNECTIONS = new IntRange(1, 10_000);
    static final IntRange UPSTREAM_CONNECTIONS_TOTAL = new IntRange(1, 100_000);
    /**
     * A cold install keeps a few dozen requests in flight (npm asks 15 at a time, and each may cost
     * Airlock a document and a file or two); past that, more connections to one registry mostly
     * queue at its end, and a burst of clients must not become thousands of connections.
     */
    public static final int DEFAULT_UPSTREAM_CONNECTIONS = 32;
    public static final int DEFAULT_UPSTREAM_CONNECTIONS_TOTAL = 128;

    /**
     * The defaults sit well above the largest real documents (a packument of some 30,000 versions,
     * a project page of some 40,000 files) and archives (a wheel of 100,000 files) seen on the
     * public registries, so only a hostile or broken upstream meets them.
     */
    public static final LimitsConfig DEFAULTS = new LimitsConfig(256L << 20, 16L << 20, 100, 20, 200, 100_000, 100_000,
            1L << 30, 200_000, DEFAULT_UPSTREAM_CONNECTIONS, DEFAULT_UPSTREAM_CONNECTIONS_TOTAL);

    /** These limits with the default connection caps. */
    public LimitsConfig(long metadataSize, long pomSize, int probesPerPage, int probesPerSecond, int jsonDepth,
                        int linksPerPage, int versionsPerDocument, long archiveSize, int archiveEntries) {
        this(metadataSize, pomSize, probesPerPage, probesPerSecond, jsonDepth, linksPerPage, versionsPerDocument, archiveSize,
                archiveEntries, DEFAULT_UPSTREAM_CONNECTIONS, DEFAULT_UPSTREAM_CONNECTIONS_TOTAL);
    }

    public LimitsConfig {
        checkSize("metadataSize", metadataSize);
        checkSize("pomSize", pomSize);
        checkSize("archiveSize", archiveSize);
        PROBES_PER_PAGE.check("probesPerPage", probesPerPage);
        PROBES_PER_SECOND.check("probesPerSecond", probesPerSecond);
        JSON_DEPTH.check("jsonDepth", jsonDepth);
        COUNT.check("linksPerPage", linksPerPage);
        COUNT.check("versionsPerDocument", versionsPerDocument);
        COUNT.check("archiveEntries", archiveEntries);
        UPSTREAM_CONNECTIONS.check("upstreamConnections", upstreamConnections);
        UPSTREAM_CONNECTIONS_TOTAL.check("upstreamConnectionsTotal", upstreamConnectionsTotal);
    }

    private static void checkSize(String what, long value) {
        if (value < MIN_SIZE) {
            throw new IllegalArgumentException(what + ": at least 1KiB");
        }
    }
}
