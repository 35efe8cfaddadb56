package dev.airlock.core.ecosystem;

import java.util.Map;

/**
 * A rendered metadata document. The array is owned by the core afterwards and never changed.
 *
 * @param headers further response headers the protocol defines for the document (npm's
 *                {@code npm-notice}, which the npm client prints); single-line values
 */
public record Rendered(byte[] body, String contentType, Map<String, String> headers) {

    public Rendered {
        headers = Map.copyOf(headers);
    }

    public Rendered(byte[] body, String contentType) {
        this(body, contentType, Map.of());
    }
}
