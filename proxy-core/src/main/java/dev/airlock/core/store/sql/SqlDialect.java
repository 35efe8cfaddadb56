package dev.airlock.core.store.sql;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Instant;
import java.util.Arrays;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * What differs between the databases a state store runs on: how a write transaction starts,
 * how one writer at a time appends to a chained table, how an insert reports its key, how a row
 * is inserted unless present, and where the dialect's migrations live. The per-kind stores write
 * everything else in the SQL both databases read alike.
 */
public interface SqlDialect {

    /** The folder of migrations under {@code dev/airlock/core/store/}, such as {@code migrations}. */
    String migrations();

    /** Starts a transaction meant to write. */
    void begin(Connection conn) throws SQLException;

    /**
     * Within a transaction: waits until no other writer, in this process or another, may append
     * to {@code table} (or hold any other {@code key}); held until the transaction ends. Chained
     * tables (the audit log) take it before reading their last row.
     */
    void lockForAppend(Connection conn, String table) throws SQLException;

    /** A prepared insert whose generated {@code keyColumn} {@code getGeneratedKeys()} returns first. */
    PreparedStatement prepareReturningKey(Connection conn, String sql, String keyColumn) throws SQLException;

    /** {@code INSERT ... } that does nothing when a row with the same key exists. */
    default String insertIgnore(String table, String columns, String keyColumns) {
        return "INSERT INTO " + table + " (" + columns + ") VALUES (" + placeholders(columns) + ") ON CONFLICT (" + keyColumns
                + ") DO NOTHING";
    }

    /** {@code INSERT ... } that replaces the non-key columns of a row with the same key (SQLite and PostgreSQL spell it alike). */
    default String upsert(String table, String columns, String keyColumns) {
        Set<String> keys = names(keyColumns).collect(Collectors.toSet());
        String updates = names(columns).filter(c -> !keys.contains(c)).map(c -> c + "=excluded." + c).collect(Collectors.joining(", "));
        return "INSERT INTO " + table + " (" + columns + ") VALUES (" + placeholders(columns) + ") ON CONFLICT (" + keyColumns
                + ") DO " + (updates.isEmpty() ? "NOTHING" : "UPDATE SET " + updates);
    }

    /**
     * What ends a {@code SELECT} of rows a transaction is about to claim: rows other writers hold
     * are skipped rather than waited for. Empty where one write transaction excludes the others.
     */
    String forUpdateSkipLocked();

    /** The larger of two SQL expressions. */
    String greatest(String a, String b);

    /**
     * The database's own time, where processes on several machines share it (the audit log's
     * times come from one clock); empty where the caller's clock is the only one (SQLite).
     */
    default Optional<Instant> clock(Connection conn) throws SQLException {
        return Optional.empty();
    }

    /**
     * Within the transaction that wrote a change-log entry: announces it to other processes on
     * commit, where the database can (PostgreSQL's NOTIFY). Nothing by default: followers poll.
     */
    default void announceChange(Connection conn) throws SQLException {
    }

    /** The names of a comma-separated column list. */
    static Stream<String> names(String columns) {
        return Arrays.stream(columns.split(",")).map(String::strip);
    }

    /** One {@code ?} per column of a comma-separated list. */
    static String placeholders(String columns) {
        return names(columns).map(c -> "?").collect(Collectors.joining(","));
    }
}
