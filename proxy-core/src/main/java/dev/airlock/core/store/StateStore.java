package dev.airlock.core.store;

import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * Airlock's durable state: the artifact index, metadata fetch state, and when each release was
 * first observed. Embedded default: {@link SqliteStateStore}. Methods block (JDBC) and must be
 * called from worker threads, never from an event loop.
 */
public interface StateStore extends AutoCloseable {

    Optional<ArtifactRecord> findArtifact(String ecosystem, String packageName, String filename);

    /** Records an artifact; the first record for these coordinates wins and is returned. */
    ArtifactRecord putArtifact(ArtifactRecord record);

    /** Replaces the record for these coordinates (its blob is gone and other verified bytes take its place). */
    void replaceArtifact(ArtifactRecord record);

    /** Every cached file of a package, derived files included. */
    List<ArtifactRecord> artifacts(String ecosystem, String packageName);

    Optional<MetadataState> findMetadata(String ecosystem, String cacheKey);

    void putMetadata(MetadataState state);

    /**
     * Records that these versions of a package were present in upstream metadata at {@code now},
     * keeping the earliest observation of each.
     */
    void observeReleases(String ecosystem, String packageName, Collection<String> versions, Instant now);

    Optional<Instant> firstObserved(String ecosystem, String packageName, String version);

    /**
     * Records that these files (name to declared digest, SRI) were listed upstream at {@code now}:
     * a new file, or a known name with a new digest, is first seen now; others keep their record.
     */
    void observeFiles(String ecosystem, String packageName, Map<String, String> integrityByFile, Instant now);

    /** What {@link #observeFiles} recorded for a package, by file name. */
    Map<String, FileObservation> observedFiles(String ecosystem, String packageName);

    /** Records upstream's answer to a size probe ({@code size} empty when it gave none). */
    void recordProbedSize(String ecosystem, String packageName, String filename, OptionalLong size, Instant at);

    /** Cheap round trip for readiness checks. */
    void ping();

    @Override
    void close();
}
