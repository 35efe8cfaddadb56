package dev.airlock.maven;

import com.code_intelligence.jazzer.junit.FuzzTest;
import org.junit.jupiter.api.Timeout;

import java.io.ByteArrayInputStream;
import java.io.IOException;

import static org.junit.jupiter.api.Assertions.assertNotNull;

/**
 * PgpSignature's contract (docs/FUZZING.md): any {@code .asc} parses to a detached signature or
 * to {@link PgpSignature.Malformed} with a reason, never an exception; a parsed one verifies
 * against a keyring to a result (here: no key known), never an exception.
 */
class PgpSignatureFuzzTest {

    private static final byte[] ARTIFACT = "the artifact's bytes".getBytes(java.nio.charset.StandardCharsets.UTF_8);

    @FuzzTest(maxDuration = "10s")
    @Timeout(60)
    void parse(byte[] asc) throws IOException {
        PgpSignature.Parsed parsed = PgpSignature.parse(asc);
        assertNotNull(parsed);
        if (parsed instanceof PgpSignature.Detached d) {
            assertNotNull(d.verify(PgpKeyring.EMPTY, new ByteArrayInputStream(ARTIFACT)));
        }
    }
}
