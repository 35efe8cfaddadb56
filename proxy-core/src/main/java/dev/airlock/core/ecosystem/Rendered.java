package dev.airlock.core.ecosystem;

/** A rendered metadata document. The array is owned by the core afterwards and never changed. */
public record Rendered(byte[] body, String contentType) {
}
