package dev.airlock.config;

import java.time.Duration;

/**
 * How package metadata (as opposed to immutable artifacts) is cached.
 *
 * @param metadataTtl      how long fetched metadata is served without asking upstream again;
 *                         {@link Duration#ZERO} asks every time
 * @param metadataMaxBytes upper bound on the metadata held in memory, 0 or more
 */
public record CacheConfig(Duration metadataTtl, long metadataMaxBytes) {

    public CacheConfig {
        Checks.nonNegative("metadataTtl", metadataTtl);
        Checks.nonNegative("metadataMaxBytes", metadataMaxBytes);
    }
}
