package dev.airlock.pypi;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.airlock.core.ecosystem.MetadataException;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertNotNull;

/**
 * The requirements reader's contract (docs/FUZZING.md): a requirements file either yields its
 * locked files or is a {@link MetadataException} naming the line; nothing else escapes. The
 * file sits alone in a temporary folder, so a relative {@code -r} finds nothing beside it.
 */
class RequirementsFuzzTest {

    private static final Path FILE = folder().resolve("requirements.txt");

    private static Path folder() {
        try {
            Path d = Files.createTempDirectory("airlock-fuzz");
            d.toFile().deleteOnExit();
            return d;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @FuzzTest(maxDuration = "10s")
    @Timeout(60)
    void requirements(byte[] content) {
        Requirements.claims(FILE, content);
        try {
            assertNotNull(Requirements.parse(FILE, content));
        } catch (MetadataException expected) {
            // the documented refusal
        }
    }
}
