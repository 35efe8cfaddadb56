package dev.airlock.core.airgap;

/** Why a bundle is refused; the message names the entry and what is wrong with it. */
public final class BundleException extends Exception {

    public BundleException(String message) {
        super(message);
    }

    public BundleException(String message, Throwable cause) {
        super(message, cause);
    }
}
