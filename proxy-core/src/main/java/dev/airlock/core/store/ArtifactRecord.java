package dev.airlock.core.store;

import java.time.Instant;

/**
 * One cached artifact file: which coordinates, which blob.
 *
 * @param upstreamDigest the digest upstream declared and the bytes matched, in SRI form
 */
public record ArtifactRecord(String ecosystem, String packageName, String filename, String version, String sha256,
                             long size, String contentType, String upstreamDigest, Instant firstSeen) {
}
