package dev.airlock.core.airgap;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.airlock.core.admin.AuditLog;
import dev.airlock.core.policy.Quarantine;
import dev.airlock.core.proxy.MetadataBodies;
import dev.airlock.core.store.ArtifactRecord;
import dev.airlock.core.store.AuditQuery;
import dev.airlock.core.store.AuditRecord;
import dev.airlock.core.store.BlobStore;
import dev.airlock.core.store.DecisionRecord;
import dev.airlock.core.store.FileBlobStore;
import dev.airlock.core.store.MetadataState;
import dev.airlock.core.store.StateStore;
import dev.airlock.core.store.VerdictRecord;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.Deflater;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

/**
 * Writes a bundle for an air-gapped mirror: a zip whose first entry is a manifest naming every
 * other entry with its SHA-256 and size, signed with the instance's Ed25519 key (second entry),
 * then the records (what was cached and decided, and the audit entries behind it), the metadata
 * documents clients need, and the approved files themselves, content-addressed. Files stream
 * from the blob store one at a time: a bundle of any size never sits in memory.
 */
public final class Export {

    static final String FORMAT = "airlock-bundle/1";
    static final List<String> RECORD_FILES = List.of("artifacts", "metadata", "verdicts", "decisions", "observed", "content", "audit");

    private Export() {
    }

    /** What was written. */
    public record Summary(int packages, int artifacts, int metadata, long artifactBytes, String keyId) {
    }

    /**
     * @param since only files Airlock first cached at or after this (incremental bundles); null for all
     */
    public static Summary write(StateStore state, Path dataDir, ExportKey key, Instant since, Clock clock, OutputStream out)
            throws IOException {
        BlobStore blobs = FileBlobStore.shared(dataDir);
        BlobStore documents = new FileBlobStore(dataDir, "documents", false);
        MetadataBodies metadataBodies = new MetadataBodies(documents, dataDir, state, clock);
        Map<String, StringBuilder> records = new LinkedHashMap<>();
        RECORD_FILES.forEach(r -> records.put(r, new StringBuilder()));
        Map<String, Long> blobSizes = new LinkedHashMap<>();
        Map<String, Long> bodies = new LinkedHashMap<>();
        int packages = 0;
        int artifacts = 0;
        int metadata = 0;
        long bytes = 0;
        Instant now = clock.instant();
        for (Map.Entry<String, String> p : state.cachedPackages()) {
            String eco = p.getKey();
            String pkg = p.getValue();
            Map<String, VerdictRecord> verdicts = state.verdicts(eco, pkg);
            Map<String, List<DecisionRecord>> decisions = state.decisionsFor(eco, pkg);
            List<ArtifactRecord> included = new ArrayList<>();
            for (ArtifactRecord r : state.artifacts(eco, pkg)) {
                if (since != null && r.firstSeen().isBefore(since)) {
                    continue;
                }
                if (!approved(verdicts.get(r.version()), decisions, now) || !blobs.contains(r.sha256())) {
                    continue;
                }
                included.add(r);
            }
            if (included.isEmpty()) {
                continue;
            }
            packages++;
            for (ArtifactRecord r : included) {
                records.get("artifacts").append(Records.artifact(r)).append('\n');
                if (blobSizes.putIfAbsent(r.sha256(), r.size()) == null) {
                    bytes += r.size();
                }
                artifacts++;
            }
            for (MetadataState m : state.metadataOf(eco, pkg)) {
                byte[] body;
                try {
                    body = metadataBodies.read(m); // checked against its digest (and moved from an older layout)
                } catch (IOException lostCopy) {
                    continue; // the server fetches it again; nothing to carry
                }
                records.get("metadata").append(Records.metadata(m)).append('\n');
                bodies.putIfAbsent(m.bodySha256(), (long) body.length);
                metadata++;
            }
            verdicts.values().forEach(v -> records.get("verdicts").append(Records.verdict(v)).append('\n'));
            decisions.values().forEach(list -> list.forEach(d -> records.get("decisions").append(Records.decision(d)).append('\n')));
            state.observedReleases(eco, pkg).forEach((version, at) -> records.get("observed").append(Records.JSON.createObjectNode()
                    .put("ecosystem", eco).put("package", pkg).put("version", version).put("firstSeen", at.toEpochMilli())).append('\n'));
            state.contentFacts(eco, pkg).forEach((version, files) -> files.forEach((filename, facts) -> records.get("content")
                    .append(Records.JSON.createObjectNode().put("ecosystem", eco).put("package", pkg).put("version", version)
                            .put("filename", filename).put("facts", facts)).append('\n')));
        }
        long after = 0;
        while (true) {
            List<AuditRecord> page = state.audit(AuditQuery.after(after, 1000));
            if (page.isEmpty()) {
                break;
            }
            for (AuditRecord a : page) {
                if (since == null || !a.at().isBefore(since)) {
                    records.get("audit").append(AuditLog.json(a)).append('\n');
                }
                after = a.seq();
            }
        }

        ObjectNode manifest = Records.JSON.createObjectNode().put("format", FORMAT).put("createdAt", now.toString())
                .put("since", since == null ? null : since.toString()).put("keyId", key.keyId());
        ArrayNode files = manifest.putArray("files");
        Map<String, byte[]> recordBytes = new LinkedHashMap<>();
        for (Map.Entry<String, StringBuilder> r : records.entrySet()) {
            byte[] b = r.getValue().toString().getBytes(StandardCharsets.UTF_8);
            recordBytes.put("records/" + r.getKey() + ".jsonl", b);
            files.addObject().put("path", "records/" + r.getKey() + ".jsonl").put("sha256", sha256(b)).put("size", b.length);
        }
        for (Map.Entry<String, Long> b : bodies.entrySet()) {
            files.addObject().put("path", "metadata/" + b.getKey()).put("sha256", b.getKey()).put("size", b.getValue());
        }
        for (Map.Entry<String, Long> b : blobSizes.entrySet()) {
            files.addObject().put("path", "blobs/" + b.getKey()).put("sha256", b.getKey()).put("size", b.getValue());
        }
        byte[] manifestBytes = Records.JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(manifest);

        ZipOutputStream zip = new ZipOutputStream(out);
        // The files are archives already: stored as they are, written at disk speed.
        zip.setLevel(Deflater.NO_COMPRESSION);
        entry(zip, "manifest.json", manifestBytes);
        entry(zip, "manifest.sig", (Base64.getEncoder().encodeToString(key.sign(manifestBytes)) + "\n").getBytes(StandardCharsets.US_ASCII));
        for (Map.Entry<String, byte[]> r : recordBytes.entrySet()) {
            entry(zip, r.getKey(), r.getValue());
        }
        for (String sha : bodies.keySet()) {
            copy(zip, "metadata/" + sha, documents, sha);
        }
        for (String sha : blobSizes.keySet()) {
            copy(zip, "blobs/" + sha, blobs, sha);
        }
        zip.finish();
        zip.flush();
        return new Summary(packages, artifacts, metadata, bytes, key.keyId());
    }

    /** A release may leave when the policy approves it, or a person released it (for its current facts, not expired). */
    private static boolean approved(VerdictRecord v, Map<String, List<DecisionRecord>> decisions, Instant now) {
        if (v == null || v.verdict().equals("APPROVED")) {
            return true;
        }
        if (v.verdict().equals("QUARANTINED") && v.heldUntil() != null && !now.isBefore(v.heldUntil())) {
            return true; // an age hold that has ended
        }
        DecisionRecord inForce = Quarantine.inForce(decisions.getOrDefault(v.id(), List.of()), v.factsDigest(), now);
        return inForce != null && inForce.action().equals("release") && !v.verdict().equals("DENIED");
    }

    private static void entry(ZipOutputStream zip, String name, byte[] body) throws IOException {
        zip.putNextEntry(new ZipEntry(name));
        zip.write(body);
        zip.closeEntry();
    }

    private static void copy(ZipOutputStream zip, String name, BlobStore store, String sha256) throws IOException {
        zip.putNextEntry(new ZipEntry(name));
        try (InputStream in = store.open(sha256)) {
            in.transferTo(zip);
        }
        zip.closeEntry();
    }

    static String sha256(byte[] b) {
        return HexFormat.of().formatHex(digest().digest(b));
    }

    static String sha256(Path file) throws IOException {
        MessageDigest d = digest();
        try (InputStream in = Files.newInputStream(file)) {
            byte[] buf = new byte[1 << 16];
            for (int n; (n = in.read(buf)) > 0; ) {
                d.update(buf, 0, n);
            }
        }
        return HexFormat.of().formatHex(d.digest());
    }

    static MessageDigest digest() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
