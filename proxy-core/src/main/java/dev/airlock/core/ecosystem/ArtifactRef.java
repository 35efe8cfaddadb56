package dev.airlock.core.ecosystem;

import java.net.URI;
import java.util.Objects;

/**
 * Where an artifact file comes from and what its bytes must hash to.
 *
 * @param version     the release it belongs to
 * @param filename    the file name clients ask for
 * @param upstreamUrl absolute URL found in metadata; the core fetches it only from the
 *                    ecosystem's configured hosts
 * @param expected    the digest upstream metadata declares; bytes that do not match are never served
 * @param contentType the media type to serve it with
 */
public record ArtifactRef(String version, String filename, URI upstreamUrl, Digest expected, String contentType) {

    public ArtifactRef {
        Objects.requireNonNull(version, "version");
        Objects.requireNonNull(filename, "filename");
        Objects.requireNonNull(upstreamUrl, "upstreamUrl");
        Objects.requireNonNull(expected, "expected");
        Objects.requireNonNull(contentType, "contentType");
    }
}
