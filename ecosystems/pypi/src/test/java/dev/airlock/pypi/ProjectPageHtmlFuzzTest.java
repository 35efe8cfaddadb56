package dev.airlock.pypi;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.airlock.core.ecosystem.MetadataException;
import dev.airlock.core.testing.Fuzzing;
import org.junit.jupiter.api.Timeout;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The PEP 503 page reader's contract (docs/FUZZING.md): a page either parses, within
 * {@code limits.linksPerPage}, or is a {@link MetadataException} (a 502 for clients); nothing
 * else escapes, and SimpleHtml's own helpers never throw. The per-input {@code @Timeout} matters
 * most here: the anchor reader once took quadratic time on unclosed anchors.
 */
class ProjectPageHtmlFuzzTest {

    private static final URI BASE = URI.create("https://files.example/simple/fuzzed/");

    @FuzzTest(maxDuration = "10s")
    @Timeout(60)
    void html(byte[] body) {
        try {
            ProjectPage page = ProjectPage.parse("fuzzed", SimpleFormat.HTML, BASE, body, "text/html", Fuzzing.LIMITS);
            assertTrue(page.files().size() <= Fuzzing.LIMITS.linksPerPage(), "more files than the bound");
            page.releases();
            page.releaseFacts();
        } catch (MetadataException expected) {
            // the documented refusal
        }
        String html = new String(body, StandardCharsets.UTF_8);
        List<SimpleHtml.Anchor> anchors = SimpleHtml.anchors(html, 10);
        assertTrue(anchors == null || anchors.size() <= 10, "more anchors than the bound");
        assertNotNull(SimpleHtml.metas(html));
        assertNotNull(SimpleHtml.unescape(html));
    }
}
