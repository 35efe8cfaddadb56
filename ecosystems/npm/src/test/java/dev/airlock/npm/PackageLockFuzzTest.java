package dev.airlock.npm;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.airlock.core.ecosystem.MetadataException;
import org.junit.jupiter.api.Timeout;

import static org.junit.jupiter.api.Assertions.assertNotNull;

/**
 * PackageLock's contract (docs/FUZZING.md): a package-lock.json either yields its locked
 * tarballs or is a {@link MetadataException} naming what is wrong; nothing else escapes.
 */
class PackageLockFuzzTest {

    @FuzzTest(maxDuration = "10s")
    @Timeout(60)
    void parse(byte[] content) {
        try {
            assertNotNull(PackageLock.parse(content));
        } catch (MetadataException expected) {
            // the documented refusal
        }
    }
}
