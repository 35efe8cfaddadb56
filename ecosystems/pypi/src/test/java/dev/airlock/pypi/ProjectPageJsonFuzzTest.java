package dev.airlock.pypi;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.airlock.core.ecosystem.MetadataException;
import dev.airlock.core.testing.Fuzzing;
import org.junit.jupiter.api.Timeout;

import java.net.URI;

import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The JSON readers' contract (docs/FUZZING.md): a PEP 691 page and a JSON API document either
 * parse, the page within {@code limits.linksPerPage}, or are a {@link MetadataException} (a 502
 * for clients); nothing else escapes.
 */
class ProjectPageJsonFuzzTest {

    private static final URI BASE = URI.create("https://files.example/simple/fuzzed/");

    @FuzzTest(maxDuration = "10s")
    @Timeout(60)
    void json(byte[] body) {
        try {
            ProjectPage page = ProjectPage.parse("fuzzed", SimpleFormat.JSON, BASE, body, SimpleFormat.JSON.contentType, Fuzzing.LIMITS);
            assertTrue(page.files().size() <= Fuzzing.LIMITS.linksPerPage(), "more files than the bound");
            page.releases();
            page.releaseFacts();
        } catch (MetadataException expected) {
            // the documented refusal
        }
        try {
            assertNotNull(JsonApiDocument.parse("fuzzed", body, Fuzzing.LIMITS.jsonDepth()));
        } catch (MetadataException expected) {
            // the documented refusal
        }
    }
}
