package dev.airlock.scaleout.postgres;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.airlock.config.StorageConfig;
import dev.airlock.core.store.sql.Jdbc;
import dev.airlock.core.store.sql.Migrations;
import dev.airlock.core.store.sql.SqlStateStore;

import org.postgresql.PGConnection;
import org.postgresql.PGNotification;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;

/**
 * The state store replicas share: PostgreSQL through a HikariCP pool of
 * {@code storage.state.postgres.poolSize} connections. A statement borrows a connection for
 * itself, a transaction for its length; nothing holds one across an upstream download.
 *
 * <p>Start-up: the schema is migrated under a session advisory lock, so replicas starting
 * together on an empty database migrate it once, and the others wait and then find it current.
 */
public final class PostgresStateStore extends SqlStateStore {

    private final HikariDataSource pool;
    private final StorageConfig.Postgres config;
    private volatile boolean closed;
    private volatile Thread listener;
    private volatile Connection listening;

    private PostgresStateStore(HikariDataSource pool, StorageConfig.Postgres config, Clock clock) {
        super(new Jdbc(connections(pool), new PostgresDialect()), clock, newOrigin());
        this.pool = pool;
        this.config = config;
    }

    /**
     * Wakes {@code wake} on every NOTIFY of a new change-log entry, from a connection of its own
     * (one per replica, outside the pool: replicas × poolSize + 1 each). Lost and made again
     * when the database goes away; each time it is made, {@code wake} runs once, for what was
     * written meanwhile. The follower's own poll stays as the fallback.
     */
    @Override
    public synchronized void onChanges(Runnable wake) {
        if (listener != null) {
            throw new IllegalStateException("one listener per store");
        }
        Thread t = new Thread(() -> listen(wake), "airlock-change-listener");
        t.setDaemon(true);
        listener = t;
        t.start();
    }

    private void listen(Runnable wake) {
        while (!closed) {
            java.util.Properties props = new java.util.Properties();
            props.setProperty("user", config.user());
            props.setProperty("password", config.password() == null ? "" : config.password());
            props.setProperty("ApplicationName", "airlock-listener");
            try (Connection c = DriverManager.getConnection(config.url(), props)) {
                listening = c;
                try (Statement st = c.createStatement()) {
                    st.execute("LISTEN " + PostgresDialect.CHANGES_CHANNEL);
                }
                PGConnection pg = c.unwrap(PGConnection.class);
                wake.run();
                while (!closed) {
                    PGNotification[] got = pg.getNotifications(1000);
                    if (got != null && got.length > 0) {
                        wake.run();
                    }
                }
            } catch (SQLException | RuntimeException e) {
                if (closed) {
                    return;
                }
                try {
                    Thread.sleep(1000); // the database is away: the poll covers meanwhile
                } catch (InterruptedException ie) {
                    return;
                }
            } finally {
                listening = null;
            }
        }
    }

    @Override
    public void close() {
        closed = true;
        Connection c = listening;
        if (c != null) {
            try {
                c.close();
            } catch (SQLException ignored) {
                // going away
            }
        }
        Thread t = listener;
        if (t != null) {
            t.interrupt();
        }
        super.close();
    }

    /**
     * Connects, migrates the schema (once across replicas) and opens the store.
     *
     * @throws IllegalStateException naming {@code storage.state.postgres} when the database
     *                               cannot be reached or its schema is newer than this release
     */
    public static PostgresStateStore open(StorageConfig.Postgres config, Clock clock) {
        HikariConfig hc = new HikariConfig();
        hc.setJdbcUrl(config.url());
        hc.setUsername(config.user());
        if (config.password() != null) {
            hc.setPassword(config.password());
        }
        hc.setMaximumPoolSize(config.poolSize());
        hc.setMinimumIdle(Math.min(2, config.poolSize()));
        hc.setPoolName("airlock-postgres");
        // A request waits this long for a connection before it fails with a clear error (503).
        hc.setConnectionTimeout(Duration.ofSeconds(5).toMillis());
        // Fail at once when the database is down at start, with the driver's reason.
        hc.setInitializationFailTimeout(Duration.ofSeconds(10).toMillis());
        hc.addDataSourceProperty("ApplicationName", "airlock");
        hc.addDataSourceProperty("tcpKeepAlive", "true");
        HikariDataSource pool;
        try {
            pool = new HikariDataSource(hc);
        } catch (RuntimeException e) {
            throw new IllegalStateException("storage.state.postgres: cannot connect to " + config.url() + ": " + rootMessage(e), e);
        }
        try {
            migrate(pool);
            return new PostgresStateStore(pool, config, clock);
        } catch (SQLException | RuntimeException e) {
            pool.close();
            throw new IllegalStateException("storage.state.postgres: cannot prepare the state store at " + config.url() + ": "
                    + rootMessage(e), e);
        }
    }

    private static void migrate(HikariDataSource pool) throws SQLException {
        try (Connection conn = pool.getConnection()) {
            try (PreparedStatement lock = conn.prepareStatement("SELECT pg_advisory_lock(?)")) {
                lock.setLong(1, PostgresDialect.MIGRATION_LOCK);
                lock.executeQuery().close();
            }
            try {
                Migrations.migrate(conn, new PostgresDialect());
            } finally {
                try (PreparedStatement unlock = conn.prepareStatement("SELECT pg_advisory_unlock(?)")) {
                    unlock.setLong(1, PostgresDialect.MIGRATION_LOCK);
                    unlock.executeQuery().close();
                }
            }
        }
    }

    private static Jdbc.Connections connections(HikariDataSource pool) {
        return new Jdbc.Connections() {
            @Override
            public Connection acquire() throws SQLException {
                return pool.getConnection();
            }

            @Override
            public void release(Connection conn) {
                try {
                    conn.close(); // back to the pool
                } catch (SQLException ignored) {
                    // the pool discards a connection it cannot take back
                }
            }

            @Override
            public void close() {
                pool.close();
            }
        };
    }

    /** Replicas share this store: a cold file is fetched under a lease (one upstream request across them). */
    @Override
    public boolean sharedByReplicas() {
        return true;
    }


    private static String rootMessage(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
        }
        return t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
    }
}
