package dev.airlock.pypi;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.airlock.core.ecosystem.ContentFacts;
import dev.airlock.core.testing.Fuzzing;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * WheelInspector's contract for a wheel (zip) (docs/FUZZING.md): content facts, with what is malformed
 * or past the bounds as anomalies, or an {@link IOException} (not a zip); nothing else escapes,
 * and the listing stays within its bound.
 */
class WheelFuzzTest {

    private static final Path FILE = Fuzzing.tempFile(".bin");

    @FuzzTest(maxDuration = "10s")
    @Timeout(60)
    void wheel(byte[] archive) throws IOException {
        Files.write(FILE, archive);
        try {
            ContentFacts facts = WheelInspector.inspect("fuzzed-1.0-py3-none-any.whl", FILE, Fuzzing.LIMITS);
            assertNotNull(facts);
            assertTrue(facts.files().size() <= ContentFacts.MAX_LISTED, "listing past its bound");
        } catch (IOException expected) {
            // not a zip
        }
    }
}
