package dev.airlock.core.airgap;

import com.fasterxml.jackson.databind.JsonNode;
import dev.airlock.core.json.StrictJson;
import dev.airlock.core.store.ArtifactRecord;
import dev.airlock.core.store.BlobStore;
import dev.airlock.core.store.DecisionRecord;
import dev.airlock.core.store.FileBlobStore;
import dev.airlock.core.store.MetadataState;
import dev.airlock.core.store.StateStore;
import dev.airlock.core.store.VerdictRecord;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.DateTimeException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.regex.Pattern;
import java.util.zip.ZipEntry;
import java.util.zip.ZipException;
import java.util.zip.ZipInputStream;

/**
 * Loads a bundle into an air-gapped Airlock. Nothing becomes visible until everything is
 * checked: the manifest's Ed25519 signature by a trusted key, then every entry streamed to a
 * staging folder while its SHA-256 and size are compared with the manifest, every name allowed
 * and expected once, and no listed entry missing. A bundle that fails any check changes nothing.
 * Loading the same bundle twice adds nothing the second time.
 */
public final class Import {

    private static final Pattern ALLOWED = Pattern.compile(
            "records/(artifacts|metadata|verdicts|decisions|observed|content|audit)\\.jsonl|metadata/[0-9a-f]{64}|blobs/[0-9a-f]{64}");
    /** The manifest and the records are read whole; these bound what an attacker can make us hold. */
    private static final int MAX_MANIFEST = 64 << 20;
    private static final long MAX_RECORDS = 512L << 20;

    private Import() {
    }

    /** What the import changed. */
    public record Summary(String keyId, int artifactsAdded, int artifactsKnown, int metadataAdded, int decisionsAdded, long bytes) {
    }

    private record Expected(String sha256, long size) {
    }

    public static Summary run(InputStream in, List<ExportKey.Trusted> trusted, Path dataDir, StateStore state, Clock clock, String actor,
                              Consumer<String> progress) throws BundleException, IOException {
        if (trusted.isEmpty()) {
            throw new BundleException("no trusted export key: give --trusted-key FILE or list export.pub files under airgap.trustedKeys");
        }
        Path staging = Files.createTempDirectory(Files.createDirectories(dataDir.resolve("tmp")), "import-");
        try {
            ZipInputStream zip = new ZipInputStream(in);
            byte[] manifestBytes = whole(zip, "manifest.json", MAX_MANIFEST);
            byte[] sig = whole(zip, "manifest.sig", 4096);
            JsonNode manifest;
            try {
                manifest = StrictJson.read(manifestBytes);
            } catch (IOException e) {
                throw new BundleException("the manifest is not JSON (" + e.getMessage() + ")");
            }
            String keyId = manifest.path("keyId").asText("");
            ExportKey.Trusted signer = null;
            byte[] signature;
            try {
                signature = Base64.getDecoder().decode(new String(sig, StandardCharsets.US_ASCII).strip());
            } catch (IllegalArgumentException e) {
                throw new BundleException("the manifest signature is not base64");
            }
            for (ExportKey.Trusted t : trusted) {
                if (t.verifies(manifestBytes, signature)) {
                    signer = t;
                }
            }
            if (signer == null) {
                throw new BundleException("the manifest is not signed by a trusted export key (it names key " + keyId
                        + "; trusted: " + trusted.stream().map(ExportKey.Trusted::keyId).toList() + ")");
            }
            if (!Export.FORMAT.equals(manifest.path("format").asText())) {
                throw new BundleException("the bundle's format " + manifest.path("format").asText() + " is not " + Export.FORMAT);
            }
            Map<String, Expected> expected = new LinkedHashMap<>();
            for (JsonNode f : manifest.path("files")) {
                String path = f.path("path").asText("");
                if (!ALLOWED.matcher(path).matches()) {
                    throw new BundleException("the manifest names a path Airlock does not accept: " + path);
                }
                String sha = f.path("sha256").asText("");
                if ((path.startsWith("blobs/") || path.startsWith("metadata/")) && !path.endsWith("/" + sha)) {
                    throw new BundleException("the manifest files " + path + " under another name than its sha256 " + sha);
                }
                if (expected.put(path, new Expected(sha, f.path("size").asLong(-1))) != null) {
                    throw new BundleException("the manifest names " + path + " twice");
                }
            }
            progress.accept("manifest signed by " + signer.keyId() + " (" + signer.source() + "): " + expected.size() + " entries");

            Map<String, Path> staged = new HashMap<>();
            long bytes = 0;
            int done = 0;
            for (ZipEntry e; (e = next(zip)) != null; ) {
                String name = e.getName();
                Expected x = expected.get(name);
                if (x == null) {
                    throw new BundleException("the bundle holds " + name + ", which its manifest does not list");
                }
                if (staged.containsKey(name)) {
                    throw new BundleException("the bundle holds " + name + " twice");
                }
                Path file = staging.resolve(name.replace('/', '_'));
                MessageDigest d = Export.digest();
                long size = 0;
                try (OutputStream out = Files.newOutputStream(file)) {
                    byte[] buf = new byte[1 << 16];
                    for (int n; (n = read(zip, buf, name)) > 0; ) {
                        size += n;
                        if (size > x.size()) {
                            throw new BundleException(name + " is longer than its manifest says (" + x.size() + " bytes)");
                        }
                        d.update(buf, 0, n);
                        out.write(buf, 0, n);
                    }
                } catch (ZipException ze) {
                    throw new BundleException("the bundle is damaged at " + name + ": " + ze.getMessage());
                }
                String sha = HexFormat.of().formatHex(d.digest());
                if (size != x.size() || !sha.equals(x.sha256())) {
                    throw new BundleException(name + " is not what the manifest signs (sha256 " + sha + ", " + size + " bytes; signed: "
                            + x.sha256() + ", " + x.size() + " bytes)");
                }
                staged.put(name, file);
                bytes += size;
                if (++done % 500 == 0) {
                    progress.accept("verified " + done + " of " + expected.size() + " entries (" + (bytes >> 20) + " MiB)");
                }
            }
            for (String name : expected.keySet()) {
                if (!staged.containsKey(name)) {
                    throw new BundleException("the bundle ends before " + name + " (truncated?)");
                }
            }
            progress.accept("verified all " + expected.size() + " entries; loading");
            String target = "bundle:" + Export.sha256(manifestBytes).substring(0, 16);
            String signerId = signer.keyId();
            String createdAt = manifest.path("createdAt").asText();
            return apply(staged, dataDir, state, clock, signer.keyId(), bytes, s -> state.appendAudit(clock.instant(), actor, "import", target,
                    null, Records.JSON.createObjectNode().put("keyId", signerId).put("createdAt", createdAt)
                            .put("artifactsAdded", s.artifactsAdded()).put("artifactsKnown", s.artifactsKnown())
                            .put("metadataAdded", s.metadataAdded()).put("decisionsAdded", s.decisionsAdded()).toString()));
        } finally {
            try (var files = Files.walk(staging)) {
                for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
                    Files.deleteIfExists(p);
                }
            }
        }
    }

    private static ZipEntry next(ZipInputStream zip) throws BundleException {
        try {
            return zip.getNextEntry();
        } catch (IOException e) {
            throw new BundleException("the bundle is damaged or truncated: " + e.getMessage());
        }
    }

    /** Reads from the bundle; a read that fails (a cut-off file) is the bundle's fault, not the disk's. */
    private static int read(ZipInputStream zip, byte[] buf, String name) throws BundleException {
        try {
            return zip.read(buf);
        } catch (IOException e) {
            throw new BundleException("the bundle is damaged or truncated in " + name + ": " + e.getMessage());
        }
    }

    private static byte[] whole(ZipInputStream zip, String name, int max) throws BundleException {
        ZipEntry e = next(zip);
        if (e == null || !e.getName().equals(name)) {
            throw new BundleException("not an Airlock bundle: it must begin with " + name + (e == null ? "" : ", not " + e.getName()));
        }
        byte[] b;
        try {
            b = zip.readNBytes(max + 1);
        } catch (IOException ex) {
            throw new BundleException("the bundle is damaged or truncated in " + name + ": " + ex.getMessage());
        }
        if (b.length > max) {
            throw new BundleException(name + " is over " + max + " bytes");
        }
        return b;
    }

    /** Everything verified: blobs, documents and rows go in; what is there already stays. */
    private static Summary apply(Map<String, Path> staged, Path dataDir, StateStore state, Clock clock, String keyId, long bytes, Consumer<Summary> audit)
            throws IOException, BundleException {
        BlobStore blobs = FileBlobStore.shared(dataDir);
        Map<String, List<JsonNode>> records = new HashMap<>();
        for (String r : Export.RECORD_FILES) {
            // The audit entries travel as evidence for people; the inside records the import itself.
            Path f = r.equals("audit") ? null : staged.get("records/" + r + ".jsonl");
            List<JsonNode> rows = new ArrayList<>();
            if (f != null) {
                if (Files.size(f) > MAX_RECORDS) {
                    throw new BundleException("records/" + r + ".jsonl is over " + MAX_RECORDS + " bytes");
                }
                int line = 0;
                for (String text : Files.readAllLines(f, StandardCharsets.UTF_8)) {
                    line++;
                    if (!text.isBlank()) {
                        try {
                            rows.add(Records.JSON.readTree(text));
                        } catch (IOException e) {
                            String why = e.getMessage() == null ? "" : e.getMessage().lines().findFirst().orElse("");
                            throw new BundleException("records/" + r + ".jsonl line " + line + " is not JSON (" + why + ")");
                        }
                    }
                }
            }
            records.put(r, rows);
        }
        // Every row is read and checked before anything is written: a bad row refuses the bundle whole.
        List<ArtifactRecord> artifacts = new ArrayList<>();
        List<MetadataState> metadata = new ArrayList<>();
        List<VerdictRecord> verdictRows = new ArrayList<>();
        List<DecisionRecord> decisionRows = new ArrayList<>();
        List<String[]> observed = new ArrayList<>();
        List<String[]> content = new ArrayList<>();
        try {
            for (JsonNode o : records.get("artifacts")) {
                ArtifactRecord a = Records.artifact(o);
                if (!staged.containsKey("blobs/" + a.sha256()) && !blobs.contains(a.sha256())) {
                    throw new BundleException("the record of " + a.filename() + " names bytes the bundle does not carry");
                }
                artifacts.add(a);
            }
            for (JsonNode o : records.get("metadata")) {
                MetadataState m = Records.metadata(o);
                if (!staged.containsKey("metadata/" + m.bodySha256())) {
                    throw new BundleException("the metadata of " + m.packageName() + " names a document the bundle does not carry");
                }
                metadata.add(m);
            }
            for (JsonNode o : records.get("verdicts")) {
                verdictRows.add(Records.verdict(o));
            }
            for (JsonNode o : records.get("decisions")) {
                decisionRows.add(Records.decision(o));
            }
            for (JsonNode o : records.get("observed")) {
                observed.add(new String[]{Records.text(o, "ecosystem"), Records.text(o, "package"), Records.text(o, "version"),
                        Long.toString(o.path("firstSeen").asLong())});
            }
            for (JsonNode o : records.get("content")) {
                content.add(new String[]{Records.text(o, "ecosystem"), Records.text(o, "package"), Records.text(o, "version"),
                        Records.text(o, "filename"), Records.text(o, "facts")});
            }
        } catch (IllegalArgumentException | DateTimeException e) {
            throw new BundleException("a record is malformed: " + e.getMessage());
        }
        for (Map.Entry<String, Path> e : staged.entrySet()) {
            if (e.getKey().startsWith("blobs/")) {
                blobs.put(e.getValue(), e.getKey().substring("blobs/".length()));
            }
        }
        // Bytes first, outside the transaction (content-addressed, so a failure leaves only
        // unreferenced blobs for garbage collection); then every row, and the audit entry, in one
        // unit of work: an import applies whole or not at all.
        BlobStore documents = new FileBlobStore(dataDir, "documents", false);
        for (MetadataState m : metadata) {
            var current = state.findMetadata(m.ecosystem(), m.cacheKey());
            // Several documents may share a body: the staged file is stored once (put consumes it).
            if ((current.isEmpty() || current.get().fetchedAt().isBefore(m.fetchedAt())) && !documents.contains(m.bodySha256())) {
                documents.put(staged.get("metadata/" + m.bodySha256()), m.bodySha256());
            }
        }
        return state.inTransaction(() -> {
            int added = 0;
            int known = 0;
            for (ArtifactRecord a : artifacts) {
                // First seen wins, as for downloads: a name already cached keeps its bytes.
                if (state.findArtifact(a.ecosystem(), a.packageName(), a.filename()).isPresent()) {
                    known++;
                } else {
                    state.putArtifact(a);
                    added++;
                }
            }
            int metadataAdded = 0;
            for (MetadataState m : metadata) {
                var current = state.findMetadata(m.ecosystem(), m.cacheKey());
                if (current.isPresent() && !current.get().fetchedAt().isBefore(m.fetchedAt())) {
                    continue; // what is here is as new or newer
                }
                state.putMetadata(m);
                metadataAdded++;
            }
            List<VerdictRecord> verdicts = new ArrayList<>();
            for (VerdictRecord v : verdictRows) {
                if (state.verdict(v.id()).isEmpty()) {
                    verdicts.add(v);
                }
            }
            state.putVerdicts(verdicts);
            int decisionsAdded = 0;
            for (DecisionRecord d : decisionRows) {
                boolean present = state.decisions(d.id()).stream().anyMatch(x -> x.action().equals(d.action())
                        && x.decidedAt().equals(d.decidedAt()) && x.actor().equals(d.actor()));
                if (!present) {
                    state.addDecision(d);
                    decisionsAdded++;
                }
            }
            for (String[] o : observed) {
                state.observeReleases(o[0], o[1], List.of(o[2]), Instant.ofEpochMilli(Long.parseLong(o[3])));
            }
            for (String[] o : content) {
                if (!state.contentFacts(o[0], o[1]).getOrDefault(o[2], Map.of()).containsKey(o[3])) {
                    String sha = state.findArtifact(o[0], o[1], o[3]).map(ArtifactRecord::sha256).orElse("");
                    state.putContentFacts(o[0], o[1], o[2], o[3], sha, o[4], clock.instant());
                }
            }
            Summary summary = new Summary(keyId, added, known, metadataAdded, decisionsAdded, bytes);
            audit.accept(summary);
            return summary;
        });
    }
}
