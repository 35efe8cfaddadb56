package dev.airlock.core.store.sql;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Arrays;
import java.util.List;

/**
 * Versioned schema migrations: {@code dev/airlock/core/store/<dialect folder>/V<n>__<name>.sql}
 * on the class path, applied in order, each in its own transaction, and recorded in
 * {@code schema_version}. A store whose version is above the newest known was written by a newer
 * release and is refused.
 */
public final class Migrations {

    /** Known migrations, in order. A schema change adds a file per dialect and a line here. */
    static final List<String> FILES = List.of("V1__initial.sql", "V2__file_facts.sql", "V3__file_digests.sql", "V4__metadata_source.sql",
            "V5__policy.sql", "V6__content_facts.sql", "V7__registry_keys.sql", "V8__signer_pins.sql", "V9__admin.sql",
            "V10__signer_keys.sql", "V11__release_times.sql", "V12__demand.sql", "V13__changes_outbox.sql",
            "V14__fetch_leases.sql");

    private Migrations() {
    }

    /** The newest schema version this build knows. */
    public static int latest() {
        return FILES.size();
    }

    /** The schema version of the store on {@code conn}, 0 when it has none. */
    public static int current(Connection conn) throws SQLException {
        try (Statement st = conn.createStatement()) {
            st.execute("CREATE TABLE IF NOT EXISTS schema_version (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at BIGINT NOT NULL)");
        }
        try (Statement st = conn.createStatement(); ResultSet rs = st.executeQuery("SELECT coalesce(max(version), 0) FROM schema_version")) {
            return rs.next() ? rs.getInt(1) : 0;
        }
    }

    /** Applies the migrations the store lacks. */
    public static void migrate(Connection conn, SqlDialect dialect) throws SQLException {
        int current = current(conn);
        if (current > latest()) {
            throw new SQLException("the state store has schema version " + current + " but this Airlock knows only " + latest()
                    + "; it was written by a newer release");
        }
        for (int v = current + 1; v <= latest(); v++) {
            String name = FILES.get(v - 1);
            String sql = read(dialect.migrations() + "/" + name);
            dialect.begin(conn);
            try (Statement st = conn.createStatement()) {
                for (String stmt : statements(sql)) {
                    st.execute(stmt);
                }
                try (PreparedStatement ps = conn.prepareStatement("INSERT INTO schema_version VALUES (?, ?, ?)")) {
                    ps.setInt(1, v);
                    ps.setString(2, name);
                    ps.setLong(3, System.currentTimeMillis());
                    ps.executeUpdate();
                }
                conn.commit();
            } catch (SQLException e) {
                conn.rollback();
                throw new SQLException("migration " + name + " failed: " + e.getMessage(), e);
            } finally {
                conn.setAutoCommit(true);
            }
        }
    }

    private static String read(String name) {
        try (InputStream in = Migrations.class.getResourceAsStream("/dev/airlock/core/store/" + name)) {
            if (in == null) {
                throw new IllegalStateException("migration " + name + " is missing from the class path");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The statements of a migration file: comment lines dropped, split at semicolons. */
    static String[] statements(String sql) {
        StringBuilder sb = new StringBuilder();
        for (String line : sql.split("\n")) {
            if (!line.strip().startsWith("--")) {
                sb.append(line).append('\n');
            }
        }
        return Arrays.stream(sb.toString().split(";")).map(String::strip).filter(s -> !s.isEmpty()).toArray(String[]::new);
    }
}
