package dev.airlock.npm;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.airlock.core.testing.Fuzzing;
import dev.airlock.core.ecosystem.ContentFacts;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * TarballInspector's contract (docs/FUZZING.md): any .tgz gives content facts (a malformed or
 * oversized archive becomes an anomaly) or an {@link IOException} (bad gzip, cut-off stream);
 * nothing else escapes, and the listing stays within its bound.
 */
class TarballInspectorFuzzTest {

    private static final Path FILE = Fuzzing.tempFile(".tgz");

    /** The input is the tar stream; it is gzipped here, since the fuzzer would rarely write a valid gzip itself. */
    @FuzzTest(maxDuration = "10s")
    @Timeout(60)
    void inspect(byte[] tar) throws IOException {
        Files.write(FILE, Fuzzing.gzip(tar));
        try {
            ContentFacts facts = TarballInspector.inspect("fuzzed-1.0.0.tgz", FILE, null, Fuzzing.LIMITS);
            assertNotNull(facts);
            assertTrue(facts.files().size() <= ContentFacts.MAX_LISTED, "listing past its bound");
        } catch (IOException expected) {
            // a broken stream
        }
    }
}
