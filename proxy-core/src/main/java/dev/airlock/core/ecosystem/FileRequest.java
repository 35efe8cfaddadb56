package dev.airlock.core.ecosystem;

import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A file addressed by its path in the upstream repository, not listed in any metadata document:
 * upstream publishes its digests beside it (checksum files) or in response headers. The core
 * tries each configured upstream in order, verifies every digest upstream publishes against the
 * bytes it received, and stores the file under {@code path}.
 *
 * @param packageName   what the file belongs to, for the artifact index and the logs
 * @param version       the release it belongs to
 * @param path          the path relative to each upstream base, without a leading "/"; also the
 *                      file's name in the artifact index
 * @param contentType   the media type to serve it with
 * @param sidecars      checksum files upstream may publish beside the file, fetched from the same
 *                      upstream; each one present must match, a missing one is not an error
 * @param digestHeaders response headers that carry a digest of the body (lower-case name to
 *                      algorithm), checked like sidecars; such a digest saves fetching that sidecar
 * @param served        digests to send with the file (response header name to algorithm), so that
 *                      clients can skip asking for the checksum files
 * @param governing     the document the policy decides this file's release from (a Maven
 *                      artifact's maven-metadata.xml), or null when there is none
 */
public record FileRequest(String packageName, String version, String path, String contentType, List<Sidecar> sidecars,
                          Map<String, String> digestHeaders, Map<String, String> served, MetadataRequest governing) {

    public FileRequest(String packageName, String version, String path, String contentType, List<Sidecar> sidecars,
                       Map<String, String> digestHeaders, Map<String, String> served) {
        this(packageName, version, path, contentType, sidecars, digestHeaders, served, null);
    }

    /**
     * A checksum file: {@code path + suffix} holds the hex digest of the file.
     *
     * @param algorithm the JCA name ("SHA-1", "MD5", "SHA-256", "SHA-512")
     */
    public record Sidecar(String algorithm, String suffix) {
        public Sidecar {
            Objects.requireNonNull(algorithm, "algorithm");
            Objects.requireNonNull(suffix, "suffix");
        }
    }

    public FileRequest {
        Objects.requireNonNull(packageName, "packageName");
        // governing may be null
        Objects.requireNonNull(version, "version");
        Objects.requireNonNull(path, "path");
        Objects.requireNonNull(contentType, "contentType");
        sidecars = List.copyOf(sidecars);
        digestHeaders = Map.copyOf(digestHeaders);
        served = Map.copyOf(served);
    }
}
