package dev.airlock.npm;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.airlock.core.ecosystem.ArtifactRef;
import dev.airlock.core.ecosystem.MetadataException;
import dev.airlock.core.ecosystem.ReleaseInfo;
import dev.airlock.core.ecosystem.RenderContext;
import dev.airlock.core.ecosystem.Rendered;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.zip.GZIPInputStream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Parsing and rendering packuments recorded from a real registry (hosts replaced by placeholders). */
class PackumentTest {

    private static final ObjectMapper M = new ObjectMapper();
    private static final String MOUNT = "http://airlock.test:8080/npm/";

    static byte[] recorded(String file) throws IOException {
        try (InputStream in = new GZIPInputStream(PackumentTest.class.getResourceAsStream("/packuments/" + file))) {
            return in.readAllBytes();
        }
    }

    @Test
    void parsesEveryVersionOfALargeRealPackument() throws Exception {
        // The facts the core needs come out of a >= 5 MB document: every version, its publish time, its tarball digest.
        byte[] raw = recorded("next.json.gz");
        assertTrue(raw.length >= 5_000_000, "the large-document case must be at least 5 MB, is " + raw.length);
        JsonNode tree = M.readTree(raw);
        Packument p = Packument.parse("next", Packument.FULL, raw, "application/json");

        Set<String> expected = new HashSet<>();
        tree.get("versions").fieldNames().forEachRemaining(expected::add);
        Set<String> parsed = new HashSet<>();
        for (ReleaseInfo r : p.releases()) {
            parsed.add(r.version());
            assertEquals(java.time.Instant.parse(tree.get("time").get(r.version()).asText()), r.publishedAt());
        }
        assertEquals(expected, parsed);
        for (int i = 1; i < p.releases().size(); i++) {
            assertFalse(p.releases().get(i).publishedAt().isBefore(p.releases().get(i - 1).publishedAt()), "releases are in publish order");
        }
        JsonNode latest = tree.get("versions").get(tree.get("dist-tags").get("latest").asText());
        String tarball = latest.get("dist").get("tarball").asText();
        String file = tarball.substring(tarball.lastIndexOf('/') + 1);
        ArtifactRef ref = p.artifact(file).orElseThrow();
        assertEquals("SHA-512", ref.expected().algorithm());
        assertEquals(latest.get("dist").get("integrity").asText(), ref.expected().sri());
        assertEquals(tarball, ref.upstreamUrl().toString());
        assertEquals(latest.get("version").asText(), ref.version());
    }

    @Test
    void fullRenderingChangesOnlyTarballUrls() throws Exception {
        // With every version visible, the full rendering equals upstream's document except dist.tarball, which points at Airlock.
        byte[] raw = recorded("types-react.json.gz");
        Packument p = Packument.parse("@types/react", Packument.FULL, raw, "application/json");
        Rendered r = p.render(raw, new RenderContext(MOUNT, v -> true));
        assertEquals("application/json", r.contentType());
        ObjectNode before = (ObjectNode) M.readTree(raw);
        ObjectNode after = (ObjectNode) M.readTree(r.body());
        for (Iterator<Map.Entry<String, JsonNode>> it = after.get("versions").fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> v = it.next();
            String url = v.getValue().get("dist").get("tarball").asText();
            assertEquals(MOUNT + "@types/react/-/react-" + v.getKey() + ".tgz", url);
            ((ObjectNode) v.getValue().get("dist")).remove("tarball");
            ((ObjectNode) before.get("versions").get(v.getKey()).get("dist")).remove("tarball");
        }
        assertEquals(before, after);
    }

    @Test
    void signedAndAttestedFieldsPassThroughUnchanged() throws Exception {
        // _npmUser, maintainers, time and every dist field but tarball reach clients exactly as upstream wrote them.
        ObjectNode doc = (ObjectNode) M.readTree(recorded("express.json.gz"));
        String latest = doc.get("dist-tags").get("latest").asText();
        ObjectNode v = (ObjectNode) doc.get("versions").get(latest);
        v.putObject("_npmUser").put("name", "GitHub Actions").put("email", "npm-oidc-no-reply@github.com");
        ArrayNode maint = v.putArray("maintainers");
        maint.addObject().put("name", "wesleytodd").put("email", "w\u00e9sley@example.com");
        ObjectNode dist = (ObjectNode) v.get("dist");
        dist.putArray("signatures").addObject()
                .put("keyid", "SHA256:DhQ8wR5APBvFHLF/+Tc+AYvPOdTpcIDqOhxsBHRwC7U")
                .put("sig", "MEUCIQDyX3oJ1F1V3r7a4Jp8+/x0XHyPvU1oG4h1cMZ9Wd0U1gIgG2aE8w4Z5o9p3Qe7Hn9q0Q1oQ4Q4s0aVb8nJx0l5y8k=");
        dist.putObject("attestations").put("url", "https://npm-registry.invalid/-/npm/v1/attestations/express@" + latest)
                .putObject("provenance").put("predicateType", "https://slsa.dev/provenance/v1");
        byte[] raw = M.writeValueAsBytes(doc);

        Packument p = Packument.parse("express", Packument.FULL, raw, "application/json");
        JsonNode out = M.readTree(p.render(raw, new RenderContext(MOUNT, x -> true)).body());
        JsonNode ov = out.get("versions").get(latest);
        assertEquals(v.get("_npmUser"), ov.get("_npmUser"));
        assertEquals(v.get("maintainers"), ov.get("maintainers"));
        for (String k : List.of("integrity", "shasum", "signatures", "attestations", "fileCount", "unpackedSize")) {
            assertEquals(dist.get(k), ov.get("dist").get(k), "dist." + k);
        }
        assertEquals(doc.get("time"), out.get("time"));
        String sigJson = M.writeValueAsString(dist.get("signatures"));
        assertTrue(new String(p.render(raw, new RenderContext(MOUNT, x -> true)).body(), StandardCharsets.UTF_8).contains(sigJson),
                "signatures are written byte-for-byte");
    }

    @Test
    void hiddenVersionsDisappearAndDistTagsMove() throws Exception {
        // A hidden version leaves versions and time, and dist-tags that named it point at the highest visible stable version.
        byte[] raw = recorded("react.json.gz");
        JsonNode tree = M.readTree(raw);
        String latest = tree.get("dist-tags").get("latest").asText();
        Packument p = Packument.parse("react", Packument.FULL, raw, "application/json");
        JsonNode out = M.readTree(p.render(raw, new RenderContext(MOUNT, v -> !v.equals(latest))).body());
        assertNull(out.get("versions").get(latest));
        assertNull(out.get("time").get(latest));
        String newLatest = out.get("dist-tags").get("latest").asText();
        assertFalse(newLatest.equals(latest));
        assertFalse(SemverOrder.isPrerelease(newLatest));
        List<String> stable = new ArrayList<>();
        out.get("versions").fieldNames().forEachRemaining(v -> {
            if (!SemverOrder.isPrerelease(v)) {
                stable.add(v);
            }
        });
        stable.sort(SemverOrder.INSTANCE);
        assertEquals(stable.get(stable.size() - 1), newLatest);
        out.get("dist-tags").fields().forEachRemaining(t -> assertTrue(out.get("versions").has(t.getValue().asText()),
                "dist-tag " + t.getKey() + " points at a listed version"));
        assertEquals(tree.get("time").get("created"), out.get("time").get("created"));
    }

    @Test
    void abbreviatedDocumentIsSynthesisedFromTheFullOne() throws Exception {
        // When upstream ignores the corgi Accept header, Airlock builds the abbreviated form itself, hasInstallScript included.
        ObjectNode doc = (ObjectNode) M.readTree(recorded("express.json.gz"));
        String latest = doc.get("dist-tags").get("latest").asText();
        ((ObjectNode) doc.get("versions").get(latest)).putObject("scripts").put("postinstall", "node setup.js").put("test", "mocha");
        // The recording's mirror drops time.modified; the real registry always has it.
        ((ObjectNode) doc.get("time")).put("modified", "2026-11-01T10:00:00.000Z");
        byte[] raw = M.writeValueAsBytes(doc);
        Packument p = Packument.parse("express", Packument.ABBREVIATED, raw, "application/json; charset=utf-8");
        Rendered r = p.render(raw, new RenderContext(MOUNT, v -> true));
        assertEquals(Packument.CORGI_TYPE, r.contentType());
        JsonNode out = M.readTree(r.body());
        Set<String> top = new HashSet<>();
        out.fieldNames().forEachRemaining(top::add);
        assertEquals(Set.of("name", "dist-tags", "versions", "modified"), top);
        assertEquals(doc.get("time").get("modified").asText(), out.get("modified").asText());
        assertTrue(out.get("versions").get(latest).get("hasInstallScript").asBoolean());
        assertNull(out.get("versions").get(latest).get("scripts"));
        out.get("versions").fields().forEachRemaining(v -> {
            v.getValue().fieldNames().forEachRemaining(k -> assertTrue(
                    Set.of("name", "version", "dependencies", "optionalDependencies", "devDependencies", "bundleDependencies",
                            "bundledDependencies", "peerDependencies", "peerDependenciesMeta", "bin", "directories", "dist",
                            "engines", "deprecated", "cpu", "os", "libc", "_hasShrinkwrap", "hasInstallScript", "funding").contains(k),
                    "abbreviated version key " + k));
            if (!v.getKey().equals(latest)) {
                assertNull(v.getValue().get("hasInstallScript"), "only versions with install scripts say so");
            }
        });
        assertEquals(doc.get("versions").get(latest).get("dependencies"), out.get("versions").get(latest).get("dependencies"));
    }

    @Test
    void malformedDocumentsAreRefused() {
        // Bad upstream JSON is a MetadataException with a clear message, never a crash or a partial document.
        assertThrows(MetadataException.class, () -> Packument.parse("a", Packument.FULL, "{\"name\":\"a\"".getBytes(), "application/json"));
        assertThrows(MetadataException.class, () -> Packument.parse("a", Packument.FULL, "[1,2]".getBytes(), "application/json"));
        assertThrows(MetadataException.class, () -> Packument.parse("a", Packument.FULL, "<html>".getBytes(), "text/html"));
        assertThrows(MetadataException.class, () -> Packument.parse("a", Packument.FULL, "{\"name\":\"a\",\"versions\":[]}".getBytes(), "application/json"));
        MetadataException other = assertThrows(MetadataException.class,
                () -> Packument.parse("a", Packument.FULL, "{\"name\":\"b\",\"versions\":{}}".getBytes(), "application/json"));
        assertTrue(other.getMessage().contains("describes b"));
        MetadataException dup = assertThrows(MetadataException.class, () -> Packument.parse("a", Packument.FULL,
                "{\"name\":\"a\",\"versions\":{\"1.0.0\":{\"scripts\":{},\"scripts\":{\"install\":\"x\"}}}}".getBytes(), "application/json"));
        assertTrue(dup.getMessage().toLowerCase().contains("duplicate"), dup.getMessage());
        assertThrows(MetadataException.class, () -> Packument.parse("a", Packument.FULL, "{\"name\":\"a\"} {}".getBytes(), "application/json"));
    }

    @Test
    void tarballsWithoutUsableUrlOrDigestAreNotServed() throws Exception {
        // A version whose dist has no digest, or a relative or non-HTTP tarball URL, yields no artifact Airlock would fetch.
        String doc = "{\"name\":\"a\",\"versions\":{"
                + "\"1.0.0\":{\"dist\":{\"tarball\":\"https://u.test/a/-/a-1.0.0.tgz\"}},"
                + "\"1.0.1\":{\"dist\":{\"tarball\":\"/a/-/a-1.0.1.tgz\",\"shasum\":\"" + "0".repeat(40) + "\"}},"
                + "\"1.0.2\":{\"dist\":{\"tarball\":\"file:///etc/a-1.0.2.tgz\",\"shasum\":\"" + "0".repeat(40) + "\"}},"
                + "\"1.0.3\":{\"dist\":{\"tarball\":\"https://u.test/a/-/a-1.0.3.tgz\",\"shasum\":\"" + "ab".repeat(20) + "\"}}}}";
        Packument p = Packument.parse("a", Packument.FULL, doc.getBytes(), "application/json");
        assertTrue(p.artifact("a-1.0.0.tgz").isEmpty());
        assertTrue(p.artifact("a-1.0.1.tgz").isEmpty());
        assertTrue(p.artifact("a-1.0.2.tgz").isEmpty());
        assertEquals("SHA-1", p.artifact("a-1.0.3.tgz").orElseThrow().expected().algorithm());
        assertEquals(4, p.releases().size());
    }

    @Test
    void tarballsGetCanonicalNamesWhateverTheUpstreamUrlLooksLike() throws Exception {
        // Query strings, URLs not ending in the file name, and duplicate last segments all map to <name>-<version>.tgz.
        String sha = "ab".repeat(20);
        String doc = "{\"name\":\"@o/p\",\"dist-tags\":{\"latest\":\"2.0.0\"},\"versions\":{"
                + "\"1.0.0\":{\"dist\":{\"tarball\":\"https://u.test/download/@o/p/1.0.0/blob?token=a/b\",\"shasum\":\"" + sha + "\"}},"
                + "\"2.0.0\":{\"dist\":{\"tarball\":\"https://u.test/download/@o/p/2.0.0/blob?token=a/b\",\"shasum\":\"" + sha + "\"}}}}";
        byte[] raw = doc.getBytes(StandardCharsets.UTF_8);
        Packument p = Packument.parse("@o/p", Packument.FULL, raw, "application/json");
        assertEquals("https://u.test/download/@o/p/1.0.0/blob?token=a/b", p.artifact("p-1.0.0.tgz").orElseThrow().upstreamUrl().toString());
        assertEquals("2.0.0", p.artifact("p-2.0.0.tgz").orElseThrow().version());
        JsonNode out = M.readTree(p.render(raw, new RenderContext(MOUNT, v -> true)).body());
        assertEquals(MOUNT + "@o/p/-/p-1.0.0.tgz", out.at("/versions/1.0.0/dist/tarball").asText());
        assertEquals(MOUNT + "@o/p/-/p-2.0.0.tgz", out.at("/versions/2.0.0/dist/tarball").asText());
    }

    @Test
    void abbreviatedDocumentSaysHasInstallScriptOnce() throws Exception {
        // A version that already carries hasInstallScript does not get it twice (strict parsers refuse duplicates).
        String doc = "{\"name\":\"a\",\"versions\":{\"1.0.0\":{\"hasInstallScript\":true,\"scripts\":{\"install\":\"x\"},"
                + "\"dist\":{\"tarball\":\"https://u.test/a/-/a-1.0.0.tgz\",\"shasum\":\"" + "ab".repeat(20) + "\"}}}}";
        byte[] raw = doc.getBytes(StandardCharsets.UTF_8);
        byte[] out = Packument.parse("a", Packument.ABBREVIATED, raw, "application/json").render(raw, new RenderContext(MOUNT, v -> true)).body();
        Packument again = Packument.parse("a", Packument.ABBREVIATED, out, Packument.CORGI_TYPE);
        assertEquals(1, again.releases().size());
        assertTrue(M.readTree(out).at("/versions/1.0.0/hasInstallScript").asBoolean());
    }

    @Test
    void strongestDigestWinsInMultiHashIntegrity() {
        // npm integrity strings may list several hashes; Airlock verifies against the strongest one.
        byte[] s512 = new byte[64];
        s512[0] = 7;
        String sri = "sha1-" + Base64.getEncoder().encodeToString(new byte[20]) + " sha512-" + Base64.getEncoder().encodeToString(s512);
        var d = SriDigest.strongest(sri, "ab".repeat(20)).orElseThrow();
        assertEquals("SHA-512", d.algorithm());
        assertArrayEquals(s512, d.value());
        assertEquals("SHA-1", SriDigest.strongest(null, "ab".repeat(20)).orElseThrow().algorithm());
        assertTrue(SriDigest.strongest("md5-abc", "nothex").isEmpty());
    }
}
