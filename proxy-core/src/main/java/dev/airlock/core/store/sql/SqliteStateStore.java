package dev.airlock.core.store.sql;

import dev.airlock.core.store.FileBlobStore;
import dev.airlock.core.store.StateStore;
import dev.airlock.core.store.Storage;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.util.Properties;

/**
 * The embedded state store: one SQLite file ({@code <data>/state.db}) in WAL mode. This class
 * opens the connection and migrates the schema; {@link SqlStateStore} does the rest.
 *
 * <p>Concurrency: SQLite allows one writer at a time, so one connection guarded by a lock is
 * both simplest and as fast as a pool would be; callers keep hot lookups in memory caches so
 * that this lock is off the warm request path. Write transactions begin {@code IMMEDIATE}: a
 * second process on the same file (the command line) waits for the write lock at the start of
 * its transaction instead of failing half-way through it.
 */
public final class SqliteStateStore extends SqlStateStore {

    public SqliteStateStore(Path dataDir) {
        this(dataDir, true);
    }

    /**
     * Opens the data of a server that may be running: the schema is used as it is, never
     * migrated, so a command-line tool from another release cannot change a live store under
     * its server. A schema other than this release's is refused.
     */
    public static SqliteStateStore openExisting(Path dataDir) {
        return new SqliteStateStore(dataDir, false);
    }

    private SqliteStateStore(Path dataDir, boolean migrate) {
        super(open(dataDir, migrate), Clock.systemUTC(), newOrigin());
    }

    private static Jdbc open(Path dataDir, boolean migrate) {
        SqliteDialect dialect = new SqliteDialect();
        try {
            OwnerOnly.directory(dataDir);
            // The file holds token hashes and the audit log: owner-only, made so before SQLite
            // opens it, since SQLite gives its WAL and shared-memory files the database's mode.
            Path db = dataDir.resolve("state.db");
            OwnerOnly.file(db);
            for (String side : new String[] {"state.db-wal", "state.db-shm", "state.db-journal"}) {
                if (Files.exists(dataDir.resolve(side))) {
                    OwnerOnly.file(dataDir.resolve(side));
                }
            }
            Properties props = new Properties();
            props.setProperty("transaction_mode", "IMMEDIATE");
            Connection conn = DriverManager.getConnection("jdbc:sqlite:" + dataDir.resolve("state.db").toAbsolutePath(), props);
            try (Statement st = conn.createStatement()) {
                st.execute("PRAGMA journal_mode=WAL");
                st.execute("PRAGMA synchronous=NORMAL");
                st.execute("PRAGMA foreign_keys=ON");
                st.execute("PRAGMA busy_timeout=5000");
            }
            if (migrate) {
                Migrations.migrate(conn, dialect);
            } else {
                int version = Migrations.current(conn);
                if (version != Migrations.latest()) {
                    conn.close();
                    throw new SQLException("the data has schema version " + version + " but this Airlock release uses "
                            + Migrations.latest() + "; use the release the server runs");
                }
            }
            return new Jdbc(Jdbc.single(conn), dialect);
        } catch (SQLException | IOException e) {
            throw new IllegalStateException("cannot open the state store in " + dataDir + ": " + e.getMessage(), e);
        }
    }

    /** The embedded default storage: SQLite and local files under the data directory. */
    public static Storage embedded(Path dataDir) {
        StateStore state = new SqliteStateStore(dataDir);
        try {
            return new Storage(state, new FileBlobStore(dataDir), FileBlobStore.refetchable(dataDir, "documents", false));
        } catch (RuntimeException e) {
            state.close();
            throw e;
        }
    }

    /** The newest schema version this build knows. */
    static int latestSchemaVersion() {
        return Migrations.latest();
    }
}
