package dev.airlock.core.store;

/** The state store failed (disk full, database locked too long, corrupt file). */
public final class StateStoreException extends RuntimeException {
    public StateStoreException(String message, Throwable cause) {
        super(message, cause);
    }
}
