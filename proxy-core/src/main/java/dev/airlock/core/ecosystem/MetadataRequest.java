package dev.airlock.core.ecosystem;

import java.util.Map;
import java.util.Objects;

/**
 * One metadata document the core should fetch, cache and render.
 *
 * @param packageName     the package's canonical name (also what the artifact index is keyed by)
 * @param variant         which rendering of the package (e.g. npm's "full" and "abbreviated"); each
 *                        variant is cached and revalidated on its own
 * @param upstreamPath    path relative to the upstream base, without a leading "/"
 * @param upstreamHeaders extra headers for the upstream request (e.g. Accept)
 */
public record MetadataRequest(String packageName, String variant, String upstreamPath, Map<String, String> upstreamHeaders) {

    public MetadataRequest {
        Objects.requireNonNull(packageName, "packageName");
        Objects.requireNonNull(variant, "variant");
        Objects.requireNonNull(upstreamPath, "upstreamPath");
        upstreamHeaders = Map.copyOf(upstreamHeaders);
    }

    /** The key this document is cached under, unique within one ecosystem. */
    public String cacheKey() {
        return variant + ":" + packageName;
    }
}
