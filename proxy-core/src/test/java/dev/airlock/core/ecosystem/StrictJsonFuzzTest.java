package dev.airlock.core.ecosystem;

import com.code_intelligence.jazzer.junit.FuzzTest;

import java.io.IOException;

/**
 * StrictJson's contract: any bytes either parse or throw an {@link IOException} naming what is
 * wrong (not UTF-8, not JSON, a duplicate key, too deep); nothing else escapes.
 */
class StrictJsonFuzzTest {

    @FuzzTest(maxDuration = "10s")
    void read(byte[] data) {
        try {
            StrictJson.read(data);
        } catch (IOException expected) {
            // the documented refusal
        }
    }
}
