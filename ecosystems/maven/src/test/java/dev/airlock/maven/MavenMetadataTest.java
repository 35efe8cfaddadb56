package dev.airlock.maven;

import dev.airlock.core.ecosystem.MetadataException;
import dev.airlock.core.ecosystem.RenderContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** maven-metadata.xml: parsed without DTDs or entities, rendered in Maven's version order. */
class MavenMetadataTest {

    private static final RenderContext ALL = new RenderContext("http://airlock.test/maven/", v -> true);

    @TempDir
    Path tmp;

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static String render(MavenMetadata m, RenderContext c) {
        return new String(m.render(new byte[0], c).body(), StandardCharsets.UTF_8);
    }

    @Test
    void versionsAreSortedAndLatestAndReleaseRecomputed() throws Exception {
        // Upload order and a stale <release> as real metadata has them (a 5.0 alpha once published, a 4.x line since).
        String doc = """
                <?xml version="1.0" encoding="UTF-8"?>
                <metadata modelVersion="1.1.0">
                  <groupId>io.example</groupId>
                  <artifactId>net</artifactId>
                  <versioning>
                    <latest>5.0.0.Alpha2</latest>
                    <release>5.0.0.Alpha2</release>
                    <versions>
                      <version>4.1.0.Final</version>
                      <version>5.0.0.Alpha2</version>
                      <version>4.2.20.Final</version>
                      <version>4.2.3.Final</version>
                      <version>4.2.0.Final</version>
                      <version>4.1.0.Final</version>
                    </versions>
                    <lastUpdated>20261019203412</lastUpdated>
                  </versioning>
                </metadata>
                """;
        MavenMetadata m = MavenMetadata.parse("io:example:net", false, utf8(doc));
        assertEquals(List.of("4.1.0.Final", "5.0.0.Alpha2", "4.2.20.Final", "4.2.3.Final", "4.2.0.Final"), m.versions());
        String out = render(m, ALL);
        assertTrue(out.contains("<versions>\n      <version>4.1.0.Final</version>\n      <version>4.2.0.Final</version>\n"
                + "      <version>4.2.3.Final</version>\n      <version>4.2.20.Final</version>\n      <version>5.0.0.Alpha2</version>\n"), out);
        assertTrue(out.contains("<lastUpdated>20261019203412</lastUpdated>"), out);
        // Hiding the alpha (a policy would) moves latest and release to the real newest.
        String filtered = render(m, new RenderContext("http://airlock.test/maven/", v -> !v.startsWith("5.")));
        assertTrue(filtered.contains("<latest>4.2.20.Final</latest>"), filtered);
        assertTrue(filtered.contains("<release>4.2.20.Final</release>"), filtered);
        assertFalse(filtered.contains("5.0.0"), filtered);
        // And the rendering is itself valid metadata that parses back to the visible versions.
        MavenMetadata again = MavenMetadata.parse("io:example:net", false, utf8(filtered));
        assertEquals(List.of("4.1.0.Final", "4.2.0.Final", "4.2.3.Final", "4.2.20.Final"), again.versions());
    }

    @Test
    void releaseSkipsSnapshotsLatestDoesNot() throws Exception {
        String doc = "<metadata><groupId>g</groupId><artifactId>a</artifactId><versioning><versions>"
                + "<version>1.0</version><version>1.1-SNAPSHOT</version><version>1.0.1</version></versions></versioning></metadata>";
        String out = render(MavenMetadata.parse("g:a", false, utf8(doc)), ALL);
        assertTrue(out.contains("<latest>1.1-SNAPSHOT</latest>"), out);
        assertTrue(out.contains("<release>1.0.1</release>"), out);
        // Airlock without snapshots does not list what it would answer 404 for.
        String hidden = render(MavenMetadata.parse("g:a", false, true, utf8(doc)), ALL);
        assertFalse(hidden.contains("SNAPSHOT"), hidden);
        assertTrue(hidden.contains("<latest>1.0.1</latest>"), hidden);
    }

    @Test
    void groupPluginPrefixesAreKeptAndEscaped() throws Exception {
        String doc = "<metadata><plugins><plugin><name>Apache Maven Dependency Plugin &amp; co</name><prefix>dependency</prefix>"
                + "<artifactId>maven-dependency-plugin</artifactId></plugin><plugin><prefix>broken</prefix></plugin></plugins></metadata>";
        MavenMetadata m = MavenMetadata.parse("org:apache:maven:plugins", false, utf8(doc));
        assertEquals(1, m.plugins().size(), "an entry without artifactId is dropped");
        String out = render(m, ALL);
        assertTrue(out.contains("<name>Apache Maven Dependency Plugin &amp; co</name>"), out);
        assertTrue(out.contains("<prefix>dependency</prefix>"), out);
        assertFalse(out.contains("<versioning>"), out);
    }

    @Test
    void xxeIsRefusedWithoutReadingTheFile() throws Exception {
        Path secret = Files.writeString(tmp.resolve("secret.txt"), "TOP-SECRET");
        String doc = "<?xml version=\"1.0\"?><!DOCTYPE metadata [<!ENTITY xxe SYSTEM \"" + secret.toUri() + "\">]>"
                + "<metadata><groupId>&xxe;</groupId></metadata>";
        MetadataException e = assertThrows(MetadataException.class, () -> MavenMetadata.parse("g:a", false, utf8(doc)));
        assertTrue(e.getMessage().contains("DTD"), e.getMessage());
        assertFalse(e.getMessage().contains("TOP-SECRET"));
    }

    @Test
    void billionLaughsIsRefused() {
        StringBuilder dtd = new StringBuilder("<?xml version=\"1.0\"?><!DOCTYPE metadata [<!ENTITY lol \"lol\">");
        for (int i = 1; i < 10; i++) {
            dtd.append("<!ENTITY lol").append(i).append(" \"").append(("&lol" + (i == 1 ? "" : i - 1) + ";").repeat(10)).append("\">");
        }
        dtd.append("]><metadata><groupId>&lol9;</groupId></metadata>");
        assertThrows(MetadataException.class, () -> MavenMetadata.parse("g:a", false, utf8(dtd.toString())));
    }

    @Test
    void undeclaredEntitiesAndGarbageAreRefused() {
        assertThrows(MetadataException.class, () -> MavenMetadata.parse("g:a", false, utf8("<metadata><groupId>&xxe;</groupId></metadata>")));
        assertThrows(MetadataException.class, () -> MavenMetadata.parse("g:a", false, utf8("<html><body>Not Found</body></html>")));
        assertThrows(MetadataException.class, () -> MavenMetadata.parse("g:a", false, utf8("<metadata><versioning>")));
        assertThrows(MetadataException.class, () -> MavenMetadata.parse("g:a", false, new byte[0]));
    }

    @Test
    void snapshotMetadataIsServedAsUpstreamWroteIt() throws Exception {
        byte[] doc = utf8("<metadata><groupId>g</groupId><artifactId>a</artifactId><version>1.0-SNAPSHOT</version><versioning><snapshot>"
                + "<timestamp>20240102.030405</timestamp><buildNumber>7</buildNumber></snapshot></versioning></metadata>");
        MavenMetadata m = MavenMetadata.parse("g:a:1.0-SNAPSHOT", true, doc);
        assertEquals(new String(doc, StandardCharsets.UTF_8), new String(m.render(doc, ALL).body(), StandardCharsets.UTF_8));
    }

    @Test
    void metadataListingMoreVersionsThanTheLimitIsRefused() throws Exception {
        // limits.versionsPerDocument: a hostile maven-metadata.xml of a million versions is refused, not kept.
        StringBuilder doc = new StringBuilder("<metadata><groupId>g</groupId><artifactId>a</artifactId><versioning><versions>");
        for (int i = 0; i < 1001; i++) {
            doc.append("<version>1.").append(i).append("</version>");
        }
        doc.append("</versions></versioning></metadata>");
        assertEquals(1001, MavenMetadata.parse("g:a", false, false, utf8(doc.toString()), 1001).versions().size());
        dev.airlock.core.ecosystem.MetadataException e = org.junit.jupiter.api.Assertions.assertThrows(
                dev.airlock.core.ecosystem.MetadataException.class, () -> MavenMetadata.parse("g:a", false, false, utf8(doc.toString()), 1000));
        assertTrue(e.getMessage().contains("limits.versionsPerDocument"), e.getMessage());
    }
}
