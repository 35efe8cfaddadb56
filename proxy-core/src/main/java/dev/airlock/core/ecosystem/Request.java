package dev.airlock.core.ecosystem;


/**
 * A client request as an ecosystem sees it.
 *
 * @param method  upper-case HTTP method
 * @param path    path relative to the ecosystem's mount (or the origin root), starting with "/",
 *                percent-decoded once; never contains "..", "\", control characters or "%"
 * @param query   raw query string without "?", or {@code null}
 * @param headers request headers
 * @param body    request body (only small bodies are aggregated; empty for GET and HEAD)
 */
public record Request(String method, String path, String query, RequestHeaders headers, byte[] body) {

    /** The header's value, or {@code null}; names are case-insensitive. */
    public String header(String name) {
        return headers.get(name);
    }

    public boolean isRead() {
        return method.equals("GET") || method.equals("HEAD");
    }
}
