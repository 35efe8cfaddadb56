package dev.airlock.core.ecosystem;

import java.util.Set;

/**
 * What the core should do with a request. Sealed: the core's dispatcher handles every kind.
 */
public sealed interface Route {

    /** Serve a package's metadata document, cached and revalidated by the core. */
    record Metadata(MetadataRequest request) implements Route {
    }

    /**
     * Serve one artifact file of a package. The core finds its upstream URL and expected digest
     * through the package's metadata ({@link PackageMetadata#artifact}), downloads and verifies it
     * once, and serves it from the blob store afterwards.
     *
     * <p>{@code likelyPath}, when the ecosystem knows where such files usually are (relative to the
     * upstream base; npm's {@code <name>/-/<file>}), lets the core start the download while the
     * metadata is still on its way: the bytes are used only if the metadata then names that URL,
     * and are verified against its digest like any other. Null when only the metadata can tell.
     */
    record Artifact(MetadataRequest metadata, String filename, String likelyPath) implements Route {

        /** A file whose upstream URL only its metadata can tell. */
        public Artifact(MetadataRequest metadata, String filename) {
            this(metadata, filename, null);
        }
    }

    /**
     * Serve a file addressed by its upstream path, verified against the digests upstream
     * publishes for it (a Maven repository's artifacts). Absent upstream answers are remembered
     * for {@code upstreams.<id>.notFoundTtl}.
     */
    record File(FileRequest request) implements Route {
    }

    /**
     * Serve the hex digest of a {@link File} as a checksum file (Maven's {@code .sha1}):
     * computed from the bytes Airlock serves, so it always matches them. The file is fetched
     * first if it is not cached.
     */
    record FileDigest(FileRequest file, String algorithm) implements Route {
    }

    /**
     * Serve the hex digest of a metadata document's rendering for this client (the checksum file
     * of a re-rendered {@code maven-metadata.xml}).
     */
    record MetadataDigest(MetadataRequest request, String algorithm) implements Route {
    }

    /**
     * Proxy a small request to the upstream unchanged (keys, search, audit): not cached, bodies
     * bounded, only to the ecosystem's own upstream.
     *
     * @param upstreamPath path and query relative to the upstream base, without a leading "/"
     * @param headers      names of the client's request headers to forward (lower case); the
     *                     protocol knows which ones carry meaning (e.g. the body's encoding)
     */
    record Passthrough(String upstreamPath, Set<String> headers) implements Route {
        public Passthrough {
            headers = Set.copyOf(headers);
        }
    }

    /** Answer at once with an error the client should see. */
    record Reject(int status, String message) implements Route {
    }

    /** Redirect the client (name normalisation). */
    record Redirect(String location) implements Route {
    }
}
