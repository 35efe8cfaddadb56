package dev.airlock.maven;

import dev.airlock.core.ecosystem.ContentFacts;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** POMs are read as leniently as Maven reads them (XHTML entities), and no more (no DTD, no external entity). */
class PomXmlTest {

    @TempDir
    Path tmp;

    @Test
    void theRealPlexusPomWithAnXhtmlEntityIsReadAsMavenReadsIt() throws Exception {
        // plexus-1.0.4.pom (recorded, hosts replaced) names a developer "Trygve Laugst&oslash;l" and declares no DTD.
        byte[] pom = PomXmlTest.class.getResourceAsStream("/real-build/plexus-1.0.4.pom").readAllBytes();
        assertTrue(new String(pom, StandardCharsets.UTF_8).contains("Laugst&oslash;l"));
        assertThrows(Exception.class, () -> MavenUpstreamDiscovery.parse(pom), "a strict parser calls the entity undeclared");
        org.w3c.dom.Document d = PomXml.parse(pom);
        assertTrue(d.getDocumentElement().getTextContent().contains("Trygve Laugst\u00f8l"));

        Path file = Files.write(tmp.resolve("plexus-1.0.4.pom"), pom);
        ContentFacts facts = JarInspector.inspect("plexus-1.0.4.pom", file);
        assertEquals(ContentFacts.NONE, facts, "no anomaly: the POM is well-formed to Maven");
    }

    @Test
    void aPomLargerThanTheBoundIsAnAnomalyNotReadIntoMemory() throws Exception {
        // A 2 GB "POM" once cost an OutOfMemoryError and a 500 on every retry; past the bound it is held unread.
        Path huge = tmp.resolve("huge.pom");
        try (java.io.RandomAccessFile f = new java.io.RandomAccessFile(huge.toFile(), "rw")) {
            f.setLength(JarInspector.MAX_POM + 1); // sparse: no disk is used
        }
        ContentFacts facts = JarInspector.inspect("huge.pom", huge);
        assertTrue(facts.anomalies().get(0).contains("more than the " + JarInspector.MAX_POM), facts.toString());
    }

    @Test
    void onlyXhtmlEntitiesAreReplacedAndDtdsStayRefused() throws Exception {
        byte[] in = "<p>&amp; &lt; &nbsp; &eacute; &bogus; &#65; &oslash</p>".getBytes(StandardCharsets.UTF_8);
        assertEquals("<p>&amp; &lt; &#160; &#233; &bogus; &#65; &oslash</p>",
                new String(PomXml.withCharacterReferences(in), StandardCharsets.UTF_8));
        byte[] plain = "<project/>".getBytes(StandardCharsets.UTF_8);
        assertArrayEquals(plain, PomXml.withCharacterReferences(plain));

        byte[] xxe = ("<?xml version=\"1.0\"?><!DOCTYPE project [<!ENTITY x SYSTEM \"file:///etc/passwd\">]>"
                + "<project>&x;</project>").getBytes(StandardCharsets.UTF_8);
        assertThrows(Exception.class, () -> PomXml.parse(xxe));
        Path file = Files.write(tmp.resolve("x.pom"), xxe);
        assertTrue(JarInspector.inspect("x.pom", file).anomalies().get(0).startsWith("the POM is not well-formed XML"));
    }
}
