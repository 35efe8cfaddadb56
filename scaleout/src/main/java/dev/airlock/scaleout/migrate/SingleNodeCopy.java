package dev.airlock.scaleout.migrate;

import dev.airlock.config.StorageConfig;
import dev.airlock.core.store.AuditChain;
import dev.airlock.core.store.AuditQuery;
import dev.airlock.core.store.AuditRecord;
import dev.airlock.core.store.FileBlobStore;
import dev.airlock.core.store.StateStore;
import dev.airlock.core.store.StorageProvider.CopyReport;
import dev.airlock.core.store.sql.Migrations;
import dev.airlock.scaleout.postgres.PostgresStateStore;
import dev.airlock.scaleout.s3.LocalBlobCache;
import dev.airlock.scaleout.s3.S3BlobStore;
import dev.airlock.scaleout.s3.S3Clients;
import software.amazon.awssdk.services.s3.S3Client;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Consumer;

/**
 * {@code storage migrate}: copies a single-node store into PostgreSQL and S3. The two schemas
 * are the same migrations in two dialects, so each table is copied column for column, all in
 * one transaction; identity columns then continue after the copied ids. Blobs and documents are
 * uploaded under their digests (checked on the way). The copy is then checked: row counts per
 * table, every indexed file and stored document in the bucket, and the audit chain walked end to
 * end in the target.
 */
public final class SingleNodeCopy {

    /** Tables the copy leaves alone: the schema's own bookkeeping. */
    private static final Set<String> SKIPPED = Set.of("schema_version", "sqlite_sequence");
    private static final int BATCH = 1000;

    private SingleNodeCopy() {
    }

    public static CopyReport run(Path data, StorageConfig target, Clock clock, Consumer<String> progress) {
        if (target.postgres() == null || target.s3() == null) {
            throw new IllegalStateException("the target configuration must set both storage.state.postgres and storage.blobs.s3");
        }
        Path db = data.resolve("state.db");
        if (!Files.isRegularFile(db)) {
            throw new IllegalStateException("no single-node Airlock data in " + data.toAbsolutePath() + " (no state.db)");
        }
        try (Connection source = DriverManager.getConnection("jdbc:sqlite:file:" + db.toAbsolutePath() + "?mode=ro");
             PostgresStateStore state = PostgresStateStore.open(target.postgres(), clock);
             S3Client client = S3Clients.of(target.s3());
             Connection sink = DriverManager.getConnection(target.postgres().url(), target.postgres().user(),
                     target.postgres().password() == null ? "" : target.postgres().password())) {
            int version = Migrations.current(source);
            if (version != Migrations.latest()) {
                throw new IllegalStateException("the single-node data has schema version " + version + " but this release uses "
                        + Migrations.latest() + ": start this release's server on it once (it migrates), stop it, then copy");
            }
            List<String> tables = tables(source);
            requireEmpty(sink, tables);
            Map<String, Long> rows = copyTables(source, sink, tables, progress);
            Path scratch = Files.createTempDirectory("airlock-migrate-");
            try {
                // Uploads pass through a small cache of their own (they are not served from here);
                // the check asks the bucket itself, through an empty one.
                LocalBlobCache uploads = new LocalBlobCache(scratch.resolve("uploads"), 64L << 20);
                long blobs = copyBlobs(FileBlobStore.shared(data), new S3BlobStore(client, target.s3().bucket(), target.s3().prefix(),
                        "blobs", uploads), data.resolve("blobs"), progress);
                long documents = copyBlobs(new FileBlobStore(data, "documents", false), new S3BlobStore(client, target.s3().bucket(),
                        target.s3().prefix(), "documents", uploads), data.resolve("documents"), progress);
                LocalBlobCache none = new LocalBlobCache(scratch.resolve("check"), 0);
                long audit = check(source, sink, tables, rows, state, client, target.s3(), none);
                progress.accept("checked: every table's rows, every indexed file and stored document in the bucket, "
                        + audit + " audit entries chained");
                return new CopyReport(rows, blobs, documents, audit);
            } finally {
                try (var walk = Files.walk(scratch)) {
                    walk.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
                }
            }
        } catch (SQLException e) {
            throw new IllegalStateException("cannot copy the state: " + e.getMessage(), e);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot copy the files: " + e.getMessage(), e);
        }
    }

    private static List<String> tables(Connection source) throws SQLException {
        Set<String> names = new TreeSet<>();
        try (Statement st = source.createStatement();
             ResultSet rs = st.executeQuery("SELECT name FROM sqlite_master WHERE type = 'table'")) {
            while (rs.next()) {
                if (!SKIPPED.contains(rs.getString(1))) {
                    names.add(rs.getString(1));
                }
            }
        }
        return new ArrayList<>(names);
    }

    private static void requireEmpty(Connection sink, List<String> tables) throws SQLException {
        for (String t : tables) {
            if (count(sink, t) > 0) {
                throw new IllegalStateException("the target database is not empty (table " + t + " has rows): copy into a new database");
            }
        }
    }

    private static long count(Connection c, String table) throws SQLException {
        try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery("SELECT count(*) FROM " + table)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private static Map<String, Long> copyTables(Connection source, Connection sink, List<String> tables, Consumer<String> progress)
            throws SQLException {
        Map<String, Long> copied = new LinkedHashMap<>();
        sink.setAutoCommit(false);
        try {
            for (String table : tables) {
                long n = 0;
                try (Statement st = source.createStatement(); ResultSet rs = st.executeQuery("SELECT * FROM " + table)) {
                    ResultSetMetaData md = rs.getMetaData();
                    List<String> columns = new ArrayList<>();
                    for (int i = 1; i <= md.getColumnCount(); i++) {
                        columns.add(md.getColumnName(i));
                    }
                    String insert = "INSERT INTO " + table + " (" + String.join(", ", columns) + ") OVERRIDING SYSTEM VALUE VALUES ("
                            + String.join(", ", columns.stream().map(c -> "?").toList()) + ")";
                    try (PreparedStatement ps = sink.prepareStatement(insert)) {
                        while (rs.next()) {
                            for (int i = 1; i <= columns.size(); i++) {
                                ps.setObject(i, rs.getObject(i));
                            }
                            ps.addBatch();
                            if (++n % BATCH == 0) {
                                ps.executeBatch();
                            }
                        }
                        ps.executeBatch();
                    }
                }
                copied.put(table, n);
                progress.accept("copied " + n + " rows of " + table);
            }
            // Identity columns continue after the ids copied in.
            try (Statement st = sink.createStatement();
                 ResultSet rs = st.executeQuery("SELECT table_name, column_name FROM information_schema.columns "
                         + "WHERE table_schema = current_schema() AND is_identity = 'YES'")) {
                List<String[]> identities = new ArrayList<>();
                while (rs.next()) {
                    identities.add(new String[] {rs.getString(1), rs.getString(2)});
                }
                for (String[] id : identities) {
                    try (Statement set = sink.createStatement()) {
                        set.execute("SELECT setval(pg_get_serial_sequence('" + id[0] + "', '" + id[1] + "'), "
                                + "(SELECT coalesce(max(" + id[1] + "), 0) + 1 FROM " + id[0] + "), false)");
                    }
                }
            }
            sink.commit();
        } catch (SQLException | RuntimeException e) {
            sink.rollback();
            throw e;
        } finally {
            sink.setAutoCommit(true);
        }
        return copied;
    }

    private static long copyBlobs(FileBlobStore from, S3BlobStore to, Path folder, Consumer<String> progress) throws IOException {
        if (!Files.isDirectory(folder)) {
            return 0;
        }
        List<String> all = new ArrayList<>();
        from.list(all::add);
        long n = 0;
        for (String sha : all) {
            to.copyIn(from.pathOf(sha), sha);
            if (++n % 500 == 0) {
                progress.accept("uploaded " + n + " of " + all.size() + " " + folder.getFileName());
            }
        }
        progress.accept("uploaded " + n + " " + folder.getFileName());
        return n;
    }

    private static long check(Connection source, Connection sink, List<String> tables, Map<String, Long> rows, StateStore state,
                              S3Client client, StorageConfig.S3 s3, LocalBlobCache cache) throws SQLException, IOException {
        for (String t : tables) {
            long there = count(sink, t);
            if (there != rows.get(t) || there != count(source, t)) {
                throw new IllegalStateException("the copy does not check out: table " + t + " has " + there + " rows, the source "
                        + count(source, t));
            }
        }
        S3BlobStore blobs = new S3BlobStore(client, s3.bucket(), s3.prefix(), "blobs", cache);
        S3BlobStore documents = new S3BlobStore(client, s3.bucket(), s3.prefix(), "documents", cache);
        requireAll(sink, "SELECT DISTINCT sha256 FROM artifacts", blobs, "indexed file");
        requireAll(sink, "SELECT DISTINCT body_sha256 FROM metadata_state", documents, "stored document");
        List<AuditRecord> chain = state.audit(new AuditQuery(null, null, null, null, 0, true, Integer.MAX_VALUE, 0));
        String prev = AuditChain.GENESIS;
        for (AuditRecord r : chain) {
            if (!r.prevHash().equals(prev) || !AuditChain.hash(r).equals(r.hash())) {
                throw new IllegalStateException("the copy does not check out: the audit chain breaks at entry " + r.seq());
            }
            prev = r.hash();
        }
        return chain.size();
    }

    private static void requireAll(Connection sink, String query, S3BlobStore store, String what) throws SQLException, IOException {
        try (Statement st = sink.createStatement(); ResultSet rs = st.executeQuery(query)) {
            while (rs.next()) {
                String sha = rs.getString(1);
                if (store.size(sha).isEmpty()) {
                    throw new IllegalStateException("the copy does not check out: " + what + " " + sha + " is not in the bucket"
                            + " (missing from the single-node data too: run the server on it once to fetch it again)");
                }
            }
        }
    }
}
