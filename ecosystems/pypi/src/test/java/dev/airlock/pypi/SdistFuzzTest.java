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
 * WheelInspector's contract for an sdist (tar.gz) (docs/FUZZING.md): content facts, with what is malformed
 * or past the bounds as anomalies, or an {@link IOException} (bad gzip, a cut-off stream); nothing else escapes,
 * and the listing stays within its bound.
 */
class SdistFuzzTest {

    private static final Path FILE = Fuzzing.tempFile(".bin");

    @FuzzTest(maxDuration = "10s")
    @Timeout(60)
    void sdist(byte[] archive) throws IOException {
        Files.write(FILE, Fuzzing.gzip(archive)); // the input is the tar stream (Fuzzing.gzip)
        try {
            ContentFacts facts = WheelInspector.inspect("fuzzed-1.0.tar.gz", FILE, Fuzzing.LIMITS);
            assertNotNull(facts);
            assertTrue(facts.files().size() <= ContentFacts.MAX_LISTED, "listing past its bound");
        } catch (IOException expected) {
            // bad gzip, a cut-off stream
        }
    }
}
