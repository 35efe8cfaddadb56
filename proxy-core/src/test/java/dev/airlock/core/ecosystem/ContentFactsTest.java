package dev.airlock.core.ecosystem;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Readings are stored as JSON: the reviewers' evidence survives the trip, and readings stored before it existed still read. */
class ContentFactsTest {

    private static final ObjectMapper JSON = JsonMapper.builder().disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES).build();

    @Test
    void evidenceSurvivesStorageAndOldReadingsStillRead() throws Exception {
        ContentFacts f = new ContentFacts(Map.of("annotation-processor", "a.B"), Map.of(), List.of())
                .withEvidence(Map.of("META-INF/services/x", "a.B\n"), Map.of("a/B.class", new ContentFacts.Listed(12, "abc")));
        ContentFacts back = JSON.readValue(JSON.writeValueAsString(f), ContentFacts.class);
        assertEquals(f, back);
        ContentFacts old = JSON.readValue("{\"installHooks\":{\"binding.gyp\":\"binding.gyp\"},\"mismatches\":{},\"anomalies\":[]}",
                ContentFacts.class);
        assertEquals(Map.of(), old.hookFiles());
        assertEquals(Map.of(), old.files());
        assertEquals(Map.of(), old.signer());
    }

    @Test
    void hookFileTextIsCutAndBinaryIsNamedNotShown() {
        assertEquals("node x.js", ContentFacts.hookFileText("node x.js".getBytes(StandardCharsets.UTF_8), 9));
        assertEquals("(binary, 3 bytes)", ContentFacts.hookFileText(new byte[] {1, 0, 2}, 3));
        byte[] big = "a".repeat(ContentFacts.HOOK_FILE_MAX + 1).getBytes(StandardCharsets.UTF_8);
        String cut = ContentFacts.hookFileText(big, 100_000);
        assertTrue(cut.endsWith("... (cut: 100000 bytes in all)"), cut.substring(cut.length() - 40));
        assertEquals(ContentFacts.HOOK_FILE_MAX + "\n... (cut: 100000 bytes in all)".length(), cut.length());
    }
}
