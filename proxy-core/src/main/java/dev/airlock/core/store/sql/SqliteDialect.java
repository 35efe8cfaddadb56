package dev.airlock.core.store.sql;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Arrays;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * SQLite: the connection is opened in {@code IMMEDIATE} transaction mode, so every write
 * transaction takes the database's one write lock when it begins. Two processes on one file (the
 * server and the command line) then never both read the audit log's last row before either has
 * appended, and {@link #lockForAppend} has nothing left to do.
 */
public final class SqliteDialect implements SqlDialect {

    @Override
    public String migrations() {
        return "migrations";
    }

    @Override
    public void begin(Connection conn) throws SQLException {
        conn.setAutoCommit(false);
    }

    @Override
    public void lockForAppend(Connection conn, String table) {
        // The IMMEDIATE transaction holds the database's write lock already.
    }

    @Override
    public PreparedStatement prepareReturningKey(Connection conn, String sql, String keyColumn) throws SQLException {
        return conn.prepareStatement(sql, Statement.RETURN_GENERATED_KEYS);
    }

    @Override
    public String insertIgnore(String table, String columns, String keyColumns) {
        return "INSERT OR IGNORE INTO " + table + " (" + columns + ") VALUES (" + placeholders(columns) + ")";
    }

    @Override
    public String upsert(String table, String columns, String keyColumns) {
        Set<String> keys = names(keyColumns).collect(Collectors.toSet());
        String updates = names(columns).filter(c -> !keys.contains(c)).map(c -> c + "=excluded." + c).collect(Collectors.joining(", "));
        return "INSERT INTO " + table + " (" + columns + ") VALUES (" + placeholders(columns) + ") ON CONFLICT (" + keyColumns
                + ") DO " + (updates.isEmpty() ? "NOTHING" : "UPDATE SET " + updates);
    }

    @Override
    public String forUpdateSkipLocked() {
        return "";
    }

    @Override
    public String greatest(String a, String b) {
        return "max(" + a + ", " + b + ")";
    }

    static Stream<String> names(String columns) {
        return Arrays.stream(columns.split(",")).map(String::strip);
    }

    static String placeholders(String columns) {
        return names(columns).map(c -> "?").collect(Collectors.joining(","));
    }
}
