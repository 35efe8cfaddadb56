package dev.airlock.maven;

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
 * JarInspector's contract for jars (docs/FUZZING.md): content facts (annotation processors, a
 * plugin descriptor, unsafe paths and too many entries as anomalies) or an {@link IOException}
 * (not a zip, a damaged entry); nothing else escapes, and the listing stays within its bound.
 */
class JarFuzzTest {

    private static final Path FILE = Fuzzing.tempFile(".jar");

    @FuzzTest(maxDuration = "10s")
    @Timeout(60)
    void jar(byte[] jar) throws IOException {
        Files.write(FILE, jar);
        try {
            ContentFacts facts = JarInspector.inspect("fuzzed-1.0.jar", FILE, Fuzzing.LIMITS);
            assertNotNull(facts);
            assertTrue(facts.files().size() <= ContentFacts.MAX_LISTED, "listing past its bound");
        } catch (IOException expected) {
            // not a zip archive, or a damaged entry
        }
    }
}
