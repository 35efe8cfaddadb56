package dev.airlock.core.json;

import com.code_intelligence.jazzer.junit.FuzzTest;
import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;

import static org.junit.jupiter.api.Assertions.assertNotNull;

/**
 * StrictJson's contract: any bytes either parse or throw an {@link IOException} naming what is
 * wrong (not UTF-8, not JSON, a duplicate key, too deep); nothing else escapes (docs/FUZZING.md).
 */
class StrictJsonFuzzTest {

    @FuzzTest(maxDuration = "10s")
    @Timeout(60)
    void read(byte[] data) {
        try {
            JsonNode node = StrictJson.read(data, 16);
            assertNotNull(node);
        } catch (IOException expected) {
            // the documented refusal
        }
    }
}
