package dev.airlock.core.store;

import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * One cached artifact file: which coordinates, which blob.
 *
 * @param upstreamDigest the digest upstream declared and the bytes matched, in SRI form; {@code null}
 *                       for a derived file, which upstream never saw, and for a file upstream
 *                       published no digest for
 * @param derivedFrom    for a file Airlock made from another cached artifact, that artifact's file
 *                       name; {@code null} for files fetched from upstream
 * @param digests        further digests of the stored bytes (JCA algorithm name to lower-case hex)
 *                       that clients may ask for as checksum files; SHA-256 is {@link #sha256()}
 */
public record ArtifactRecord(String ecosystem, String packageName, String filename, String version, String sha256,
                             long size, String contentType, String upstreamDigest, Instant firstSeen, String derivedFrom,
                             Map<String, String> digests) {

    public ArtifactRecord {
        digests = Map.copyOf(digests);
    }

    /** A file fetched from upstream. */
    public ArtifactRecord(String ecosystem, String packageName, String filename, String version, String sha256,
                          long size, String contentType, String upstreamDigest, Instant firstSeen) {
        this(ecosystem, packageName, filename, version, sha256, size, contentType, upstreamDigest, firstSeen, null, Map.of());
    }

    /** A file derived from another cached artifact. */
    public ArtifactRecord(String ecosystem, String packageName, String filename, String version, String sha256,
                          long size, String contentType, String upstreamDigest, Instant firstSeen, String derivedFrom) {
        this(ecosystem, packageName, filename, version, sha256, size, contentType, upstreamDigest, firstSeen, derivedFrom, Map.of());
    }

    /** The hex digest of the stored bytes in this algorithm, if it was computed. */
    public Optional<String> digest(String algorithm) {
        return "SHA-256".equals(algorithm) ? Optional.of(sha256) : Optional.ofNullable(digests.get(algorithm));
    }

    /** The stored form of {@code digests}: "ALG=hex" pairs separated by spaces, or null when there are none. */
    public static String encode(Map<String, String> digests) {
        if (digests.isEmpty()) {
            return null;
        }
        StringBuilder sb = new StringBuilder();
        new TreeMap<>(digests).forEach((alg, hex) -> sb.append(sb.length() == 0 ? "" : " ").append(alg).append('=').append(hex));
        return sb.toString();
    }

    /** Reads what {@link #encode} wrote. */
    public static Map<String, String> decode(String text) {
        if (text == null || text.isBlank()) {
            return Map.of();
        }
        Map<String, String> out = new TreeMap<>();
        for (String pair : text.trim().split(" ")) {
            int eq = pair.indexOf('=');
            if (eq > 0) {
                out.put(pair.substring(0, eq), pair.substring(eq + 1));
            }
        }
        return out;
    }
}
