package dev.airlock.core.store.sql;

import dev.airlock.core.store.FileObservation;
import dev.airlock.core.store.Observations;

import java.sql.Types;
import java.time.Instant;
import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;

/** What was seen upstream and when, in tables {@code release_observed}, {@code listed_files}, {@code release_times} and {@code newest_releases}. */
public final class SqlObservations implements Observations {

    private final Jdbc jdbc;

    public SqlObservations(Jdbc jdbc) {
        this.jdbc = jdbc;
    }

    @Override
    public void observeReleases(String ecosystem, String packageName, Collection<String> versions, Instant now) {
        jdbc.batch(jdbc.dialect().insertIgnore("release_observed", "ecosystem, package, version, first_seen", "ecosystem, package, version"),
                versions, (ps, v) -> {
                    ps.setString(1, ecosystem);
                    ps.setString(2, packageName);
                    ps.setString(3, v);
                    ps.setLong(4, now.toEpochMilli());
                });
    }

    @Override
    public Optional<Instant> firstObserved(String ecosystem, String packageName, String version) {
        return jdbc.first("SELECT first_seen FROM release_observed WHERE ecosystem=? AND package=? AND version=?", ps -> {
            ps.setString(1, ecosystem);
            ps.setString(2, packageName);
            ps.setString(3, version);
        }, rs -> Instant.ofEpochMilli(rs.getLong(1)));
    }

    @Override
    public void observeFiles(String ecosystem, String packageName, Map<String, String> integrityByFile, Instant now) {
        // A name listed with a new digest is a new file (a static mirror replaced it): its
        // observation and any probed size start again.
        jdbc.batch("INSERT INTO listed_files (ecosystem, package, filename, integrity, first_seen) VALUES (?,?,?,?,?) "
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
        Map<String, FileObservation> out = new HashMap<>();
        jdbc.query("SELECT filename, integrity, first_seen, size, probed_at FROM listed_files WHERE ecosystem=? AND package=?", ps -> {
            ps.setString(1, ecosystem);
            ps.setString(2, packageName);
        }, rs -> {
            long size = rs.getLong(4);
            OptionalLong known = rs.wasNull() ? OptionalLong.empty() : OptionalLong.of(size);
            return new FileObservation(rs.getString(1), rs.getString(2), Instant.ofEpochMilli(rs.getLong(3)), known, Jdbc.instant(rs, 5));
        }).forEach(o -> out.put(o.filename(), o));
        return out;
    }

    @Override
    public void recordProbedSize(String ecosystem, String packageName, String filename, OptionalLong size, Instant at) {
        jdbc.update("UPDATE listed_files SET size=?, probed_at=? WHERE ecosystem=? AND package=? AND filename=?", ps -> {
            if (size.isPresent()) {
                ps.setLong(1, size.getAsLong());
            } else {
                ps.setNull(1, Types.BIGINT);
            }
            ps.setLong(2, at.toEpochMilli());
            ps.setString(3, ecosystem);
            ps.setString(4, packageName);
            ps.setString(5, filename);
        });
    }

    @Override
    public Map<String, Instant> observedReleases(String ecosystem, String packageName) {
        return byVersion("SELECT version, first_seen FROM release_observed WHERE ecosystem=? AND package=?", ecosystem, packageName);
    }

    @Override
    public void putReleaseTime(String ecosystem, String packageName, String version, Instant publishedAt) {
        jdbc.update("INSERT INTO release_times (ecosystem, package, version, published_at) VALUES (?,?,?,?) "
                + "ON CONFLICT (ecosystem, package, version) DO UPDATE SET published_at = excluded.published_at "
                + "WHERE excluded.published_at < release_times.published_at", ps -> {
                    ps.setString(1, ecosystem);
                    ps.setString(2, packageName);
                    ps.setString(3, version);
                    ps.setLong(4, publishedAt.toEpochMilli());
                });
    }

    @Override
    public Map<String, Instant> releaseTimes(String ecosystem, String packageName) {
        return byVersion("SELECT version, published_at FROM release_times WHERE ecosystem=? AND package=?", ecosystem, packageName);
    }

    private Map<String, Instant> byVersion(String sql, String ecosystem, String packageName) {
        Map<String, Instant> out = new HashMap<>();
        jdbc.query(sql, ps -> {
            ps.setString(1, ecosystem);
            ps.setString(2, packageName);
        }, rs -> Map.entry(rs.getString(1), Instant.ofEpochMilli(rs.getLong(2)))).forEach(e -> out.put(e.getKey(), e.getValue()));
        return out;
    }

    @Override
    public void putNewest(String ecosystem, String packageName, String version) {
        jdbc.update(jdbc.dialect().upsert("newest_releases", "ecosystem, package, version", "ecosystem, package"), ps -> {
            ps.setString(1, ecosystem);
            ps.setString(2, packageName);
            ps.setString(3, version);
        });
    }

    @Override
    public Map<String, String> newest(String ecosystem, String packageName) {
        Map<String, String> out = new HashMap<>();
        jdbc.query("SELECT ecosystem, package, version FROM newest_releases WHERE (? IS NULL OR ecosystem = ?) AND (? IS NULL OR package = ?)",
                ps -> {
                    ps.setString(1, ecosystem);
                    ps.setString(2, ecosystem);
                    ps.setString(3, packageName);
                    ps.setString(4, packageName);
                }, rs -> Map.entry(rs.getString(1) + "\0" + rs.getString(2), rs.getString(3)))
                .forEach(e -> out.put(e.getKey(), e.getValue()));
        return out;
    }
}
