package dev.airlock.core.store;

import java.time.Instant;
import java.util.Collection;
import java.util.Optional;

/**
 * Airlock's durable state: the artifact index, metadata fetch state, and when each release was
 * first observed. Embedded default: {@link SqliteStateStore}. Methods block (JDBC) and must be
 * called from worker threads, never from an event loop.
 */
public interface StateStore extends AutoCloseable {

    Optional<ArtifactRecord> findArtifact(String ecosystem, String packageName, String filename);

    /** Records an artifact; the first record for these coordinates wins and is returned. */
    ArtifactRecord putArtifact(ArtifactRecord record);

    Optional<MetadataState> findMetadata(String ecosystem, String cacheKey);

    void putMetadata(MetadataState state);

    /**
     * Records that these versions of a package were present in upstream metadata at {@code now},
     * keeping the earliest observation of each.
     */
    void observeReleases(String ecosystem, String packageName, Collection<String> versions, Instant now);

    Optional<Instant> firstObserved(String ecosystem, String packageName, String version);

    /** Cheap round trip for readiness checks. */
    void ping();

    @Override
    void close();
}
