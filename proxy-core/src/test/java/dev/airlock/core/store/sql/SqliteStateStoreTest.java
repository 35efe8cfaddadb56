package dev.airlock.core.store.sql;

import dev.airlock.core.store.ArtifactRecord;
import dev.airlock.core.store.DecisionRecord;
import dev.airlock.core.store.FileObservation;
import dev.airlock.core.store.MetadataState;
import dev.airlock.core.store.VerdictRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
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
            assertEquals(SqliteStateStore.latestSchemaVersion(), s.schemaVersion());
            s.putArtifact(new ArtifactRecord("npm", "a", "a-1.0.0.tgz", "1.0.0", "0".repeat(64), 10, "application/octet-stream", "sha512-x", t));
        }
        try (SqliteStateStore s = new SqliteStateStore(data)) {
            assertEquals(SqliteStateStore.latestSchemaVersion(), s.schemaVersion());
            assertEquals("1.0.0", s.findArtifact("npm", "a", "a-1.0.0.tgz").orElseThrow().version());
            assertTrue(s.findArtifact("npm", "a", "other.tgz").isEmpty());
            s.ping();
        }
    }

    @Test
    void signersAreLearntAsASetPerScopeAndSurviveTheMigrationFromFirstKeyPins() throws Exception {
        // One groupId is signed by many release managers' keys: each is learnt once, and the answer is what was known before.
        Instant t = Instant.parse("2026-01-01T00:00:00Z");
        try (SqliteStateStore s = new SqliteStateStore(data)) {
            assertEquals(List.of(), s.learnSigner("maven", "org.apache", "pgp", "A", t));
            assertEquals(List.of("A"), s.learnSigner("maven", "org.apache", "pgp", "B", t.plusSeconds(1)));
            assertEquals(List.of("A", "B"), s.learnSigner("maven", "org.apache", "pgp", "A", t.plusSeconds(2)));
            assertEquals(List.of(), s.learnSigner("maven", "com.google", "pgp", "C", t), "scopes are apart");
        }
        try (SqliteStateStore s = new SqliteStateStore(data)) {
            assertEquals(List.of("A", "B"), s.learnSigner("maven", "org.apache", "pgp", "D", t.plusSeconds(3)));
        }
    }

    @Test
    void aReleaseKeepsTheEarliestPublishTimeStated() {
        // A mirror re-syncing a file can only make it look younger: the earliest Last-Modified stated is kept.
        try (SqliteStateStore s = new SqliteStateStore(data)) {
            Instant t = Instant.parse("2012-07-09T06:00:00Z");
            s.putReleaseTime("maven", "org.hamcrest:hamcrest-core", "1.3", t);
            s.putReleaseTime("maven", "org.hamcrest:hamcrest-core", "1.3", t.plusSeconds(86400));
            assertEquals(Map.of("1.3", t), s.releaseTimes("maven", "org.hamcrest:hamcrest-core"));
            s.putReleaseTime("maven", "org.hamcrest:hamcrest-core", "1.3", t.minusSeconds(60));
            assertEquals(t.minusSeconds(60), s.releaseTimes("maven", "org.hamcrest:hamcrest-core").get("1.3"));
            assertEquals(Map.of(), s.releaseTimes("maven", "org.hamcrest:hamcrest-library"));
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

    @Test
    void aVersionOneStoreIsUpgradedInPlace() throws Exception {
        // A store written before file facts existed: V2 runs on top, old records read back with no derivation.
        Files.createDirectories(data);
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + data.resolve("state.db"));
             Statement st = c.createStatement();
             InputStream v1 = SqliteStateStore.class.getResourceAsStream("/dev/airlock/core/store/migrations/V1__initial.sql")) {
            st.execute("CREATE TABLE schema_version (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at INTEGER NOT NULL)");
            for (String stmt : new String(v1.readAllBytes(), StandardCharsets.UTF_8).split(";")) {
                if (!stmt.replaceAll("(?m)^--.*$", "").isBlank()) {
                    st.execute(stmt);
                }
            }
            st.execute("INSERT INTO schema_version VALUES (1, 'V1__initial.sql', 0)");
            st.execute("INSERT INTO artifacts VALUES ('pypi','a','a-1.0.tar.gz','1.0','" + "0".repeat(64) + "',5,'x','sha256-x',0)");
        }
        try (SqliteStateStore s = new SqliteStateStore(data)) {
            assertEquals(SqliteStateStore.latestSchemaVersion(), s.schemaVersion());
            ArtifactRecord old = s.findArtifact("pypi", "a", "a-1.0.tar.gz").orElseThrow();
            assertNull(old.derivedFrom());
            s.putArtifact(new ArtifactRecord("pypi", "a", "a-1.0-py3-none-any.whl.metadata", "1.0", "1".repeat(64), 3, "text/plain",
                    null, Instant.EPOCH, "a-1.0-py3-none-any.whl"));
            assertEquals(List.of("a-1.0-py3-none-any.whl", "null"), s.artifacts("pypi", "a").stream()
                    .map(r -> String.valueOf(r.derivedFrom())).sorted().toList());
            // V3: further digests of the stored bytes round-trip.
            s.putArtifact(new ArtifactRecord("maven", "g:a", "g/a/1/a-1.jar", "1", "2".repeat(64), 9, "application/java-archive",
                    "SHA-1=" + "3".repeat(40), Instant.EPOCH, null, Map.of("SHA-1", "3".repeat(40), "MD5", "4".repeat(32))));
            ArtifactRecord jar = s.findArtifact("maven", "g:a", "g/a/1/a-1.jar").orElseThrow();
            assertEquals("3".repeat(40), jar.digest("SHA-1").orElseThrow());
            assertEquals("4".repeat(32), jar.digest("MD5").orElseThrow());
            assertEquals("2".repeat(64), jar.digest("SHA-256").orElseThrow());
            assertTrue(jar.digest("SHA-512").isEmpty());
            // V4: which root answered for a document, and its final URL.
            s.putMetadata(new MetadataState("pypi", "json:a", "a", "ab", "text/html", null, null, Instant.EPOCH, Instant.EPOCH,
                    java.net.URI.create("http://b.test/simple/a/"), java.net.URI.create("http://b.test/simple/a/index.html")));
            MetadataState m = s.findMetadata("pypi", "json:a").orElseThrow();
            assertEquals(java.net.URI.create("http://b.test/simple/a/"), m.requestedUrl());
            assertEquals(java.net.URI.create("http://b.test/simple/a/index.html"), m.documentUrl());
        }
    }

    @Test
    void aFileListedWithANewDigestIsObservedAfresh() {
        // First-seen stays while the digest stays; a replaced file (new digest, same name) starts again and loses its probed size.
        Instant t0 = Instant.parse("2026-01-01T00:00:00Z");
        Instant t1 = t0.plusSeconds(3600);
        try (SqliteStateStore s = new SqliteStateStore(data)) {
            s.observeFiles("pypi", "a", Map.of("a-1.whl", "sha256-A", "a-2.whl", "sha256-B"), t0);
            s.recordProbedSize("pypi", "a", "a-1.whl", OptionalLong.of(42), t0);
            s.recordProbedSize("pypi", "a", "a-2.whl", OptionalLong.of(7), t0);
            s.observeFiles("pypi", "a", Map.of("a-1.whl", "sha256-A", "a-2.whl", "sha256-C", "a-3.whl", "sha256-D"), t1);
            Map<String, FileObservation> seen = s.observedFiles("pypi", "a");
            assertEquals(t0, seen.get("a-1.whl").firstSeen());
            assertEquals(OptionalLong.of(42), seen.get("a-1.whl").size());
            assertEquals(t1, seen.get("a-2.whl").firstSeen());
            assertEquals(OptionalLong.empty(), seen.get("a-2.whl").size());
            assertNull(seen.get("a-2.whl").probedAt());
            assertEquals(t1, seen.get("a-3.whl").firstSeen());
            assertTrue(s.observedFiles("pypi", "b").isEmpty());
        }
    }

    @Test
    void verdictsAndDecisionsRoundTrip() {
        Instant t = Instant.parse("2026-01-01T00:00:00Z");
        try (SqliteStateStore s = new SqliteStateStore(data)) {
            assertTrue(SqliteStateStore.latestSchemaVersion() >= 5);
            VerdictRecord held = new VerdictRecord("abc123", "npm", "left-pad", "2.0.0", "QUARANTINED", t.plusSeconds(60), "[]", "d1", "p1", t, t);
            s.putVerdicts(List.of(held, new VerdictRecord("def456", "npm", "left-pad", "1.0.0", "APPROVED", null, "[]", "d0", "p1", null, t)));
            assertEquals(held, s.verdict("abc123").orElseThrow());
            assertEquals(2, s.verdicts("npm", "left-pad").size());
            assertEquals(List.of(held), s.held(null));
            assertTrue(s.held("pypi").isEmpty());
            DecisionRecord d1 = s.addDecision(new DecisionRecord(0, "abc123", "release", "reviewed", "alice", "d1", null, t));
            DecisionRecord d2 = s.addDecision(new DecisionRecord(0, "abc123", "reject", "changed my mind", "bob", "d1", t.plusSeconds(5), t));
            assertTrue(d2.seq() > d1.seq());
            assertEquals(List.of(d1, d2), s.decisions("abc123"));
            assertEquals(Map.of("abc123", List.of(d1, d2)), s.decisionsFor("npm", "left-pad"));
            assertEquals(t, s.observedReleases("npm", "none").values().stream().findFirst().orElse(t));
        }
    }
}
