package dev.airlock.core.proxy;

/**
 * A request that ends in an error the client should see: the status and a message that says
 * what happened and, where it can, what to do. Never carries a stack trace to the client.
 */
public final class ProxyException extends Exception {

    private final int status;

    public ProxyException(int status, String message) {
        super(message);
        this.status = status;
    }

    public ProxyException(int status, String message, Throwable cause) {
        super(message, cause);
        this.status = status;
    }

    public int status() {
        return status;
    }
}
