package dev.airlock.core.backup;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.airlock.core.admin.AuditLog;
import dev.airlock.core.store.FileBlobStore;
import dev.airlock.core.store.sql.SqliteStateStore;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.zip.Deflater;
import java.util.zip.ZipEntry;
import java.util.zip.ZipException;
import java.util.zip.ZipFile;
import java.util.zip.ZipOutputStream;

/**
 * {@code airlock backup} and {@code airlock restore} for a single node: one zip file holding a
 * consistent snapshot of {@code state.db} (SQLite's online backup, so the server keeps running),
 * every file and metadata document that snapshot names, the export key, and last a manifest of
 * every entry's SHA-256. The file is written as {@code FILE.part} and renamed when complete, and a
 * zip cut short has no central directory: a backup killed half-way is never restored.
 *
 * <p>Restore writes into an empty data directory, checks every entry against the manifest (and
 * every blob against its name), then opens the store (migrating an older schema) and walks the
 * audit chain. Files the snapshot indexes but the data directory no longer held (evicted by
 * {@code storage.maxSize}) are listed as absent: they are fetched from upstream again when asked
 * for, and must then hash to the digest the index pins.
 */
public final class Backup {

    static final String MANIFEST = "manifest.json";
    static final String FORMAT = "airlock-backup";
    private static final ObjectMapper JSON = new ObjectMapper();

    private Backup() {
    }

    /** What a backup holds. */
    public record Summary(int schemaVersion, long files, long documents, long absent, long bytes) {
    }

    /** What a restore put back and checked. */
    public record Restored(int schemaVersion, long files, long documents, long auditEntries) {
    }

    /** Writes a backup of the single-node data in {@code data} to {@code out}. The server may be running. */
    public static Summary write(Path data, Path out, Clock clock) throws IOException {
        Path db = data.resolve("state.db");
        if (!Files.isRegularFile(db)) {
            throw new IOException("no Airlock data in " + data.toAbsolutePath() + " (no state.db)");
        }
        Path dir = out.toAbsolutePath().getParent();
        Files.createDirectories(dir);
        Path snapshot = Files.createTempFile(dir, ".airlock-backup-", ".db");
        Path part = out.resolveSibling(out.getFileName() + ".part");
        try {
            Set<String> files = new TreeSet<>();
            Set<String> documents = new TreeSet<>();
            int schema;
            try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db.toAbsolutePath());
                 Statement st = c.createStatement()) {
                // SQLite's online backup: a consistent copy while the server writes.
                st.executeUpdate("backup to " + snapshot.toAbsolutePath());
            }
            try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + snapshot.toAbsolutePath());
                 Statement st = c.createStatement()) {
                schema = dev.airlock.core.store.sql.Migrations.current(c);
                collect(st, "SELECT DISTINCT sha256 FROM artifacts", files);
                collect(st, "SELECT DISTINCT body_sha256 FROM metadata_state", documents);
            }
            Map<String, String> manifest = new LinkedHashMap<>();
            long absent = 0;
            long bytes = 0;
            FileBlobStore blobStore = FileBlobStore.shared(data);
            FileBlobStore documentStore = new FileBlobStore(data, "documents", false);
            try (OutputStream raw = Files.newOutputStream(part, StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING,
                    StandardOpenOption.WRITE);
                 ZipOutputStream zip = new ZipOutputStream(raw)) {
                ownerOnly(part);
                // Packages are compressed already; the database compresses well at any level.
                zip.setLevel(Deflater.BEST_SPEED);
                manifest.put("state.db", add(zip, "state.db", snapshot));
                for (String sha : files) {
                    Path p = blobStore.pathOf(sha);
                    if (!Files.isRegularFile(p)) {
                        absent++;
                        continue;
                    }
                    manifest.put("blobs/" + sha, requireNamed(sha, add(zip, "blobs/" + sha, p)));
                    bytes += Files.size(p);
                }
                long docs = 0;
                for (String sha : documents) {
                    Path p = documentStore.pathOf(sha);
                    if (Files.isRegularFile(p)) {
                        manifest.put("documents/" + sha, requireNamed(sha, add(zip, "documents/" + sha, p)));
                        docs++;
                    }
                }
                for (String key : List.of("keys/export.key", "keys/export.pub")) {
                    if (Files.isRegularFile(data.resolve(key))) {
                        manifest.put(key, add(zip, key, data.resolve(key)));
                    }
                }
                ObjectNode m = JSON.createObjectNode().put("format", FORMAT).put("version", 1).put("createdAt", clock.instant().toString())
                        .put("schemaVersion", schema).put("absentFiles", absent);
                ObjectNode entries = m.putObject("entries");
                manifest.forEach(entries::put);
                zip.putNextEntry(new ZipEntry(MANIFEST));
                zip.write(JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(m));
                zip.closeEntry();
                zip.finish();
                raw.flush();
                try (FileChannel ch = FileChannel.open(part, StandardOpenOption.WRITE)) {
                    ch.force(true);
                }
                Files.move(part, out, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
                return new Summary(schema, files.size() - absent, docs, absent, bytes);
            }
        } catch (SQLException e) {
            throw new IOException("cannot snapshot " + db + ": " + e.getMessage(), e);
        } finally {
            Files.deleteIfExists(snapshot);
            Files.deleteIfExists(part);
        }
    }

    /** Restores {@code backup} into {@code data}, which must not exist or be empty, and checks it. */
    public static Restored restore(Path backup, Path data) throws IOException {
        if (Files.isDirectory(data)) {
            try (var listing = Files.list(data)) {
                if (listing.findAny().isPresent()) {
                    throw new IOException(data.toAbsolutePath() + " is not empty: restore into a new data directory");
                }
            }
        }
        ZipFile zip;
        try {
            zip = new ZipFile(backup.toFile());
        } catch (NoSuchFileException e) {
            throw e;
        } catch (ZipException e) {
            throw new IOException(backup + " is not a complete Airlock backup (" + e.getMessage() + ")", e);
        }
        try (zip) {
            ZipEntry m = zip.getEntry(MANIFEST);
            if (m == null) {
                throw new IOException(backup + " is not a complete Airlock backup (no manifest)");
            }
            JsonNode manifest;
            try (InputStream in = zip.getInputStream(m)) {
                manifest = JSON.readTree(in);
            }
            if (!FORMAT.equals(manifest.path("format").asText()) || manifest.path("version").asInt() != 1) {
                throw new IOException(backup + " is not an Airlock backup of a version this release reads");
            }
            Map<String, String> entries = new LinkedHashMap<>();
            manifest.path("entries").fields().forEachRemaining(e -> entries.put(e.getKey(), e.getValue().asText()));
            for (Iterator<? extends ZipEntry> it = zip.entries().asIterator(); it.hasNext(); ) {
                String name = it.next().getName();
                if (!name.equals(MANIFEST) && !entries.containsKey(name)) {
                    throw new IOException(backup + " holds " + name + ", which its manifest does not list");
                }
            }
            Files.createDirectories(data);
            Files.setPosixFilePermissions(data, PosixFilePermissions.fromString("rwx------"));
            FileBlobStore blobs = new FileBlobStore(data, "blobs", false);
            FileBlobStore documents = new FileBlobStore(data, "documents", false);
            long files = 0;
            long docs = 0;
            for (Map.Entry<String, String> e : entries.entrySet()) {
                String name = e.getKey();
                ZipEntry entry = zip.getEntry(name);
                if (entry == null) {
                    throw new IOException(backup + " lacks " + name + ", which its manifest lists");
                }
                Path target;
                if (name.equals("state.db")) {
                    target = data.resolve("state.db");
                } else if (name.startsWith("blobs/")) {
                    target = blobs.pathOf(requireNamed(name.substring(6), e.getValue()));
                    files++;
                } else if (name.startsWith("documents/")) {
                    target = documents.pathOf(requireNamed(name.substring(10), e.getValue()));
                    docs++;
                } else if (name.equals("keys/export.key") || name.equals("keys/export.pub")) {
                    target = data.resolve(name);
                } else {
                    throw new IOException(backup + " holds an entry this release does not know: " + name);
                }
                Files.createDirectories(target.getParent());
                String got;
                try (InputStream in = zip.getInputStream(entry)) {
                    got = copy(in, target);
                }
                if (!got.equals(e.getValue())) {
                    throw new IOException(name + " in " + backup + " is " + got + ", not the " + e.getValue() + " its manifest records");
                }
                if (!name.startsWith("blobs/") && !name.startsWith("documents/")) {
                    ownerOnly(target);
                }
            }
            try (SqliteStateStore state = new SqliteStateStore(data)) {
                AuditLog.Verification v = new AuditLog(state).verify();
                if (!v.ok()) {
                    throw new IOException("the restored audit log does not verify: " + v.why());
                }
                return new Restored(manifest.path("schemaVersion").asInt(), files, docs, v.entries());
            }
        }
    }

    private static void collect(Statement st, String query, Set<String> into) throws SQLException {
        try (ResultSet rs = st.executeQuery(query)) {
            while (rs.next()) {
                into.add(rs.getString(1));
            }
        }
    }

    private static String add(ZipOutputStream zip, String name, Path file) throws IOException {
        zip.putNextEntry(new ZipEntry(name));
        MessageDigest d = sha256();
        try (OutputStream sink = new DigestOutputStream(OutputStream.nullOutputStream(), d)) {
            try (InputStream in = Files.newInputStream(file)) {
                byte[] buf = new byte[64 * 1024];
                for (int n; (n = in.read(buf)) > 0; ) {
                    zip.write(buf, 0, n);
                    sink.write(buf, 0, n);
                }
            }
        }
        zip.closeEntry();
        return HexFormat.of().formatHex(d.digest());
    }

    private static String copy(InputStream in, Path to) throws IOException {
        MessageDigest d = sha256();
        try (OutputStream out = new DigestOutputStream(Files.newOutputStream(to), d)) {
            in.transferTo(out);
        }
        return HexFormat.of().formatHex(d.digest());
    }

    /** A blob's bytes must be its name; a damaged one stops the backup or the restore. */
    private static String requireNamed(String sha, String actual) throws IOException {
        if (!sha.equals(actual)) {
            throw new IOException("the blob " + sha + " is damaged: its bytes are " + actual);
        }
        return actual;
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void ownerOnly(Path p) throws IOException {
        try {
            Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rw-------"));
        } catch (UnsupportedOperationException notPosix) {
            // no POSIX modes here
        }
    }
}
