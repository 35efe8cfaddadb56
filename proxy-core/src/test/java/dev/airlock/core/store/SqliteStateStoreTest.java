package dev.airlock.core.store;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Instant;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The embedded state store: migrations, durability across reopen, first-write-wins rules. */
class SqliteStateStoreTest {

    @TempDir
    Path data;

    @Test
    void migratesOnceAndKeepsDataAcrossRestarts() {
        // The schema is created by versioned migrations; reopening applies nothing twice and loses nothing.
        Instant t = Instant.parse("2026-01-01T00:00:00Z");
        try (SqliteStateStore s = new SqliteStateStore(data)) {
            assertEquals(1, s.schemaVersion());
            s.putArtifact(new ArtifactRecord("npm", "a", "a-1.0.0.tgz", "1.0.0", "0".repeat(64), 10, "application/octet-stream", "sha512-x", t));
        }
        try (SqliteStateStore s = new SqliteStateStore(data)) {
            assertEquals(1, s.schemaVersion());
            assertEquals("1.0.0", s.findArtifact("npm", "a", "a-1.0.0.tgz").orElseThrow().version());
            assertTrue(s.findArtifact("npm", "a", "other.tgz").isEmpty());
            s.ping();
        }
    }

    @Test
    void firstArtifactRecordWins() {
        // Coordinates keep the digest first recorded for them; a later different one does not replace it.
        try (SqliteStateStore s = new SqliteStateStore(data)) {
            Instant t = Instant.parse("2026-01-01T00:00:00Z");
            s.putArtifact(new ArtifactRecord("npm", "a", "a.tgz", "1", "1".repeat(64), 1, "x", null, t));
            ArtifactRecord kept = s.putArtifact(new ArtifactRecord("npm", "a", "a.tgz", "1", "2".repeat(64), 2, "x", null, t.plusSeconds(5)));
            assertEquals("1".repeat(64), kept.sha256());
            assertEquals(t, kept.firstSeen());
        }
    }

    @Test
    void metadataStateUpdatesButFirstSeenStays() {
        // Revalidation rewrites fetch state; when Airlock first saw the document does not move.
        try (SqliteStateStore s = new SqliteStateStore(data)) {
            Instant first = Instant.parse("2026-01-01T00:00:00Z");
            s.putMetadata(new MetadataState("npm", "full:a", "a", "ab", "application/json", "\"e1\"", null, first, first));
            s.putMetadata(new MetadataState("npm", "full:a", "a", "cd", "application/json", "\"e2\"", "x", first.plusSeconds(60), first.plusSeconds(60)));
            MetadataState m = s.findMetadata("npm", "full:a").orElseThrow();
            assertEquals("cd", m.bodySha256());
            assertEquals("\"e2\"", m.etag());
            assertEquals(first.plusSeconds(60), m.fetchedAt());
            assertEquals(first, m.firstSeen());
        }
    }

    @Test
    void releaseObservationKeepsTheEarliest() {
        // A release can never be observed later than the first time Airlock saw it listed.
        try (SqliteStateStore s = new SqliteStateStore(data)) {
            Instant t = Instant.parse("2026-01-01T00:00:00Z");
            s.observeReleases("npm", "a", List.of("1.0.0", "1.1.0"), t);
            s.observeReleases("npm", "a", List.of("1.1.0", "2.0.0"), t.plusSeconds(3600));
            assertEquals(t, s.firstObserved("npm", "a", "1.1.0").orElseThrow());
            assertEquals(t.plusSeconds(3600), s.firstObserved("npm", "a", "2.0.0").orElseThrow());
            assertTrue(s.firstObserved("npm", "b", "1.0.0").isEmpty());
        }
    }
}
