package dev.airlock.pypi;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.airlock.core.ecosystem.MetadataException;
import org.junit.jupiter.api.Timeout;

import static org.junit.jupiter.api.Assertions.assertNotNull;

/**
 * The pylock.toml reader's contract (docs/FUZZING.md): a PEP 751 lock either yields its locked
 * files or is a {@link MetadataException} naming the key; nothing else escapes.
 */
class PyLockFuzzTest {

    @FuzzTest(maxDuration = "10s")
    @Timeout(60)
    void pylock(byte[] content) {
        try {
            assertNotNull(PyLock.parse(content));
        } catch (MetadataException expected) {
            // the documented refusal
        }
    }
}
