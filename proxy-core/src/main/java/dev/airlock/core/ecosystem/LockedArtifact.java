package dev.airlock.core.ecosystem;

import java.util.Arrays;
import java.util.Objects;

/**
 * One file a lockfile pins, as {@code prefetch} asks a running Airlock for it: the metadata
 * document clients read first, then the artifact, both through the ecosystem's own routes so
 * that the same checks as live traffic run.
 *
 * <p>Paths are URL paths relative to the ecosystem's mount ({@code /npm/}, {@code /pypi/}, ...),
 * already percent-encoded where they need to be, never starting with "/" and never containing
 * "..": the ecosystem validated the names it built them from.
 *
 * @param ecosystem      the ecosystem's {@link Ecosystem#id()}
 * @param name           the package as the lockfile names it (for reports)
 * @param version        the pinned version
 * @param metadataPath   the document clients read for this package (packument, project page,
 *                       {@code maven-metadata.xml})
 * @param artifactPath   the file, or null when the lockfile does not say which files the
 *                       version has: {@link Prefetching#lockedFiles} then names them from the
 *                       metadata
 * @param expectedDigest what the file must hash to: SRI ({@code sha512-BASE64}, several
 *                       space-separated allowed, as npm writes them) or {@code sha256:HEX}; null
 *                       when the lockfile pins none
 */
public record LockedArtifact(String ecosystem, String name, String version, String metadataPath, String artifactPath,
                             String expectedDigest) {

    /** The largest lockfile an ecosystem reads; larger ones are refused rather than parsed. */
    public static final int MAX_LOCKFILE_BYTES = 32 * 1024 * 1024;

    public LockedArtifact {
        Objects.requireNonNull(ecosystem, "ecosystem");
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(version, "version");
        Objects.requireNonNull(metadataPath, "metadataPath");
        if (unsafe(metadataPath) || (artifactPath != null && unsafe(artifactPath))) {
            throw new IllegalArgumentException("not a path below the mount: " + (unsafe(metadataPath) ? metadataPath : artifactPath));
        }
    }

    /** The same pin with its file named, as {@link Prefetching#lockedFiles} returns it. */
    public LockedArtifact withFile(String path, String digest) {
        return new LockedArtifact(ecosystem, name, version, metadataPath, path, digest);
    }

    private static boolean unsafe(String path) {
        return path.isEmpty() || path.startsWith("/") || path.contains("\\") || path.contains("://")
                || Arrays.asList(path.split("[/?]")).contains("..");
    }
}
