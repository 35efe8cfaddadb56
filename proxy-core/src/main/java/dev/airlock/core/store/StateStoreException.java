package dev.airlock.core.store;

import java.sql.SQLException;
import java.sql.SQLNonTransientConnectionException;
import java.sql.SQLTransientConnectionException;

/** The state store failed (disk full, database locked too long, corrupt file, a database out of reach). */
public final class StateStoreException extends RuntimeException {

    public StateStoreException(String message, Throwable cause) {
        super(message, cause);
    }

    /**
     * Whether the database could not be reached at all (a network cut, a server stopped, a pool
     * with no connection to give), as opposed to a statement it refused: clients are told to come
     * back (503), not that Airlock failed.
     */
    public boolean unreachable() {
        for (Throwable t = getCause(); t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof SQLTransientConnectionException || t instanceof SQLNonTransientConnectionException) {
                return true;
            }
            // SQLSTATE class 08: connection exception; 57P0x: the server is shutting down or restarting.
            if (t instanceof SQLException sql && sql.getSQLState() != null
                    && (sql.getSQLState().startsWith("08") || sql.getSQLState().startsWith("57P"))) {
                return true;
            }
        }
        return false;
    }
}
