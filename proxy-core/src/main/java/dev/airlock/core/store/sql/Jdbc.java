package dev.airlock.core.store.sql;

import dev.airlock.core.store.StateStoreException;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.locks.ReentrantLock;

/**
 * How a state store's per-kind stores reach the database, and the unit of work over it.
 *
 * <p>Connections come from a {@link Connections} source: SQLite's is one connection under one
 * lock (one writer at a time is all SQLite allows), PostgreSQL's a pool. {@link #inTransaction}
 * opens a transaction on the first call of a thread and joins it on nested calls, so a store
 * method that writes two tables and a caller that groups several store methods (a decision and
 * its audit entry) both get all-or-nothing without knowing about each other. Statements outside
 * a transaction borrow a connection for that statement only. A failure anywhere inside rolls
 * the outermost transaction back.
 *
 * <p>The per-kind stores in this package take a {@code Jdbc} and a {@link SqlDialect}; none of
 * them opens or closes connections.
 */
public final class Jdbc {

    /** Where connections come from: each {@link #acquire} is paired with a {@link #release}. */
    public interface Connections {
        Connection acquire() throws SQLException;

        void release(Connection conn);

        void close();
    }

    /** Binds a statement's parameters. */
    @FunctionalInterface
    public interface Binder {
        void bind(PreparedStatement ps) throws SQLException;
    }

    /** Binds one row of a batch. */
    @FunctionalInterface
    public interface RowBinder<T> {
        void bind(PreparedStatement ps, T row) throws SQLException;
    }

    /** Reads the current row of a result. */
    @FunctionalInterface
    public interface Mapper<T> {
        T map(ResultSet rs) throws SQLException;
    }

    /** Work on the connection that may throw SQL errors. */
    @FunctionalInterface
    public interface Work<T> {
        T run(Connection conn) throws SQLException;
    }

    /** A thread's open transaction: its connection and how deep calls are nested in it. */
    private static final class Transaction {
        final Connection conn;
        int depth = 1;

        Transaction(Connection conn) {
            this.conn = conn;
        }
    }

    private final Connections connections;
    private final SqlDialect dialect;
    private final ThreadLocal<Transaction> open = new ThreadLocal<>();

    public Jdbc(Connections connections, SqlDialect dialect) {
        this.connections = connections;
        this.dialect = dialect;
    }

    /** One connection shared under a lock (SQLite: a transaction holds the lock until it ends). */
    public static Connections single(Connection conn) {
        ReentrantLock lock = new ReentrantLock();
        return new Connections() {
            @Override
            public Connection acquire() {
                lock.lock();
                return conn;
            }

            @Override
            public void release(Connection c) {
                lock.unlock();
            }

            @Override
            public void close() {
                lock.lock();
                try {
                    conn.close();
                } catch (SQLException ignored) {
                    // closing at shutdown: nothing left to do with the error
                } finally {
                    lock.unlock();
                }
            }
        };
    }

    public SqlDialect dialect() {
        return dialect;
    }

    /** Runs {@code work} on this thread's transaction, or on a connection borrowed for it alone. */
    public <T> T locked(Work<T> work) {
        Transaction t = open.get();
        if (t != null) {
            return run(work, t.conn);
        }
        Connection conn = acquire();
        try {
            return run(work, conn);
        } finally {
            connections.release(conn);
        }
    }

    private static <T> T run(Work<T> work, Connection conn) {
        try {
            return work.run(conn);
        } catch (SQLException e) {
            throw new StateStoreException(e.getMessage(), e);
        }
    }

    private Connection acquire() {
        try {
            return connections.acquire();
        } catch (SQLException e) {
            throw new StateStoreException("cannot reach the state store: " + e.getMessage(), e);
        }
    }

    /**
     * Runs {@code work} in a transaction: this thread's open one if there is one, else a new one
     * committed at the end, or rolled back when {@code work} throws.
     */
    public <T> T inTransaction(Work<T> work) {
        Transaction t = open.get();
        if (t != null) {
            t.depth++;
            try {
                return run(work, t.conn);
            } finally {
                t.depth--;
            }
        }
        Connection conn = acquire();
        open.set(new Transaction(conn));
        try {
            T result;
            try {
                dialect.begin(conn);
                result = work.run(conn);
                // Ends the transaction with a commit and nothing after it (a driver's commit() may
                // begin the next transaction at once, taking the write lock again for nothing).
                conn.setAutoCommit(true);
            } catch (SQLException | RuntimeException | Error e) {
                rollback(conn, e);
                restoreAutoCommit(conn, e);
                if (e instanceof SQLException sql) {
                    throw new StateStoreException(sql.getMessage(), sql);
                }
                if (e instanceof RuntimeException re) {
                    throw re;
                }
                throw (Error) e;
            }
            return result;
        } finally {
            open.remove();
            connections.release(conn);
        }
    }

    private static void restoreAutoCommit(Connection conn, Throwable cause) {
        try {
            conn.setAutoCommit(true);
        } catch (SQLException e) {
            cause.addSuppressed(e);
        }
    }


    private static void rollback(Connection conn, Throwable cause) {
        try {
            conn.rollback();
        } catch (SQLException e) {
            cause.addSuppressed(e);
        }
    }

    /** Rows of a query. */
    public <T> List<T> query(String sql, Binder bind, Mapper<T> map) {
        return locked(c -> {
            try (PreparedStatement ps = c.prepareStatement(sql)) {
                bind.bind(ps);
                List<T> out = new ArrayList<>();
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        out.add(map.map(rs));
                    }
                }
                return out;
            }
        });
    }

    /** The first row of a query, if any. */
    public <T> Optional<T> first(String sql, Binder bind, Mapper<T> map) {
        return locked(c -> {
            try (PreparedStatement ps = c.prepareStatement(sql)) {
                bind.bind(ps);
                try (ResultSet rs = ps.executeQuery()) {
                    return rs.next() ? Optional.ofNullable(map.map(rs)) : Optional.empty();
                }
            }
        });
    }

    /** Runs one statement; the number of rows it changed. */
    public int update(String sql, Binder bind) {
        return locked(c -> {
            try (PreparedStatement ps = c.prepareStatement(sql)) {
                bind.bind(ps);
                return ps.executeUpdate();
            }
        });
    }

    /** One statement for many rows, all or none. */
    public <T> void batch(String sql, Collection<T> rows, RowBinder<T> bind) {
        if (rows.isEmpty()) {
            return;
        }
        inTransaction(c -> {
            try (PreparedStatement ps = c.prepareStatement(sql)) {
                for (T row : rows) {
                    bind.bind(ps, row);
                    ps.addBatch();
                }
                ps.executeBatch();
            }
            return null;
        });
    }

    /** Inserts one row and returns the key the database gave it. */
    public long insertReturningKey(String sql, String keyColumn, Binder bind) {
        return locked(c -> {
            try (PreparedStatement ps = dialect.prepareReturningKey(c, sql, keyColumn)) {
                bind.bind(ps);
                ps.executeUpdate();
                try (ResultSet keys = ps.getGeneratedKeys()) {
                    if (!keys.next()) {
                        throw new SQLException("the database returned no key for: " + sql);
                    }
                    return keys.getLong(1);
                }
            }
        });
    }

    public static Instant instant(ResultSet rs, int column) throws SQLException {
        long v = rs.getLong(column);
        return rs.wasNull() ? null : Instant.ofEpochMilli(v);
    }

    public static void setInstant(PreparedStatement ps, int column, Instant value) throws SQLException {
        if (value == null) {
            ps.setNull(column, Types.BIGINT);
        } else {
            ps.setLong(column, value.toEpochMilli());
        }
    }

    /** Closes the connections (SQLite's waits for the statement under way). */
    public void close() {
        connections.close();
    }
}
