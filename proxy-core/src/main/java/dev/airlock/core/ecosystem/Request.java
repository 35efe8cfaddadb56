package dev.airlock.core.ecosystem;

import java.util.Locale;
import java.util.Map;

/**
 * A client request as an ecosystem sees it.
 *
 * @param method  upper-case HTTP method
 * @param path    path relative to the ecosystem's mount (or the origin root), starting with "/",
 *                percent-decoded once; never contains "..", "\", control characters or "%"
 * @param query   raw query string without "?", or {@code null}
 * @param headers request headers keyed by lower-case name
 * @param body    request body (only small bodies are aggregated; empty for GET and HEAD)
 */
public record Request(String method, String path, String query, Map<String, String> headers, byte[] body) {

    public Request {
        headers = Map.copyOf(headers);
    }

    /** The header's value, or {@code null}; names are case-insensitive. */
    public String header(String name) {
        return headers.get(name.toLowerCase(Locale.ROOT));
    }

    public boolean isRead() {
        return method.equals("GET") || method.equals("HEAD");
    }
}
