package dev.airlock.core.store;

import java.time.Instant;

/**
 * What Airlock last fetched for one metadata document, so that it can revalidate
 * ({@code If-None-Match}/{@code If-Modified-Since}) and serve the stale copy when upstream fails,
 * also after a restart.
 *
 * @param bodySha256 the SHA-256 of the stored upstream body (file under {@code metadata/})
 * @param firstSeen  when Airlock first fetched this document
 */
public record MetadataState(String ecosystem, String cacheKey, String packageName, String bodySha256, String contentType,
                            String etag, String lastModified, Instant fetchedAt, Instant firstSeen) {
}
