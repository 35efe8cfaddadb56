package dev.airlock.scaleout.postgres;

import dev.airlock.core.store.sql.SqlDialect;

import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;

/**
 * PostgreSQL: transactions run at READ COMMITTED, so a chained table's writers serialise on a
 * transaction-scoped advisory lock named after the table, which the database drops with the
 * transaction (a replica that dies mid-append holds nothing). Claims skip rows other replicas
 * hold ({@code FOR UPDATE SKIP LOCKED}).
 */
public final class PostgresDialect implements SqlDialect {

    /** The advisory lock key space of Airlock's locks: "AIRL" in the high half of the 64-bit key. */
    static final long LOCK_SPACE = 0x4149524CL << 32;
    /** Held while the schema is migrated: replicas starting together migrate it once. */
    static final long MIGRATION_LOCK = LOCK_SPACE | 1;

    @Override
    public String migrations() {
        return "migrations-postgres";
    }

    @Override
    public void begin(Connection conn) throws SQLException {
        conn.setAutoCommit(false);
    }

    @Override
    public void lockForAppend(Connection conn, String table) throws SQLException {
        try (PreparedStatement ps = conn.prepareStatement("SELECT pg_advisory_xact_lock(?)")) {
            ps.setLong(1, lockKey(table));
            ps.executeQuery().close();
        }
    }

    /** A stable key for a table's append lock, inside Airlock's key space. */
    static long lockKey(String table) {
        long h = 1125899906842597L;
        for (byte b : table.getBytes(StandardCharsets.UTF_8)) {
            h = 31 * h + b;
        }
        return LOCK_SPACE | (h & 0x7FFF_FFF0L) | 2;
    }

    @Override
    public PreparedStatement prepareReturningKey(Connection conn, String sql, String keyColumn) throws SQLException {
        return conn.prepareStatement(sql, new String[] {keyColumn});
    }

    /** clock_timestamp(), not now(): the time of the append, not of the transaction's start. */
    @Override
    public java.util.Optional<java.time.Instant> clock(Connection conn) throws SQLException {
        try (PreparedStatement ps = conn.prepareStatement("SELECT (extract(epoch FROM clock_timestamp()) * 1000)::bigint");
             java.sql.ResultSet rs = ps.executeQuery()) {
            rs.next();
            return java.util.Optional.of(java.time.Instant.ofEpochMilli(rs.getLong(1)));
        }
    }

    /** The channel replicas LISTEN on for new change-log entries. */
    static final String CHANGES_CHANNEL = "airlock_changes";

    /** Delivered when the transaction commits (and only then); several in one transaction arrive as one. */
    @Override
    public void announceChange(Connection conn) throws SQLException {
        try (PreparedStatement ps = conn.prepareStatement("SELECT pg_notify('" + CHANGES_CHANNEL + "', '')")) {
            ps.executeQuery().close();
        }
    }

    @Override
    public String forUpdateSkipLocked() {
        return " FOR UPDATE SKIP LOCKED";
    }

    @Override
    public String greatest(String a, String b) {
        return "GREATEST(" + a + ", " + b + ")";
    }
}
