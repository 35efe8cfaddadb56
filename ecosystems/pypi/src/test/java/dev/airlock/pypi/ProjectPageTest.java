package dev.airlock.pypi;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.airlock.core.ecosystem.ArtifactRef;
import dev.airlock.core.ecosystem.FileFacts;
import dev.airlock.core.ecosystem.ListedFile;
import dev.airlock.core.ecosystem.MetadataException;
import dev.airlock.core.ecosystem.RenderContext;
import org.junit.jupiter.api.Test;

import java.io.InputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Parsing upstream simple-API pages (HTML and JSON) and rendering them for clients. */
class ProjectPageTest {

    private static final ObjectMapper M = new ObjectMapper();
    private static final String MOUNT = "http://airlock.test:8080/pypi/";
    private static final String SHA = "ab".repeat(32);
    private static final String CM = "cd".repeat(32);

    private static byte[] resource(String name) throws Exception {
        try (InputStream in = ProjectPageTest.class.getResourceAsStream("/pages/" + name)) {
            return in.readAllBytes();
        }
    }

    @Test
    void staticIndexWithRelativeLinks() throws Exception {
        // A real static PEP 503 page: relative links resolve against the page URL, hashes come from the fragment.
        byte[] html = resource("numpy-static-index.html");
        ProjectPage p = ProjectPage.parse("numpy", SimpleFormat.JSON, URI.create("http://mirror.test/simple/numpy/"), html, "text/html");
        assertEquals(5, p.entries().size());
        ArtifactRef ref = p.artifact("numpy-1.26.4-cp311-cp311-manylinux_2_17_x86_64.manylinux2014_x86_64.whl").orElseThrow();
        assertEquals("http://mirror.test/files/numpy-1.26.4-cp311-cp311-manylinux_2_17_x86_64.manylinux2014_x86_64.whl",
                ref.upstreamUrl().toString());
        assertEquals("666dbfb6ec68962c033a450943ded891bed2d54e6755e35e5835d63f4f6931d5", ref.expected().hex());
        assertEquals("1.26.4", ref.version());
        JsonNode out = M.readTree(p.render(html, new RenderContext(MOUNT, v -> true)).body());
        assertEquals("1.0", out.at("/meta/api-version").asText(), "sizes unknown: api 1.0 without size/versions");
        assertEquals(MOUNT + "files/numpy/numpy-2.4.6-cp311-cp311-manylinux_2_27_x86_64.manylinux_2_28_x86_64.whl",
                out.at("/files/0/url").asText());
    }

    @Test
    void everyFieldOfAJsonPageIsKept() throws Exception {
        // requires-python, yanked with its reason, core-metadata, size, upload-time: kept in JSON and HTML renderings.
        String doc = "{\"meta\":{\"api-version\":\"1.1\"},\"name\":\"Fixture.A\",\"versions\":[\"1.0\",\"1.1\"],\"files\":["
                + "{\"filename\":\"fixture_a-1.0-py3-none-any.whl\",\"url\":\"https://files.test/p/fixture_a-1.0-py3-none-any.whl\","
                + "\"hashes\":{\"sha256\":\"" + SHA + "\"},\"requires-python\":\">=3.8\",\"core-metadata\":{\"sha256\":\"" + CM + "\"},"
                + "\"yanked\":false,\"size\":1234,\"upload-time\":\"2024-01-02T03:04:05.123456Z\"},"
                + "{\"filename\":\"fixture.a-1.1.tar.gz\",\"url\":\"https://files.test/p/fixture.a-1.1.tar.gz\",\"hashes\":{\"sha256\":\"" + SHA + "\"},"
                + "\"yanked\":\"broken <build>\",\"size\":99,\"upload-time\":\"2024-02-02T03:04:05.000000Z\"}]}";
        byte[] raw = doc.getBytes(StandardCharsets.UTF_8);
        ProjectPage p = ProjectPage.parse("fixture-a", SimpleFormat.JSON, URI.create("https://index.test/simple/fixture-a/"), raw,
                "application/vnd.pypi.simple.v1+json");
        JsonNode out = M.readTree(p.render(raw, new RenderContext(MOUNT, v -> true)).body());
        assertEquals("1.1", out.at("/meta/api-version").asText());
        assertEquals("Fixture.A", out.get("name").asText());
        assertEquals("[\"1.0\",\"1.1\"]", out.get("versions").toString());
        JsonNode whl = out.at("/files/0");
        assertEquals(">=3.8", whl.get("requires-python").asText());
        assertEquals(CM, whl.at("/core-metadata/sha256").asText());
        assertEquals(CM, whl.at("/dist-info-metadata/sha256").asText());
        assertFalse(whl.get("yanked").asBoolean());
        assertEquals(1234, whl.get("size").asLong());
        assertEquals("2024-01-02T03:04:05.123456Z", whl.get("upload-time").asText());
        assertEquals("broken <build>", out.at("/files/1/yanked").asText());
        ArtifactRef meta = p.artifact("fixture_a-1.0-py3-none-any.whl.metadata").orElseThrow();
        assertEquals("https://files.test/p/fixture_a-1.0-py3-none-any.whl.metadata", meta.upstreamUrl().toString());
        assertEquals(CM, meta.expected().hex());
        assertTrue(p.artifact("fixture.a-1.1.tar.gz.metadata").isEmpty(), "no metadata advertised, none served");

        p = ProjectPage.parse("fixture-a", SimpleFormat.HTML, URI.create("https://index.test/simple/fixture-a/"), raw,
                "application/vnd.pypi.simple.v1+json");
        String html = new String(p.render(raw, new RenderContext(MOUNT, v -> true)).body(), StandardCharsets.UTF_8);
        assertTrue(html.contains("<meta name=\"pypi:repository-version\""), html);
        assertTrue(html.contains("href=\"" + MOUNT + "files/fixture-a/fixture_a-1.0-py3-none-any.whl#sha256=" + SHA + "\""), html);
        assertTrue(html.contains("data-requires-python=\"&gt;=3.8\""), html);
        assertTrue(html.contains("data-yanked=\"broken &lt;build&gt;\""), html);
        assertTrue(html.contains("data-core-metadata=\"sha256=" + CM + "\""), html);
    }

    @Test
    void htmlAttributesAreUnescapedAndHiddenVersionsLeave() throws Exception {
        // data-* attributes with entities parse back to their values; versions the policy hides are not listed.
        String html = "<html><head><meta name=\"pypi:project-status\" content=\"archived\"></head><body>"
                + "<a href=\"/f/b-1.0.tar.gz#sha256=" + SHA + "\" data-requires-python=\"&gt;=3.6,&lt;4\" data-yanked=\"\">b-1.0.tar.gz</a>"
                + "<a href='/f/b-2.0-py3-none-any.whl#sha256=" + SHA + "' data-dist-info-metadata='sha256=" + CM + "'>b-2.0-py3-none-any.whl</a>"
                + "</body></html>";
        byte[] raw = html.getBytes(StandardCharsets.UTF_8);
        ProjectPage p = ProjectPage.parse("b", SimpleFormat.JSON, URI.create("http://idx.test/simple/b/"), raw, "text/html");
        assertEquals(">=3.6,<4", p.entries().get(0).requiresPython());
        assertEquals("", p.entries().get(0).yanked());
        assertEquals(CM, p.entries().get(1).coreMetadataSha256());
        JsonNode out = M.readTree(p.render(raw, new RenderContext(MOUNT, v -> !v.equals("2.0"))).body());
        assertEquals(1, out.get("files").size());
        assertTrue(out.at("/files/0/yanked").asBoolean());
        assertEquals("archived", out.at("/project-status/status").asText());
    }

    @Test
    void hostileEntriesAreDropped() throws Exception {
        // Foreign projects' files, traversal names, non-HTTP URLs and files without SHA-256 are not listed or served.
        String html = "<a href=\"/f/other-1.0.tar.gz#sha256=" + SHA + "\">other-1.0.tar.gz</a>"
                + "<a href=\"/f/x#sha256=" + SHA + "\">../../etc/passwd</a>"
                + "<a href=\"javascript:alert(1)#sha256=" + SHA + "\">b-1.0.tar.gz</a>"
                + "<a href=\"/f/b-1.1.tar.gz#md5=00\">b-1.1.tar.gz</a>"
                + "<a href=\"/f/b-1.2.tar.gz#sha256=" + SHA + "\">b-1.2.tar.gz</a>";
        ProjectPage p = ProjectPage.parse("b", SimpleFormat.JSON, URI.create("http://idx.test/simple/b/"), html.getBytes(), "text/html");
        assertEquals(1, p.entries().size());
        assertEquals("b-1.2.tar.gz", p.entries().get(0).filename());
        assertThrows(MetadataException.class, () -> ProjectPage.parse("b", SimpleFormat.JSON, URI.create("http://idx.test/"),
                "{\"files\":".getBytes(), "application/vnd.pypi.simple.v1+json"));
        assertThrows(MetadataException.class, () -> ProjectPage.parse("b", SimpleFormat.JSON, URI.create("http://idx.test/"),
                "{\"name\":\"c\",\"files\":[]}".getBytes(), "application/json"));
        assertThrows(MetadataException.class, () -> ProjectPage.parse("b", SimpleFormat.JSON, URI.create("http://idx.test/"),
                "garbage".getBytes(), "text/html"));
        assertNull(PypiNames.version("b-1.0.tar.gz", "c"));
    }

    @Test
    void whatAStaticIndexLeavesOutIsFilledFromAirlocksFacts() throws Exception {
        // The real static page has no size, upload-time or core metadata; Airlock's facts supply them, and
        // the page claims PEP 700 (1.1) only once every visible file has a size.
        byte[] html = resource("numpy-static-index.html");
        ProjectPage p = ProjectPage.parse("numpy", SimpleFormat.JSON, URI.create("http://mirror.test/simple/numpy/"), html, "text/html");
        assertEquals(5, p.files().size());
        assertTrue(p.files().stream().allMatch(f -> f.size().isEmpty()), "a static page declares no sizes");
        String wheel = "numpy-1.26.4-cp311-cp311-manylinux_2_17_x86_64.manylinux2014_x86_64.whl";
        java.time.Instant seen = java.time.Instant.parse("2026-03-04T05:06:07.123456789Z");
        dev.airlock.core.ecosystem.Digest derived = new dev.airlock.core.ecosystem.Digest("SHA-256",
                java.util.HexFormat.of().parseHex(CM));
        java.util.Map<String, FileFacts> facts = new java.util.HashMap<>();
        for (ListedFile f : p.files()) {
            facts.put(f.artifact().filename(), new FileFacts(java.util.OptionalLong.of(f.artifact().filename().length() * 1000L),
                    java.util.Optional.of(seen), f.artifact().filename().equals(wheel) ? java.util.Map.of(wheel + ".metadata", derived)
                    : java.util.Map.of()));
        }
        JsonNode out = M.readTree(p.render(html, new RenderContext(MOUNT, v -> true, facts::get)).body());
        assertEquals("1.1", out.at("/meta/api-version").asText());
        assertEquals(5, out.get("files").size());
        for (JsonNode f : out.get("files")) {
            assertEquals(f.get("filename").asText().length() * 1000L, f.get("size").asLong());
            assertEquals("2026-03-04T05:06:07.123456Z", f.get("upload-time").asText(), "PEP 700 spelling, microseconds");
            boolean isWheel = f.get("filename").asText().equals(wheel);
            assertEquals(isWheel ? CM : "", f.at("/core-metadata/sha256").asText());
        }
        assertTrue(out.get("versions").size() >= 2);
        String page = new String(ProjectPage.parse("numpy", SimpleFormat.HTML, URI.create("http://mirror.test/simple/numpy/"), html,
                "text/html").render(html, new RenderContext(MOUNT, v -> true, facts::get)).body(), StandardCharsets.UTF_8);
        assertTrue(page.contains(wheel + "#sha256=666dbfb6ec68962c033a450943ded891bed2d54e6755e35e5835d63f4f6931d5\" data-core-metadata=\"sha256=" + CM),
                page);

        // One size missing: no PEP 700 claim, the known sizes and every upload-time still given.
        facts.put(wheel, new FileFacts(java.util.OptionalLong.empty(), java.util.Optional.of(seen), java.util.Map.of()));
        out = M.readTree(p.render(html, new RenderContext(MOUNT, v -> true, facts::get)).body());
        assertEquals("1.0", out.at("/meta/api-version").asText());
        assertTrue(out.get("versions") == null);
        int withTime = 0;
        for (JsonNode f : out.get("files")) {
            withTime += f.has("upload-time") ? 1 : 0;
        }
        assertEquals(5, withTime);
    }

    @Test
    void upstreamFactsWinOverAirlocksExceptCoreMetadataAirlockServes() throws Exception {
        // Upstream's size and upload-time are kept; core metadata Airlock derived is what it serves, so that hash is advertised.
        String doc = "{\"meta\":{\"api-version\":\"1.1\"},\"name\":\"a\",\"files\":["
                + "{\"filename\":\"a-1.0-py3-none-any.whl\",\"url\":\"https://files.test/a-1.0-py3-none-any.whl\","
                + "\"hashes\":{\"sha256\":\"" + SHA + "\"},\"size\":10,\"upload-time\":\"2024-01-02T03:04:05.000000Z\"}]}";
        byte[] raw = doc.getBytes(StandardCharsets.UTF_8);
        ProjectPage p = ProjectPage.parse("a", SimpleFormat.JSON, URI.create("https://index.test/simple/a/"), raw, "application/vnd.pypi.simple.v1+json");
        FileFacts facts = new FileFacts(java.util.OptionalLong.of(99), java.util.Optional.of(java.time.Instant.EPOCH),
                java.util.Map.of("a-1.0-py3-none-any.whl.metadata", new dev.airlock.core.ecosystem.Digest("SHA-256",
                        java.util.HexFormat.of().parseHex(CM))));
        JsonNode f = M.readTree(p.render(raw, new RenderContext(MOUNT, v -> true, n -> facts)).body()).at("/files/0");
        assertEquals(10, f.get("size").asLong());
        assertEquals("2024-01-02T03:04:05.000000Z", f.get("upload-time").asText());
        assertEquals(CM, f.at("/core-metadata/sha256").asText());
    }
}
