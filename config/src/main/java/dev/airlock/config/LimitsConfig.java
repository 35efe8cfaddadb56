package dev.airlock.config;

/**
 * What hostile input may cost at most (docs/LIMITS.md): sizes Airlock reads into memory and the
 * upstream traffic a page may set off.
 *
 * @param metadataSize    largest upstream metadata document read, in bytes
 * @param pomSize         largest POM read for inspection, in bytes; a larger one is held unread
 * @param probesPerPage   size probes (HEAD to upstream) one page refresh may start, 0 to 100000
 * @param probesPerSecond size probes per second to one upstream, 1 to 100000
 */
public record LimitsConfig(long metadataSize, long pomSize, int probesPerPage, int probesPerSecond) {

    // Before DEFAULTS: static fields initialise in order, and the constructor checks with these.
    static final IntRange PROBES_PER_PAGE = new IntRange(0, 100_000);
    static final IntRange PROBES_PER_SECOND = new IntRange(1, 100_000);

    public static final LimitsConfig DEFAULTS = new LimitsConfig(256L << 20, 16L << 20, 100, 20);

    public LimitsConfig {
        if (metadataSize < 1024) {
            throw new IllegalArgumentException("metadataSize: at least 1KiB");
        }
        if (pomSize < 1024) {
            throw new IllegalArgumentException("pomSize: at least 1KiB");
        }
        PROBES_PER_PAGE.check("probesPerPage", probesPerPage);
        PROBES_PER_SECOND.check("probesPerSecond", probesPerSecond);
    }
}
