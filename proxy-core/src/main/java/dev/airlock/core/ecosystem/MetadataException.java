package dev.airlock.core.ecosystem;

/** An upstream metadata document that is not what the protocol promises. The message is shown to clients. */
public final class MetadataException extends Exception {
    public MetadataException(String message) {
        super(message);
    }

    public MetadataException(String message, Throwable cause) {
        super(message, cause);
    }
}
