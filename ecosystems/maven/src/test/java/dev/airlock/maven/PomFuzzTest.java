package dev.airlock.maven;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.airlock.core.ecosystem.ContentFacts;
import dev.airlock.core.testing.Fuzzing;
import org.junit.jupiter.api.Timeout;
import org.xml.sax.SAXException;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertNotNull;

/**
 * The POM readers' contracts (docs/FUZZING.md): {@link PomXml#parse} gives a document or the XML
 * parser's {@link SAXException} (an {@link IOException} at most), never another exception;
 * {@link JarInspector} turns every POM into content facts (a malformed one is an anomaly, one
 * past {@code limits.pomSize} is not read), and the plugin descriptor reader never throws.
 */
class PomFuzzTest {

    private static final Path FILE = Fuzzing.tempFile(".pom");

    @FuzzTest(maxDuration = "10s")
    @Timeout(60)
    void pom(byte[] pom) throws IOException {
        try {
            assertNotNull(PomXml.parse(pom));
        } catch (SAXException | IOException expected) {
            // not well-formed XML, or a DTD
        } catch (Exception e) {
            throw new AssertionError("PomXml.parse threw " + e, e);
        }
        Files.write(FILE, pom);
        ContentFacts facts = JarInspector.inspect("fuzzed-1.0.pom", FILE, Fuzzing.LIMITS);
        assertNotNull(facts);
        assertNotNull(JarInspector.mojos(pom));
    }
}
