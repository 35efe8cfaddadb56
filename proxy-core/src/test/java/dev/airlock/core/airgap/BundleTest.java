package dev.airlock.core.airgap;

import dev.airlock.core.store.ArtifactRecord;
import dev.airlock.core.store.BlobSpool;
import dev.airlock.core.store.BlobStore;
import dev.airlock.core.store.FileBlobStore;
import dev.airlock.core.store.sql.SqliteStateStore;
import dev.airlock.core.store.VerdictRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Bundles on a store made by hand: what is carried (approved, since), and what the import keeps out. */
class BundleTest {

    private static final Instant T0 = Instant.parse("2026-06-01T00:00:00Z");
    private static final Clock CLOCK = Clock.fixed(T0.plusSeconds(86_400 * 10), ZoneOffset.UTC);

    @TempDir
    Path tmp;

    private static ArtifactRecord file(SqliteStateStore s, BlobStore blobs, String pkg, String version, String text, Instant seen) throws Exception {
        String sha;
        long size;
        try (BlobSpool p = blobs.spool(java.util.Set.of())) {
            p.write(text.getBytes(StandardCharsets.UTF_8));
            size = p.size();
            sha = p.sha256Hex();
            p.commit();
        }
        return s.putArtifact(new ArtifactRecord("npm", pkg, pkg + "-" + version + ".tgz", version, sha, size, "application/octet-stream",
                null, seen, null, Map.of()));
    }

    @Test
    void onlyApprovedFilesAreCarriedAndSinceMakesIncrementalBundles() throws Exception {
        Path data = tmp.resolve("outside");
        Path inside = tmp.resolve("inside");
        try (SqliteStateStore s = new SqliteStateStore(data)) {
            BlobStore blobs = new FileBlobStore(data);
            file(s, blobs, "old-pkg", "1.0.0", "old", T0);
            file(s, blobs, "new-pkg", "1.0.0", "new", T0.plusSeconds(86_400 * 5));
            file(s, blobs, "held-pkg", "1.0.0", "held", T0.plusSeconds(86_400 * 5));
            s.putVerdicts(List.of(new VerdictRecord("h1", "npm", "held-pkg", "1.0.0", "QUARANTINED", null, "[]", "d", "v", T0, T0)));
            ExportKey key = ExportKey.loadOrCreate(data);

            ByteArrayOutputStream all = new ByteArrayOutputStream();
            Export.Summary full = Export.write(s, data, key, null, CLOCK, all);
            assertEquals(2, full.artifacts(), "the held release stays outside");
            ByteArrayOutputStream since = new ByteArrayOutputStream();
            Export.Summary incremental = Export.write(s, data, key, T0.plusSeconds(86_400 * 2), CLOCK, since);
            assertEquals(1, incremental.artifacts(), "only what was cached since");

            ExportKey.Trusted trusted = ExportKey.Trusted.parse(key.publicLine(), "test");
            try (SqliteStateStore in = new SqliteStateStore(inside)) {
                Import.Summary first = Import.run(new ByteArrayInputStream(since.toByteArray()), List.of(trusted), inside, in, CLOCK, "test", l -> { });
                assertEquals(1, first.artifactsAdded());
                assertTrue(in.findArtifact("npm", "new-pkg", "new-pkg-1.0.0.tgz").isPresent());
                assertFalse(in.findArtifact("npm", "old-pkg", "old-pkg-1.0.0.tgz").isPresent());
                Import.Summary second = Import.run(new ByteArrayInputStream(all.toByteArray()), List.of(trusted), inside, in, CLOCK, "test", l -> { });
                assertEquals(1, second.artifactsAdded());
                assertEquals(1, second.artifactsKnown());
                assertFalse(in.findArtifact("npm", "held-pkg", "held-pkg-1.0.0.tgz").isPresent());
                assertTrue(FileBlobStore.shared(inside).contains(in.findArtifact("npm", "old-pkg", "old-pkg-1.0.0.tgz").orElseThrow().sha256()));

                BundleException none = assertThrows(BundleException.class, () -> Import.run(new ByteArrayInputStream(all.toByteArray()),
                        List.of(), inside, in, CLOCK, "test", l -> { }));
                assertTrue(none.getMessage().contains("no trusted export key"));
                BundleException notZip = assertThrows(BundleException.class, () -> Import.run(new ByteArrayInputStream(
                        "not a bundle".getBytes(StandardCharsets.UTF_8)), List.of(trusted), inside, in, CLOCK, "test", l -> { }));
                assertTrue(notZip.getMessage().contains("not an Airlock bundle"), notZip.getMessage());
                assertTrue(in.auditCount(new dev.airlock.core.store.AuditQuery(null, "import", null, null, 0, true, 10, 0)) == 2,
                        "each import is in the audit log");
            }
        }
    }

    @Test
    void aPublicKeyFileThatIsNotOneIsRefusedNamingIt() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ExportKey.Trusted.parse("ssh-ed25519 AAAA", "keys/x.pub"));
        assertTrue(e.getMessage().contains("keys/x.pub"));
        assertThrows(IllegalArgumentException.class, () -> ExportKey.Trusted.parse("airlock-export-key ed25519 AAAA x", "k"));
    }

    @Test
    void aSignedBundleWithAMalformedRowChangesNothing() throws Exception {
        // Signed by the trusted key and every digest right, but one verdict row lacks a field: refused before any write.
        Path data = tmp.resolve("outside");
        Path inside = tmp.resolve("inside");
        try (SqliteStateStore s = new SqliteStateStore(data)) {
            file(s, new FileBlobStore(data), "good-pkg", "1.0.0", "good", T0);
            ExportKey key = ExportKey.loadOrCreate(data);
            ByteArrayOutputStream bundle = new ByteArrayOutputStream();
            Export.write(s, data, key, null, CLOCK, bundle);
            byte[] broken = withVerdictRow(bundle.toByteArray(), "{\"id\":\"x\"}\n", key);
            try (SqliteStateStore in = new SqliteStateStore(inside)) {
                BundleException e = assertThrows(BundleException.class, () -> Import.run(new ByteArrayInputStream(broken),
                        List.of(ExportKey.Trusted.parse(key.publicLine(), "test")), inside, in, CLOCK, "test", l -> { }));
                assertTrue(e.getMessage().contains("malformed"), e.getMessage());
                assertFalse(in.findArtifact("npm", "good-pkg", "good-pkg-1.0.0.tgz").isPresent(), "no row written");
                try (var blobs = java.nio.file.Files.walk(inside.resolve("blobs"))) {
                    assertEquals(0, blobs.filter(java.nio.file.Files::isRegularFile).count(), "no blob adopted");
                }
            }
        }
    }

    /** The bundle with one more line in records/verdicts.jsonl, the manifest updated and signed again by {@code key}. */
    private static byte[] withVerdictRow(byte[] bundle, String row, ExportKey key) throws Exception {
        Map<String, byte[]> entries = new java.util.LinkedHashMap<>();
        try (java.util.zip.ZipInputStream zin = new java.util.zip.ZipInputStream(new ByteArrayInputStream(bundle))) {
            for (java.util.zip.ZipEntry e; (e = zin.getNextEntry()) != null; ) {
                entries.put(e.getName(), zin.readAllBytes());
            }
        }
        byte[] verdicts = (new String(entries.get("records/verdicts.jsonl"), StandardCharsets.UTF_8) + row).getBytes(StandardCharsets.UTF_8);
        entries.put("records/verdicts.jsonl", verdicts);
        com.fasterxml.jackson.databind.node.ObjectNode m = (com.fasterxml.jackson.databind.node.ObjectNode) Records.JSON.readTree(entries.get("manifest.json"));
        for (com.fasterxml.jackson.databind.JsonNode f : m.path("files")) {
            if (f.path("path").asText().equals("records/verdicts.jsonl")) {
                ((com.fasterxml.jackson.databind.node.ObjectNode) f).put("sha256", Export.sha256(verdicts)).put("size", verdicts.length);
            }
        }
        byte[] manifest = Records.JSON.writeValueAsBytes(m);
        entries.put("manifest.json", manifest);
        entries.put("manifest.sig", java.util.Base64.getEncoder().encode(key.sign(manifest)));
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (java.util.zip.ZipOutputStream zout = new java.util.zip.ZipOutputStream(out)) {
            for (Map.Entry<String, byte[]> e : entries.entrySet()) {
                zout.putNextEntry(new java.util.zip.ZipEntry(e.getKey()));
                zout.write(e.getValue());
                zout.closeEntry();
            }
        }
        return out.toByteArray();
    }
}
