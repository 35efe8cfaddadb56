package dev.airlock.core.store.sql;

import dev.airlock.core.store.ArtifactIndex;
import dev.airlock.core.store.ArtifactRecord;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** The artifact index in table {@code artifacts}. */
public final class SqlArtifacts implements ArtifactIndex {

    private static final String COLUMNS = "ecosystem, package, filename, version, sha256, size, content_type, upstream_digest, first_seen, "
            + "derived_from, digests";

    private final Jdbc jdbc;

    public SqlArtifacts(Jdbc jdbc) {
        this.jdbc = jdbc;
    }

    @Override
    public Optional<ArtifactRecord> findArtifact(String ecosystem, String packageName, String filename) {
        return jdbc.first("SELECT " + COLUMNS + " FROM artifacts WHERE ecosystem=? AND package=? AND filename=?", ps -> {
            ps.setString(1, ecosystem);
            ps.setString(2, packageName);
            ps.setString(3, filename);
        }, SqlArtifacts::artifact);
    }

    @Override
    public List<ArtifactRecord> artifacts(String ecosystem, String packageName) {
        return jdbc.query("SELECT " + COLUMNS + " FROM artifacts WHERE ecosystem=? AND package=?", ps -> {
            ps.setString(1, ecosystem);
            ps.setString(2, packageName);
        }, SqlArtifacts::artifact);
    }

    private static ArtifactRecord artifact(ResultSet rs) throws SQLException {
        return new ArtifactRecord(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4), rs.getString(5), rs.getLong(6),
                rs.getString(7), rs.getString(8), Instant.ofEpochMilli(rs.getLong(9)), rs.getString(10),
                ArtifactRecord.decode(rs.getString(11)));
    }

    @Override
    public ArtifactRecord putArtifact(ArtifactRecord r) {
        return jdbc.inTransaction(c -> {
            jdbc.update(jdbc.dialect().insertIgnore("artifacts", COLUMNS, "ecosystem, package, filename"), ps -> bind(ps, r));
            return findArtifact(r.ecosystem(), r.packageName(), r.filename()).orElseThrow();
        });
    }

    @Override
    public void replaceArtifact(ArtifactRecord r) {
        jdbc.update(jdbc.dialect().upsert("artifacts", COLUMNS, "ecosystem, package, filename"), ps -> bind(ps, r));
    }

    private static void bind(PreparedStatement ps, ArtifactRecord r) throws SQLException {
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
    }

    @Override
    public List<Map.Entry<String, String>> cachedPackages() {
        return jdbc.query("SELECT DISTINCT ecosystem, package FROM artifacts ORDER BY ecosystem, package", ps -> { },
                rs -> Map.entry(rs.getString(1), rs.getString(2)));
    }

    @Override
    public List<StoredFile> filesByLastUse() {
        return jdbc.query("SELECT a.ecosystem, a.package, a.version, a.filename, a.sha256, a.size, coalesce((SELECT max(d.last_asked) "
                + "FROM demand d WHERE d.ecosystem = a.ecosystem AND d.package = a.package AND d.version = a.version), a.first_seen) "
                + "AS last_use FROM artifacts a ORDER BY last_use, a.sha256", ps -> { },
                rs -> new StoredFile(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4), rs.getString(5), rs.getLong(6),
                        java.time.Instant.ofEpochMilli(rs.getLong(7))));
    }
}
