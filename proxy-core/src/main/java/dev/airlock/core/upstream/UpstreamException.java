package dev.airlock.core.upstream;

/**
 * The upstream could not give a usable answer. The message is safe to show to clients: it names
 * the upstream and what went wrong, never a stack trace.
 */
public final class UpstreamException extends Exception {

    /** Why, which decides the status a client gets when there is no cached copy to fall back on. */
    public enum Kind {
        /** Connection refused, reset, DNS failure, TLS failure: 502. */
        UNREACHABLE(502),
        /** Connect, read or total time exceeded: 504. */
        TIMEOUT(504),
        /** Recent failures opened the circuit; not even tried: 503. */
        COOLING_DOWN(503),
        /** A response Airlock refuses: 5xx, too large, malformed, redirect to a foreign host: 502. */
        BAD_RESPONSE(502);

        public final int status;

        Kind(int status) {
            this.status = status;
        }
    }

    private final Kind kind;

    public UpstreamException(Kind kind, String message) {
        super(message);
        this.kind = kind;
    }

    public UpstreamException(Kind kind, String message, Throwable cause) {
        super(message, cause);
        this.kind = kind;
    }

    public Kind kind() {
        return kind;
    }
}
