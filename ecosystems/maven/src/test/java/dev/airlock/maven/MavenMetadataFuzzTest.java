package dev.airlock.maven;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.airlock.core.ecosystem.MetadataException;
import org.junit.jupiter.api.Timeout;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * MavenMetadata's contract (docs/FUZZING.md): a maven-metadata.xml either parses, within its
 * version bound, or is a {@link MetadataException} (a 502 for clients); nothing else escapes,
 * and no DTD or entity is ever expanded.
 */
class MavenMetadataFuzzTest {

    private static final int MAX_VERSIONS = 50;

    @FuzzTest(maxDuration = "10s")
    @Timeout(60)
    void parse(byte[] body) {
        try {
            MavenMetadata m = MavenMetadata.parse("org.example:fuzzed", false, true, body, MAX_VERSIONS);
            assertTrue(m.versions().size() <= MAX_VERSIONS, "more versions than the bound");
            m.releases();
            m.versionOrder();
            m.plugins();
        } catch (MetadataException expected) {
            // the documented refusal
        }
    }
}
