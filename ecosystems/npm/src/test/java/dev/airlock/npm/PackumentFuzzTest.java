package dev.airlock.npm;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.airlock.core.testing.Fuzzing;
import dev.airlock.core.ecosystem.MetadataException;
import org.junit.jupiter.api.Timeout;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Packument's contract (docs/FUZZING.md): any upstream body either parses, within
 * {@code limits.versionsPerDocument}, or is a {@link MetadataException} (a 502 for clients);
 * nothing else escapes, and nesting deeper than {@code limits.jsonDepth} is refused.
 */
class PackumentFuzzTest {

    private static final String ASKED = "fuzzed";

    @FuzzTest(maxDuration = "10s")
    @Timeout(60)
    void parse(byte[] body) {
        String name = ASKED;
        for (int pass = 0; pass < 2; pass++) {
            try {
                Packument p = Packument.parse(name, Packument.FULL, body, pass == 0 ? null : Packument.CORGI_TYPE, Fuzzing.LIMITS);
                assertTrue(p.releases().size() <= Fuzzing.LIMITS.versionsPerDocument(), "more versions than the bound");
                p.releaseFacts();
                p.versionOrder();
                for (var r : p.releases()) {
                    p.artifactsOf(r.version());
                }
                return;
            } catch (MetadataException e) {
                // The parser read the whole document before comparing names: read it again as the package it names.
                String prefix = "asked for " + ASKED + " but the packument describes ";
                if (pass > 0 || e.getMessage() == null || !e.getMessage().startsWith(prefix)) {
                    return;
                }
                name = e.getMessage().substring(prefix.length());
            }
        }
    }
}
