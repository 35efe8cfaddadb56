package dev.airlock.core.store.sql;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;

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
        return "INSERT OR IGNORE INTO " + table + " (" + columns + ") VALUES (" + SqlDialect.placeholders(columns) + ")";
    }

    @Override
    public String forUpdateSkipLocked() {
        return "";
    }

    @Override
    public String greatest(String a, String b) {
        return "max(" + a + ", " + b + ")";
    }
}
