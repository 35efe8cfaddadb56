package dev.airlock.core.store;

import java.time.Instant;

/**
 * One cached artifact file: which coordinates, which blob.
 *
 * @param upstreamDigest the digest upstream declared and the bytes matched, in SRI form; {@code null}
 *                       for a derived file, which upstream never saw
 * @param derivedFrom    for a file Airlock made from another cached artifact, that artifact's file
 *                       name; {@code null} for files fetched from upstream
 */
public record ArtifactRecord(String ecosystem, String packageName, String filename, String version, String sha256,
                             long size, String contentType, String upstreamDigest, Instant firstSeen, String derivedFrom) {

    /** A file fetched from upstream. */
    public ArtifactRecord(String ecosystem, String packageName, String filename, String version, String sha256,
                          long size, String contentType, String upstreamDigest, Instant firstSeen) {
        this(ecosystem, packageName, filename, version, sha256, size, contentType, upstreamDigest, firstSeen, null);
    }
}
