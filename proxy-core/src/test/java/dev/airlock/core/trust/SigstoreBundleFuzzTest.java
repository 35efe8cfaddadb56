package dev.airlock.core.trust;

import com.code_intelligence.jazzer.junit.FuzzTest;
import com.fasterxml.jackson.databind.JsonNode;
import dev.airlock.core.json.StrictJson;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;

import static org.junit.jupiter.api.Assertions.assertNotNull;

/**
 * SigstoreBundle's contract (docs/FUZZING.md): a JSON document either reads as a bundle or is a
 * {@link VerificationException} naming what is missing; nothing else escapes.
 */
class SigstoreBundleFuzzTest {

    @FuzzTest(maxDuration = "10s")
    @Timeout(60)
    void parse(byte[] data) {
        JsonNode json;
        try {
            json = StrictJson.read(data);
        } catch (IOException notJson) {
            return;
        }
        try {
            assertNotNull(SigstoreBundle.parse(json));
        } catch (VerificationException expected) {
            // the documented refusal
        }
    }
}
