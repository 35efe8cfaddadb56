package dev.airlock.core.ecosystem;

import java.util.Objects;

/**
 * How one file of a project that an ecosystem prefetched itself ({@link Prefetching#prefetchProject})
 * ended, as the ecosystem's own client saw it: cached (Airlock answered 200), refused (Airlock
 * answered another status, whose body the client library did not keep: {@code prefetch} asks
 * Airlock once more for the same path to read the verdict and its reasons), or failed for a
 * reason that is not an HTTP answer of Airlock (a version range with no match, a model that does
 * not build).
 *
 * @param artifact the file; its {@link LockedArtifact#artifactPath()} is the path asked for, or
 *                 null when the outcome is about the package rather than one file
 * @param status   200 for cached, Airlock's HTTP status for refused, 0 for failed
 * @param message  what went wrong, for refused and failed; null for cached
 */
public record PrefetchOutcome(LockedArtifact artifact, int status, String message) {

    public PrefetchOutcome {
        Objects.requireNonNull(artifact, "artifact");
        if (status != 0 && artifact.artifactPath() == null) {
            throw new IllegalArgumentException("an HTTP answer is about a file: name its path");
        }
    }

    /** Airlock served the file (200): it was checked and is in the cache. */
    public static PrefetchOutcome cached(LockedArtifact artifact) {
        return new PrefetchOutcome(artifact, 200, null);
    }

    /** Airlock answered {@code status} (403 is a hold or a denial) for the file. */
    public static PrefetchOutcome refused(LockedArtifact artifact, int status, String message) {
        if (status == 200 || status < 100 || status > 599) {
            throw new IllegalArgumentException("not a refusal: HTTP " + status);
        }
        return new PrefetchOutcome(artifact, status, message);
    }

    /** Something other than an answer of Airlock failed. */
    public static PrefetchOutcome failed(LockedArtifact artifact, String message) {
        return new PrefetchOutcome(artifact, 0, Objects.requireNonNull(message, "message"));
    }

    public boolean isCached() {
        return status == 200;
    }

    public boolean isRefused() {
        return status != 200 && status != 0;
    }
}
