package dev.airlock.core.trust;

/**
 * Why Sigstore material does not verify. The message is a sentence for a security reviewer: it
 * ends up in the quarantine queue and the 403 body, so it names what failed, not a stack frame.
 */
public final class VerificationException extends Exception {

    public VerificationException(String message) {
        super(message);
    }

    public VerificationException(String message, Throwable cause) {
        super(message, cause);
    }
}
