package dev.airlock.core.store;

import java.net.URI;
import java.time.Instant;

/**
 * What Airlock last fetched for one metadata document, so that it can revalidate
 * ({@code If-None-Match}/{@code If-Modified-Since}) and serve the stale copy when upstream fails,
 * also after a restart.
 *
 * @param bodySha256 the SHA-256 of the stored upstream body (file under {@code metadata/})
 * @param firstSeen  when Airlock first fetched this document
 * @param requestedUrl the upstream URL Airlock asked (which root answered), {@code null} when unknown
 * @param documentUrl  the URL the body finally came from, after redirects, {@code null} when unknown
 */
public record MetadataState(String ecosystem, String cacheKey, String packageName, String bodySha256, String contentType,
                            String etag, String lastModified, Instant fetchedAt, Instant firstSeen, URI requestedUrl,
                            URI documentUrl) {

    /** State without its source (stores written before it was kept). */
    public MetadataState(String ecosystem, String cacheKey, String packageName, String bodySha256, String contentType,
                         String etag, String lastModified, Instant fetchedAt, Instant firstSeen) {
        this(ecosystem, cacheKey, packageName, bodySha256, contentType, etag, lastModified, fetchedAt, firstSeen, null, null);
    }

    public MetadataState withFetchedAt(Instant at) {
        return new MetadataState(ecosystem, cacheKey, packageName, bodySha256, contentType, etag, lastModified, at, firstSeen,
                requestedUrl, documentUrl);
    }
}
