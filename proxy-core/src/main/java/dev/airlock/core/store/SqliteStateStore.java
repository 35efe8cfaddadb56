package dev.airlock.core.store;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The embedded state store: one SQLite file ({@code <data>/state.db}) in WAL mode.
 *
 * <p>Concurrency: SQLite allows one writer at a time, so one connection guarded by a lock is
 * both simplest and as fast as a pool would be; callers keep hot lookups in memory caches so
 * that this lock is off the warm request path.
 *
 * <p>Schema: versioned migrations {@code migrations/V<n>__<name>.sql} on the class path are
 * applied in order, each in a transaction, and recorded in {@code schema_version}.
 */
public final class SqliteStateStore implements StateStore {

    private static final String MIGRATIONS = "migrations/";
    /** Known migrations, in order. A new schema change adds a file and a line here. */
    private static final String[] MIGRATION_FILES = {"V1__initial.sql", "V2__file_facts.sql", "V3__file_digests.sql", "V4__metadata_source.sql", "V5__policy.sql", "V6__content_facts.sql", "V7__registry_keys.sql", "V8__signer_pins.sql", "V9__admin.sql", "V10__signer_keys.sql",
            "V11__release_times.sql", "V12__demand.sql"};

    private final Connection conn;
    private final ReentrantLock lock = new ReentrantLock();

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
        try {
            Files.createDirectories(dataDir);
            conn = DriverManager.getConnection("jdbc:sqlite:" + dataDir.resolve("state.db").toAbsolutePath());
            try (Statement st = conn.createStatement()) {
                st.execute("PRAGMA journal_mode=WAL");
                st.execute("PRAGMA synchronous=NORMAL");
                st.execute("PRAGMA foreign_keys=ON");
                st.execute("PRAGMA busy_timeout=5000");
            }
            if (migrate) {
                migrate();
            } else {
                int version;
                try (Statement st = conn.createStatement();
                     ResultSet rs = st.executeQuery("SELECT coalesce(max(version), 0) FROM schema_version")) {
                    version = rs.getInt(1);
                }
                if (version != MIGRATION_FILES.length) {
                    conn.close();
                    throw new SQLException("the data has schema version " + version + " but this Airlock release uses "
                            + MIGRATION_FILES.length + "; use the release the server runs");
                }
            }
        } catch (SQLException | IOException e) {
            throw new IllegalStateException("cannot open the state store in " + dataDir + ": " + e.getMessage(), e);
        }
    }

    /** The newest schema version this build knows. */
    static int latestSchemaVersion() {
        return MIGRATION_FILES.length;
    }

    /** The schema version after migrations ran. */
    public int schemaVersion() {
        return locked(() -> {
            try (Statement st = conn.createStatement(); ResultSet rs = st.executeQuery("SELECT max(version) FROM schema_version")) {
                return rs.next() ? rs.getInt(1) : 0;
            }
        });
    }

    private void migrate() throws SQLException {
        try (Statement st = conn.createStatement()) {
            st.execute("CREATE TABLE IF NOT EXISTS schema_version (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at INTEGER NOT NULL)");
        }
        int current;
        try (Statement st = conn.createStatement(); ResultSet rs = st.executeQuery("SELECT coalesce(max(version), 0) FROM schema_version")) {
            current = rs.getInt(1);
        }
        if (current > MIGRATION_FILES.length) {
            throw new SQLException("the state store has schema version " + current + " but this Airlock knows only "
                    + MIGRATION_FILES.length + "; it was written by a newer release");
        }
        for (int v = current + 1; v <= MIGRATION_FILES.length; v++) {
            String name = MIGRATION_FILES[v - 1];
            String sql = readMigration(name);
            conn.setAutoCommit(false);
            try (Statement st = conn.createStatement()) {
                for (String stmt : splitStatements(sql)) {
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

    private static String readMigration(String name) {
        try (InputStream in = SqliteStateStore.class.getResourceAsStream(MIGRATIONS + name)) {
            if (in == null) {
                throw new IllegalStateException("migration " + name + " is missing from the class path");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String[] splitStatements(String sql) {
        StringBuilder sb = new StringBuilder();
        for (String line : sql.split("\n")) {
            if (!line.strip().startsWith("--")) {
                sb.append(line).append('\n');
            }
        }
        return java.util.Arrays.stream(sb.toString().split(";"))
                .map(String::strip).filter(s -> !s.isEmpty()).toArray(String[]::new);
    }

    private static final String ARTIFACT_COLUMNS =
            "filename, version, sha256, size, content_type, upstream_digest, first_seen, derived_from, digests";

    @Override
    public Optional<ArtifactRecord> findArtifact(String ecosystem, String packageName, String filename) {
        return locked(() -> {
            try (PreparedStatement ps = conn.prepareStatement(
                    "SELECT " + ARTIFACT_COLUMNS + " FROM artifacts WHERE ecosystem=? AND package=? AND filename=?")) {
                ps.setString(1, ecosystem);
                ps.setString(2, packageName);
                ps.setString(3, filename);
                try (ResultSet rs = ps.executeQuery()) {
                    return rs.next() ? Optional.of(artifact(ecosystem, packageName, rs)) : Optional.empty();
                }
            }
        });
    }

    @Override
    public List<ArtifactRecord> artifacts(String ecosystem, String packageName) {
        return locked(() -> {
            try (PreparedStatement ps = conn.prepareStatement(
                    "SELECT " + ARTIFACT_COLUMNS + " FROM artifacts WHERE ecosystem=? AND package=?")) {
                ps.setString(1, ecosystem);
                ps.setString(2, packageName);
                List<ArtifactRecord> out = new ArrayList<>();
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        out.add(artifact(ecosystem, packageName, rs));
                    }
                }
                return out;
            }
        });
    }

    private static java.net.URI uri(String text) {
        try {
            return text == null ? null : java.net.URI.create(text);
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    private static ArtifactRecord artifact(String ecosystem, String packageName, ResultSet rs) throws SQLException {
        return new ArtifactRecord(ecosystem, packageName, rs.getString(1), rs.getString(2), rs.getString(3), rs.getLong(4),
                rs.getString(5), rs.getString(6), Instant.ofEpochMilli(rs.getLong(7)), rs.getString(8),
                ArtifactRecord.decode(rs.getString(9)));
    }

    @Override
    public ArtifactRecord putArtifact(ArtifactRecord r) {
        writeArtifact("INSERT OR IGNORE", r);
        return findArtifact(r.ecosystem(), r.packageName(), r.filename()).orElseThrow();
    }

    @Override
    public void replaceArtifact(ArtifactRecord r) {
        writeArtifact("INSERT OR REPLACE", r);
    }

    private void writeArtifact(String insert, ArtifactRecord r) {
        locked(() -> {
            try (PreparedStatement ps = conn.prepareStatement(insert + " INTO artifacts (ecosystem, package, filename, version, sha256, "
                    + "size, content_type, upstream_digest, first_seen, derived_from, digests) VALUES (?,?,?,?,?,?,?,?,?,?,?)")) {
                ps.setString(1, r.ecosystem());
                ps.setString(2, r.packageName());
                ps.setString(3, r.filename());
                ps.setString(4, r.version());
                ps.setString(5, r.sha256());
                ps.setLong(6, r.size());
                ps.setString(7, r.contentType());
                ps.setString(8, r.upstreamDigest());
                ps.setLong(9, r.firstSeen().toEpochMilli());
                ps.setString(10, r.derivedFrom());
                ps.setString(11, ArtifactRecord.encode(r.digests()));
                ps.executeUpdate();
            }
            return null;
        });
    }

    @Override
    public Optional<MetadataState> findMetadata(String ecosystem, String cacheKey) {
        return locked(() -> {
            try (PreparedStatement ps = conn.prepareStatement(
                    "SELECT package, body_sha256, content_type, etag, last_modified, fetched_at, first_seen, requested_url, document_url "
                            + "FROM metadata_state WHERE ecosystem=? AND cache_key=?")) {
                ps.setString(1, ecosystem);
                ps.setString(2, cacheKey);
                try (ResultSet rs = ps.executeQuery()) {
                    if (!rs.next()) {
                        return Optional.empty();
                    }
                    return Optional.of(new MetadataState(ecosystem, cacheKey, rs.getString(1), rs.getString(2), rs.getString(3),
                            rs.getString(4), rs.getString(5), Instant.ofEpochMilli(rs.getLong(6)), Instant.ofEpochMilli(rs.getLong(7)),
                            uri(rs.getString(8)), uri(rs.getString(9))));
                }
            }
        });
    }

    @Override
    public List<MetadataState> metadataOf(String ecosystem, String packageName) {
        return locked(() -> {
            List<MetadataState> out = new ArrayList<>();
            try (PreparedStatement ps = conn.prepareStatement(
                    "SELECT cache_key, body_sha256, content_type, etag, last_modified, fetched_at, first_seen, requested_url, document_url "
                            + "FROM metadata_state WHERE ecosystem=? AND package=? ORDER BY cache_key")) {
                ps.setString(1, ecosystem);
                ps.setString(2, packageName);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        out.add(new MetadataState(ecosystem, rs.getString(1), packageName, rs.getString(2), rs.getString(3),
                                rs.getString(4), rs.getString(5), Instant.ofEpochMilli(rs.getLong(6)), Instant.ofEpochMilli(rs.getLong(7)),
                                uri(rs.getString(8)), uri(rs.getString(9))));
                    }
                }
            }
            return out;
        });
    }

    @Override
    public List<Map.Entry<String, String>> cachedPackages() {
        return locked(() -> {
            List<Map.Entry<String, String>> out = new ArrayList<>();
            try (Statement st = conn.createStatement(); ResultSet rs = st.executeQuery(
                    "SELECT DISTINCT ecosystem, package FROM artifacts ORDER BY ecosystem, package")) {
                while (rs.next()) {
                    out.add(Map.entry(rs.getString(1), rs.getString(2)));
                }
            }
            return out;
        });
    }

    @Override
    public void putMetadata(MetadataState s) {
        locked(() -> {
            try (PreparedStatement ps = conn.prepareStatement(
                    "INSERT INTO metadata_state (ecosystem, cache_key, package, body_sha256, content_type, etag, last_modified, fetched_at, "
                            + "first_seen, requested_url, document_url) VALUES (?,?,?,?,?,?,?,?,?,?,?) ON CONFLICT (ecosystem, cache_key) DO UPDATE SET "
                            + "body_sha256=excluded.body_sha256, content_type=excluded.content_type, etag=excluded.etag, "
                            + "last_modified=excluded.last_modified, fetched_at=excluded.fetched_at, "
                            + "requested_url=excluded.requested_url, document_url=excluded.document_url")) {
                ps.setString(1, s.ecosystem());
                ps.setString(2, s.cacheKey());
                ps.setString(3, s.packageName());
                ps.setString(4, s.bodySha256());
                ps.setString(5, s.contentType());
                ps.setString(6, s.etag());
                ps.setString(7, s.lastModified());
                ps.setLong(8, s.fetchedAt().toEpochMilli());
                ps.setLong(9, s.firstSeen().toEpochMilli());
                ps.setString(10, s.requestedUrl() == null ? null : s.requestedUrl().toString());
                ps.setString(11, s.documentUrl() == null ? null : s.documentUrl().toString());
                ps.executeUpdate();
            }
            return null;
        });
    }

    @Override
    public void observeReleases(String ecosystem, String packageName, Collection<String> versions, Instant now) {
        if (versions.isEmpty()) {
            return;
        }
        batch("INSERT OR IGNORE INTO release_observed (ecosystem, package, version, first_seen) VALUES (?,?,?,?)", versions, (ps, v) -> {
            ps.setString(1, ecosystem);
            ps.setString(2, packageName);
            ps.setString(3, v);
            ps.setLong(4, now.toEpochMilli());
        });
    }

    @Override
    public Optional<Instant> firstObserved(String ecosystem, String packageName, String version) {
        return locked(() -> {
            try (PreparedStatement ps = conn.prepareStatement(
                    "SELECT first_seen FROM release_observed WHERE ecosystem=? AND package=? AND version=?")) {
                ps.setString(1, ecosystem);
                ps.setString(2, packageName);
                ps.setString(3, version);
                try (ResultSet rs = ps.executeQuery()) {
                    return rs.next() ? Optional.of(Instant.ofEpochMilli(rs.getLong(1))) : Optional.empty();
                }
            }
        });
    }

    @Override
    public void observeFiles(String ecosystem, String packageName, Map<String, String> integrityByFile, Instant now) {
        if (integrityByFile.isEmpty()) {
            return;
        }
        // A name listed with a new digest is a new file (a static mirror replaced it): its
        // observation and any probed size start again.
        batch("INSERT INTO listed_files (ecosystem, package, filename, integrity, first_seen) VALUES (?,?,?,?,?) "
                + "ON CONFLICT (ecosystem, package, filename) DO UPDATE SET integrity=excluded.integrity, "
                + "first_seen=excluded.first_seen, size=NULL, probed_at=NULL WHERE listed_files.integrity <> excluded.integrity",
                integrityByFile.entrySet(), (ps, f) -> {
                    ps.setString(1, ecosystem);
                    ps.setString(2, packageName);
                    ps.setString(3, f.getKey());
                    ps.setString(4, f.getValue());
                    ps.setLong(5, now.toEpochMilli());
                });
    }

    @Override
    public Map<String, FileObservation> observedFiles(String ecosystem, String packageName) {
        return locked(() -> {
            try (PreparedStatement ps = conn.prepareStatement(
                    "SELECT filename, integrity, first_seen, size, probed_at FROM listed_files WHERE ecosystem=? AND package=?")) {
                ps.setString(1, ecosystem);
                ps.setString(2, packageName);
                Map<String, FileObservation> out = new HashMap<>();
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        long size = rs.getLong(4);
                        OptionalLong known = rs.wasNull() ? OptionalLong.empty() : OptionalLong.of(size);
                        long probed = rs.getLong(5);
                        Instant probedAt = rs.wasNull() ? null : Instant.ofEpochMilli(probed);
                        out.put(rs.getString(1), new FileObservation(rs.getString(1), rs.getString(2),
                                Instant.ofEpochMilli(rs.getLong(3)), known, probedAt));
                    }
                }
                return out;
            }
        });
    }

    @Override
    public void recordProbedSize(String ecosystem, String packageName, String filename, OptionalLong size, Instant at) {
        locked(() -> {
            try (PreparedStatement ps = conn.prepareStatement(
                    "UPDATE listed_files SET size=?, probed_at=? WHERE ecosystem=? AND package=? AND filename=?")) {
                if (size.isPresent()) {
                    ps.setLong(1, size.getAsLong());
                } else {
                    ps.setNull(1, java.sql.Types.INTEGER);
                }
                ps.setLong(2, at.toEpochMilli());
                ps.setString(3, ecosystem);
                ps.setString(4, packageName);
                ps.setString(5, filename);
                ps.executeUpdate();
            }
            return null;
        });
    }

    @Override
    public Map<String, Instant> observedReleases(String ecosystem, String packageName) {
        return locked(() -> {
            try (PreparedStatement ps = conn.prepareStatement(
                    "SELECT version, first_seen FROM release_observed WHERE ecosystem=? AND package=?")) {
                ps.setString(1, ecosystem);
                ps.setString(2, packageName);
                Map<String, Instant> out = new HashMap<>();
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        out.put(rs.getString(1), Instant.ofEpochMilli(rs.getLong(2)));
                    }
                }
                return out;
            }
        });
    }

    private static final String VERDICT_COLUMNS =
            "id, ecosystem, package, version, verdict, held_until, findings, facts_digest, policy_version, first_held, decided_at";

    @Override
    public Map<String, VerdictRecord> verdicts(String ecosystem, String packageName) {
        return locked(() -> {
            try (PreparedStatement ps = conn.prepareStatement(
                    "SELECT " + VERDICT_COLUMNS + " FROM release_verdicts WHERE ecosystem=? AND package=?")) {
                ps.setString(1, ecosystem);
                ps.setString(2, packageName);
                Map<String, VerdictRecord> out = new HashMap<>();
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        VerdictRecord v = verdictRecord(rs);
                        out.put(v.version(), v);
                    }
                }
                return out;
            }
        });
    }

    @Override
    public void putVerdicts(Collection<VerdictRecord> verdicts) {
        if (verdicts.isEmpty()) {
            return;
        }
        batch("INSERT OR REPLACE INTO release_verdicts (" + VERDICT_COLUMNS + ") VALUES (?,?,?,?,?,?,?,?,?,?,?)", verdicts, (ps, v) -> {
            ps.setString(1, v.id());
            ps.setString(2, v.ecosystem());
            ps.setString(3, v.packageName());
            ps.setString(4, v.version());
            ps.setString(5, v.verdict());
            setInstant(ps, 6, v.heldUntil());
            ps.setString(7, v.findings());
            ps.setString(8, v.factsDigest());
            ps.setString(9, v.policyVersion());
            setInstant(ps, 10, v.firstHeld());
            ps.setLong(11, v.decidedAt().toEpochMilli());
        });
    }

    @Override
    public Optional<VerdictRecord> verdict(String id) {
        return locked(() -> {
            try (PreparedStatement ps = conn.prepareStatement("SELECT " + VERDICT_COLUMNS + " FROM release_verdicts WHERE id=?")) {
                ps.setString(1, id);
                try (ResultSet rs = ps.executeQuery()) {
                    return rs.next() ? Optional.of(verdictRecord(rs)) : Optional.empty();
                }
            }
        });
    }

    @Override
    public List<VerdictRecord> held(String ecosystem) {
        return locked(() -> {
            try (PreparedStatement ps = conn.prepareStatement("SELECT " + VERDICT_COLUMNS + " FROM release_verdicts WHERE verdict <> 'APPROVED'"
                    + (ecosystem == null ? "" : " AND ecosystem=?") + " ORDER BY decided_at DESC")) {
                if (ecosystem != null) {
                    ps.setString(1, ecosystem);
                }
                List<VerdictRecord> out = new ArrayList<>();
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        out.add(verdictRecord(rs));
                    }
                }
                return out;
            }
        });
    }

    @Override
    public DecisionRecord addDecision(DecisionRecord d) {
        return locked(() -> {
            try (PreparedStatement ps = conn.prepareStatement("INSERT INTO release_decisions (id, action, reason, actor, facts_digest, "
                    + "expires_at, decided_at) VALUES (?,?,?,?,?,?,?)", Statement.RETURN_GENERATED_KEYS)) {
                ps.setString(1, d.id());
                ps.setString(2, d.action());
                ps.setString(3, d.reason());
                ps.setString(4, d.actor());
                ps.setString(5, d.factsDigest());
                setInstant(ps, 6, d.expiresAt());
                ps.setLong(7, d.decidedAt().toEpochMilli());
                ps.executeUpdate();
                try (ResultSet keys = ps.getGeneratedKeys()) {
                    long seq = keys.next() ? keys.getLong(1) : 0;
                    return new DecisionRecord(seq, d.id(), d.action(), d.reason(), d.actor(), d.factsDigest(), d.expiresAt(), d.decidedAt());
                }
            }
        });
    }

    @Override
    public List<DecisionRecord> decisions(String id) {
        return decisionQuery("SELECT seq, id, action, reason, actor, facts_digest, expires_at, decided_at FROM release_decisions "
                + "WHERE id=? ORDER BY seq", (ps, unused) -> ps.setString(1, id));
    }

    @Override
    public Map<String, List<DecisionRecord>> decisionsFor(String ecosystem, String packageName) {
        Map<String, List<DecisionRecord>> out = new HashMap<>();
        for (DecisionRecord d : decisionQuery("SELECT d.seq, d.id, d.action, d.reason, d.actor, d.facts_digest, d.expires_at, d.decided_at "
                + "FROM release_decisions d JOIN release_verdicts v ON v.id = d.id WHERE v.ecosystem=? AND v.package=? ORDER BY d.seq",
                (ps, unused) -> {
                    ps.setString(1, ecosystem);
                    ps.setString(2, packageName);
                })) {
            out.computeIfAbsent(d.id(), k -> new ArrayList<>()).add(d);
        }
        return out;
    }

    @Override
    public List<DecisionRecord> decisionsAfter(long seq) {
        return decisionQuery("SELECT seq, id, action, reason, actor, facts_digest, expires_at, decided_at FROM release_decisions "
                + "WHERE seq>? ORDER BY seq", (ps, unused) -> ps.setLong(1, seq));
    }

    private List<DecisionRecord> decisionQuery(String sql, Binder<Void> bind) {
        return locked(() -> {
            try (PreparedStatement ps = conn.prepareStatement(sql)) {
                bind.bind(ps, null);
                List<DecisionRecord> out = new ArrayList<>();
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        long expires = rs.getLong(7);
                        Instant expiresAt = rs.wasNull() ? null : Instant.ofEpochMilli(expires);
                        out.add(new DecisionRecord(rs.getLong(1), rs.getString(2), rs.getString(3), rs.getString(4), rs.getString(5),
                                rs.getString(6), expiresAt, Instant.ofEpochMilli(rs.getLong(8))));
                    }
                }
                return out;
            }
        });
    }

    private static VerdictRecord verdictRecord(ResultSet rs) throws SQLException {
        return new VerdictRecord(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4), rs.getString(5), instant(rs, 6),
                rs.getString(7), rs.getString(8), rs.getString(9), instant(rs, 10), Instant.ofEpochMilli(rs.getLong(11)));
    }

    private static Instant instant(ResultSet rs, int column) throws SQLException {
        long v = rs.getLong(column);
        return rs.wasNull() ? null : Instant.ofEpochMilli(v);
    }

    private static void setInstant(PreparedStatement ps, int column, Instant value) throws SQLException {
        if (value == null) {
            ps.setNull(column, java.sql.Types.INTEGER);
        } else {
            ps.setLong(column, value.toEpochMilli());
        }
    }

    @Override
    public void putContentFacts(String ecosystem, String packageName, String version, String filename, String sha256, String factsJson,
                                Instant at) {
        locked(() -> {
            try (PreparedStatement ps = conn.prepareStatement("INSERT OR REPLACE INTO content_facts (ecosystem, package, version, "
                    + "filename, sha256, facts, read_at) VALUES (?,?,?,?,?,?,?)")) {
                ps.setString(1, ecosystem);
                ps.setString(2, packageName);
                ps.setString(3, version);
                ps.setString(4, filename);
                ps.setString(5, sha256);
                ps.setString(6, factsJson);
                ps.setLong(7, at.toEpochMilli());
                ps.executeUpdate();
            }
            return null;
        });
    }

    @Override
    public Map<String, Map<String, String>> contentFacts(String ecosystem, String packageName) {
        return locked(() -> {
            try (PreparedStatement ps = conn.prepareStatement(
                    "SELECT version, filename, facts FROM content_facts WHERE ecosystem=? AND package=?")) {
                ps.setString(1, ecosystem);
                ps.setString(2, packageName);
                Map<String, Map<String, String>> out = new HashMap<>();
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        out.computeIfAbsent(rs.getString(1), k -> new java.util.TreeMap<>()).put(rs.getString(2), rs.getString(3));
                    }
                }
                return out;
            }
        });
    }

    @Override
    public List<dev.airlock.core.ecosystem.RegistryKey> pinnedKeys(String ecosystem) {
        return locked(() -> {
            try (PreparedStatement ps = conn.prepareStatement("SELECT keyid, spki, expires FROM registry_keys WHERE ecosystem=?")) {
                ps.setString(1, ecosystem);
                List<dev.airlock.core.ecosystem.RegistryKey> out = new ArrayList<>();
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        out.add(new dev.airlock.core.ecosystem.RegistryKey(rs.getString(1), rs.getString(2), instant(rs, 3)));
                    }
                }
                return out;
            }
        });
    }

    @Override
    public dev.airlock.core.ecosystem.RegistryKey pinKey(String ecosystem, dev.airlock.core.ecosystem.RegistryKey key, Instant now) {
        locked(() -> {
            try (PreparedStatement ps = conn.prepareStatement(
                    "INSERT OR IGNORE INTO registry_keys (ecosystem, keyid, spki, expires, first_seen) VALUES (?,?,?,?,?)")) {
                ps.setString(1, ecosystem);
                ps.setString(2, key.keyid());
                ps.setString(3, key.spki());
                setInstant(ps, 4, key.expires());
                ps.setLong(5, now.toEpochMilli());
                ps.executeUpdate();
            }
            if (key.expires() != null) {
                // A registry sets a key's expiry when it rotates it: learn it, only ever earlier.
                try (PreparedStatement ps = conn.prepareStatement("UPDATE registry_keys SET expires=? WHERE ecosystem=? AND keyid=? "
                        + "AND spki=? AND (expires IS NULL OR expires > ?)")) {
                    ps.setLong(1, key.expires().toEpochMilli());
                    ps.setString(2, ecosystem);
                    ps.setString(3, key.keyid());
                    ps.setString(4, key.spki());
                    ps.setLong(5, key.expires().toEpochMilli());
                    ps.executeUpdate();
                }
            }
            return null;
        });
        return pinnedKeys(ecosystem).stream().filter(k -> k.keyid().equals(key.keyid())).findFirst().orElse(key);
    }

    @Override
    public List<String> learnSigner(String ecosystem, String scope, String kind, String signer, Instant now) {
        return locked(() -> {
            List<String> known = new ArrayList<>();
            try (PreparedStatement ps = conn.prepareStatement(
                    "SELECT signer FROM signer_keys WHERE ecosystem=? AND scope=? AND kind=? ORDER BY first_seen, signer")) {
                ps.setString(1, ecosystem);
                ps.setString(2, scope);
                ps.setString(3, kind);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        known.add(rs.getString(1));
                    }
                }
            }
            if (!known.contains(signer)) {
                try (PreparedStatement ps = conn.prepareStatement(
                        "INSERT OR IGNORE INTO signer_keys (ecosystem, scope, kind, signer, first_seen) VALUES (?,?,?,?,?)")) {
                    ps.setString(1, ecosystem);
                    ps.setString(2, scope);
                    ps.setString(3, kind);
                    ps.setString(4, signer);
                    ps.setLong(5, now.toEpochMilli());
                    ps.executeUpdate();
                }
            }
            return List.copyOf(known);
        });
    }

    @Override
    public void putReleaseTime(String ecosystem, String packageName, String version, Instant publishedAt) {
        locked(() -> {
            try (PreparedStatement ps = conn.prepareStatement("INSERT INTO release_times (ecosystem, package, version, published_at) "
                    + "VALUES (?,?,?,?) ON CONFLICT (ecosystem, package, version) DO UPDATE SET published_at = excluded.published_at "
                    + "WHERE excluded.published_at < release_times.published_at")) {
                ps.setString(1, ecosystem);
                ps.setString(2, packageName);
                ps.setString(3, version);
                ps.setLong(4, publishedAt.toEpochMilli());
                ps.executeUpdate();
            }
            return null;
        });
    }

    @Override
    public Map<String, Instant> releaseTimes(String ecosystem, String packageName) {
        return locked(() -> {
            Map<String, Instant> out = new HashMap<>();
            try (PreparedStatement ps = conn.prepareStatement("SELECT version, published_at FROM release_times WHERE ecosystem=? AND package=?")) {
                ps.setString(1, ecosystem);
                ps.setString(2, packageName);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        out.put(rs.getString(1), Instant.ofEpochMilli(rs.getLong(2)));
                    }
                }
            }
            return out;
        });
    }

    @Override
    public void addDemand(List<DemandRecord> demand) {
        if (demand.isEmpty()) {
            return;
        }
        locked(() -> {
            boolean auto = conn.getAutoCommit();
            conn.setAutoCommit(false);
            try {
                for (DemandRecord d : demand) {
                    List<String> tokens = new ArrayList<>();
                    try (PreparedStatement ps = conn.prepareStatement(
                            "SELECT tokens FROM demand WHERE ecosystem=? AND package=? AND version=? AND kind=?")) {
                        ps.setString(1, d.ecosystem());
                        ps.setString(2, d.packageName());
                        ps.setString(3, d.version());
                        ps.setString(4, d.kind());
                        try (ResultSet rs = ps.executeQuery()) {
                            if (rs.next() && !rs.getString(1).isEmpty()) {
                                tokens.addAll(List.of(rs.getString(1).split(",")));
                            }
                        }
                    }
                    for (String t : d.tokens()) {
                        if (!tokens.contains(t) && tokens.size() < DemandRecord.MAX_TOKENS) {
                            tokens.add(t);
                        }
                    }
                    try (PreparedStatement ps = conn.prepareStatement("INSERT INTO demand (ecosystem, package, version, kind, asked, "
                            + "last_asked, tokens) VALUES (?,?,?,?,?,?,?) ON CONFLICT (ecosystem, package, version, kind) DO UPDATE SET "
                            + "asked = demand.asked + excluded.asked, last_asked = max(demand.last_asked, excluded.last_asked), "
                            + "tokens = excluded.tokens")) {
                        ps.setString(1, d.ecosystem());
                        ps.setString(2, d.packageName());
                        ps.setString(3, d.version());
                        ps.setString(4, d.kind());
                        ps.setLong(5, d.count());
                        ps.setLong(6, d.lastAsked().toEpochMilli());
                        ps.setString(7, String.join(",", tokens));
                        ps.executeUpdate();
                    }
                }
                conn.commit();
            } catch (SQLException | RuntimeException e) {
                conn.rollback();
                throw e;
            } finally {
                conn.setAutoCommit(auto);
            }
            return null;
        });
    }

    @Override
    public List<DemandRecord> demand(String ecosystem, String packageName) {
        return locked(() -> {
            List<DemandRecord> out = new ArrayList<>();
            try (PreparedStatement ps = conn.prepareStatement("SELECT ecosystem, package, version, kind, asked, last_asked, tokens "
                    + "FROM demand WHERE (? IS NULL OR ecosystem = ?) AND (? IS NULL OR package = ?)")) {
                ps.setString(1, ecosystem);
                ps.setString(2, ecosystem);
                ps.setString(3, packageName);
                ps.setString(4, packageName);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        String tokens = rs.getString(7);
                        out.add(new DemandRecord(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4), rs.getLong(5),
                                Instant.ofEpochMilli(rs.getLong(6)), tokens.isEmpty() ? List.of() : List.of(tokens.split(","))));
                    }
                }
            }
            return out;
        });
    }

    @Override
    public void putNewest(String ecosystem, String packageName, String version) {
        locked(() -> {
            try (PreparedStatement ps = conn.prepareStatement("INSERT INTO newest_releases (ecosystem, package, version) VALUES (?,?,?) "
                    + "ON CONFLICT (ecosystem, package) DO UPDATE SET version = excluded.version")) {
                ps.setString(1, ecosystem);
                ps.setString(2, packageName);
                ps.setString(3, version);
                ps.executeUpdate();
            }
            return null;
        });
    }

    @Override
    public Map<String, String> newest(String ecosystem, String packageName) {
        return locked(() -> {
            Map<String, String> out = new HashMap<>();
            try (PreparedStatement ps = conn.prepareStatement("SELECT ecosystem, package, version FROM newest_releases "
                    + "WHERE (? IS NULL OR ecosystem = ?) AND (? IS NULL OR package = ?)")) {
                ps.setString(1, ecosystem);
                ps.setString(2, ecosystem);
                ps.setString(3, packageName);
                ps.setString(4, packageName);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        out.put(rs.getString(1) + "\0" + rs.getString(2), rs.getString(3));
                    }
                }
            }
            return out;
        });
    }

    // ---- admin: tokens, audit log, run-time rules ----

    @Override
    public void putToken(TokenRecord t) {
        locked(() -> {
            try (PreparedStatement ps = conn.prepareStatement("INSERT INTO admin_tokens (name, role, token_hash, created_at, expires_at, "
                    + "revoked_at) VALUES (?,?,?,?,?,NULL)")) {
                ps.setString(1, t.name());
                ps.setString(2, t.role());
                ps.setString(3, t.tokenHash());
                ps.setLong(4, t.createdAt().toEpochMilli());
                setInstant(ps, 5, t.expiresAt());
                ps.executeUpdate();
            }
            return null;
        });
    }

    @Override
    public List<TokenRecord> tokens() {
        return locked(() -> {
            List<TokenRecord> out = new ArrayList<>();
            try (Statement st = conn.createStatement(); ResultSet rs = st.executeQuery(
                    "SELECT name, role, token_hash, created_at, expires_at, revoked_at FROM admin_tokens ORDER BY created_at, name")) {
                while (rs.next()) {
                    out.add(new TokenRecord(rs.getString(1), rs.getString(2), rs.getString(3), Instant.ofEpochMilli(rs.getLong(4)),
                            instant(rs, 5), instant(rs, 6)));
                }
            }
            return out;
        });
    }

    @Override
    public boolean revokeToken(String name, Instant at) {
        return locked(() -> {
            try (PreparedStatement ps = conn.prepareStatement("UPDATE admin_tokens SET revoked_at=? WHERE name=? AND revoked_at IS NULL")) {
                ps.setLong(1, at.toEpochMilli());
                ps.setString(2, name);
                return ps.executeUpdate() == 1;
            }
        });
    }

    @Override
    public AuditRecord appendAudit(Instant at, String actor, String action, String target, String reason, String details) {
        return locked(() -> {
            // IMMEDIATE: another process (the command line) appending at the same moment waits
            // for this one, so both never chain onto the same previous entry.
            try (Statement st = conn.createStatement()) {
                st.execute("BEGIN IMMEDIATE");
            }
            try {
                long seq = 1;
                String prev = AuditChain.GENESIS;
                try (Statement st = conn.createStatement();
                     ResultSet rs = st.executeQuery("SELECT seq, hash FROM audit_log ORDER BY seq DESC LIMIT 1")) {
                    if (rs.next()) {
                        seq = rs.getLong(1) + 1;
                        prev = rs.getString(2);
                    }
                }
                String hash = AuditChain.hash(prev, seq, at, actor, action, target, reason, details);
                try (PreparedStatement ps = conn.prepareStatement("INSERT INTO audit_log (seq, at, actor, action, target, reason, details, "
                        + "prev_hash, hash) VALUES (?,?,?,?,?,?,?,?,?)")) {
                    ps.setLong(1, seq);
                    ps.setLong(2, at.toEpochMilli());
                    ps.setString(3, actor);
                    ps.setString(4, action);
                    ps.setString(5, target);
                    ps.setString(6, reason);
                    ps.setString(7, details);
                    ps.setString(8, prev);
                    ps.setString(9, hash);
                    ps.executeUpdate();
                }
                try (Statement st = conn.createStatement()) {
                    st.execute("COMMIT");
                }
                return new AuditRecord(seq, at, actor, action, target, reason, details, prev, hash);
            } catch (SQLException | RuntimeException e) {
                try (Statement st = conn.createStatement()) {
                    st.execute("ROLLBACK");
                }
                throw e;
            }
        });
    }

    @Override
    public List<AuditRecord> audit(AuditQuery q) {
        return locked(() -> {
            StringBuilder sql = new StringBuilder("SELECT seq, at, actor, action, target, reason, details, prev_hash, hash FROM audit_log");
            List<Object> args = auditWhere(q, sql);
            sql.append(q.oldestFirst() ? " ORDER BY seq" : " ORDER BY seq DESC").append(" LIMIT ? OFFSET ?");
            args.add((long) q.limit());
            args.add((long) q.offset());
            List<AuditRecord> out = new ArrayList<>();
            try (PreparedStatement ps = conn.prepareStatement(sql.toString())) {
                bind(ps, args);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        out.add(new AuditRecord(rs.getLong(1), Instant.ofEpochMilli(rs.getLong(2)), rs.getString(3), rs.getString(4),
                                rs.getString(5), rs.getString(6), rs.getString(7), rs.getString(8), rs.getString(9)));
                    }
                }
            }
            return out;
        });
    }

    @Override
    public long auditCount(AuditQuery q) {
        return locked(() -> {
            StringBuilder sql = new StringBuilder("SELECT count(*) FROM audit_log");
            List<Object> args = auditWhere(q, sql);
            try (PreparedStatement ps = conn.prepareStatement(sql.toString())) {
                bind(ps, args);
                try (ResultSet rs = ps.executeQuery()) {
                    return rs.next() ? rs.getLong(1) : 0L;
                }
            }
        });
    }

    private static List<Object> auditWhere(AuditQuery q, StringBuilder sql) {
        List<Object> args = new ArrayList<>();
        List<String> where = new ArrayList<>();
        if (q.actor() != null) {
            where.add("actor=?");
            args.add(q.actor());
        }
        if (q.action() != null) {
            where.add("action=?");
            args.add(q.action());
        }
        if (q.target() != null) {
            where.add("target=?");
            args.add(q.target());
        }
        if (q.since() != null) {
            where.add("at>=?");
            args.add(q.since().toEpochMilli());
        }
        if (q.afterSeq() > 0) {
            where.add("seq>?");
            args.add(q.afterSeq());
        }
        if (!where.isEmpty()) {
            sql.append(" WHERE ").append(String.join(" AND ", where));
        }
        return args;
    }

    private static void bind(PreparedStatement ps, List<Object> args) throws SQLException {
        for (int i = 0; i < args.size(); i++) {
            Object a = args.get(i);
            if (a instanceof Long l) {
                ps.setLong(i + 1, l);
            } else {
                ps.setString(i + 1, (String) a);
            }
        }
    }

    @Override
    public RuleRecord addRule(String kind, String pattern, String reason, String addedBy, Instant at) {
        return locked(() -> {
            try (PreparedStatement ps = conn.prepareStatement("INSERT INTO policy_rules (kind, pattern, reason, added_by, added_at) "
                    + "VALUES (?,?,?,?,?)", Statement.RETURN_GENERATED_KEYS)) {
                ps.setString(1, kind);
                ps.setString(2, pattern);
                ps.setString(3, reason);
                ps.setString(4, addedBy);
                ps.setLong(5, at.toEpochMilli());
                ps.executeUpdate();
                try (ResultSet keys = ps.getGeneratedKeys()) {
                    keys.next();
                    return new RuleRecord(keys.getLong(1), kind, pattern, reason, addedBy, at, null);
                }
            }
        });
    }

    @Override
    public List<RuleRecord> rules() {
        return locked(() -> {
            List<RuleRecord> out = new ArrayList<>();
            try (Statement st = conn.createStatement(); ResultSet rs = st.executeQuery(
                    "SELECT id, kind, pattern, reason, added_by, added_at FROM policy_rules WHERE removed_at IS NULL ORDER BY id")) {
                while (rs.next()) {
                    out.add(new RuleRecord(rs.getLong(1), rs.getString(2), rs.getString(3), rs.getString(4), rs.getString(5),
                            Instant.ofEpochMilli(rs.getLong(6)), null));
                }
            }
            return out;
        });
    }

    @Override
    public boolean removeRule(long id, Instant at) {
        return locked(() -> {
            try (PreparedStatement ps = conn.prepareStatement("UPDATE policy_rules SET removed_at=? WHERE id=? AND removed_at IS NULL")) {
                ps.setLong(1, at.toEpochMilli());
                ps.setLong(2, id);
                return ps.executeUpdate() == 1;
            }
        });
    }

    @Override
    public void ping() {
        locked(() -> {
            try (Statement st = conn.createStatement(); ResultSet rs = st.executeQuery("SELECT 1")) {
                rs.next();
            }
            return null;
        });
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

    private interface Binder<T> {
        void bind(PreparedStatement ps, T row) throws SQLException;
    }

    /** One statement for many rows, in one transaction: all rows or none. */
    private <T> void batch(String sql, Collection<T> rows, Binder<T> binder) {
        locked(() -> {
            conn.setAutoCommit(false);
            try (PreparedStatement ps = conn.prepareStatement(sql)) {
                for (T row : rows) {
                    binder.bind(ps, row);
                    ps.addBatch();
                }
                ps.executeBatch();
                conn.commit();
            } catch (SQLException e) {
                conn.rollback();
                throw e;
            } finally {
                conn.setAutoCommit(true);
            }
            return null;
        });
    }

    private interface Sql<T> {
        T run() throws SQLException;
    }

    private <T> T locked(Sql<T> body) {
        lock.lock();
        try {
            return body.run();
        } catch (SQLException e) {
            throw new StateStoreException(e.getMessage(), e);
        } finally {
            lock.unlock();
        }
    }
}
