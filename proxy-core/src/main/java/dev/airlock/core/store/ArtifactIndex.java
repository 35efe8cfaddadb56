package dev.airlock.core.store;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The cached files: which bytes (by digest) stand for which file of which package.
 * Part of {@link StateStore}; methods block (JDBC) and run on worker threads.
 */
public interface ArtifactIndex {

    Optional<ArtifactRecord> findArtifact(String ecosystem, String packageName, String filename);

    /** Records an artifact; the first record for these coordinates wins and is returned. */
    ArtifactRecord putArtifact(ArtifactRecord record);

    /** Replaces the record for these coordinates (its blob is gone and other verified bytes take its place). */
    void replaceArtifact(ArtifactRecord record);

    /** Every cached file of a package, derived files included. */
    List<ArtifactRecord> artifacts(String ecosystem, String packageName);

    /** Every package with at least one cached file, as (ecosystem, package). */
    List<Map.Entry<String, String>> cachedPackages();

    /**
     * Every indexed file with the last time a client asked for its release (its version's
     * demand), or when it was first stored if none has: least recently used first.
     */
    List<StoredFile> filesByLastUse();

    /** One indexed file, for cache bounds and garbage collection. */
    record StoredFile(String ecosystem, String packageName, String version, String filename, String sha256, long size,
                      java.time.Instant lastUse) {
    }
}
