package dev.airlock.core.store.sql;

import dev.airlock.core.store.Change;
import dev.airlock.core.store.MetadataState;
import dev.airlock.core.store.MetadataStates;

import java.net.URI;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/** Metadata documents' state in table {@code metadata_state}; a new body is a change other processes drop their copy for. */
public final class SqlMetadata implements MetadataStates {

    private static final String COLUMNS = "ecosystem, cache_key, package, body_sha256, content_type, etag, last_modified, fetched_at, "
            + "first_seen, requested_url, document_url";

    private final Jdbc jdbc;
    private final SqlChangeLog changes;

    public SqlMetadata(Jdbc jdbc, SqlChangeLog changes) {
        this.jdbc = jdbc;
        this.changes = changes;
    }

    @Override
    public Optional<MetadataState> findMetadata(String ecosystem, String cacheKey) {
        return jdbc.first("SELECT " + COLUMNS + " FROM metadata_state WHERE ecosystem=? AND cache_key=?", ps -> {
            ps.setString(1, ecosystem);
            ps.setString(2, cacheKey);
        }, SqlMetadata::state);
    }

    @Override
    public List<MetadataState> metadataOf(String ecosystem, String packageName) {
        return jdbc.query("SELECT " + COLUMNS + " FROM metadata_state WHERE ecosystem=? AND package=? ORDER BY cache_key", ps -> {
            ps.setString(1, ecosystem);
            ps.setString(2, packageName);
        }, SqlMetadata::state);
    }

    private static MetadataState state(ResultSet rs) throws SQLException {
        return new MetadataState(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4), rs.getString(5), rs.getString(6),
                rs.getString(7), Instant.ofEpochMilli(rs.getLong(8)), Instant.ofEpochMilli(rs.getLong(9)), uri(rs.getString(10)),
                uri(rs.getString(11)));
    }

    private static URI uri(String text) {
        try {
            return text == null ? null : URI.create(text);
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    @Override
    public void putMetadata(MetadataState s) {
        jdbc.inTransaction(c -> {
            String before = findMetadata(s.ecosystem(), s.cacheKey()).map(MetadataState::bodySha256).orElse(null);
            // first_seen is kept from the first row: the upsert leaves it out of the update.
            jdbc.update("INSERT INTO metadata_state (" + COLUMNS + ") VALUES (?,?,?,?,?,?,?,?,?,?,?) ON CONFLICT (ecosystem, cache_key) "
                    + "DO UPDATE SET body_sha256=excluded.body_sha256, content_type=excluded.content_type, etag=excluded.etag, "
                    + "last_modified=excluded.last_modified, fetched_at=excluded.fetched_at, requested_url=excluded.requested_url, "
                    + "document_url=excluded.document_url", ps -> {
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
                    });
            if (before != null && !Objects.equals(before, s.bodySha256())) {
                changes.record(Change.METADATA, s.ecosystem(), s.packageName(), s.cacheKey());
            }
            return null;
        });
    }
}
