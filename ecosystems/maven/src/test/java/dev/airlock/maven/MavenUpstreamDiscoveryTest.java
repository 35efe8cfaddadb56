package dev.airlock.maven;

import dev.airlock.config.UpstreamConfig;
import dev.airlock.core.ecosystem.EcosystemContext;
import dev.airlock.core.ecosystem.UpstreamSettings;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.OutputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Where the machine's own Maven downloads from: settings.xml mirrors, else the super-POM's central. */
class MavenUpstreamDiscoveryTest {

    @TempDir
    Path tmp;

    private UpstreamSettings discover(Map<String, String> env, Path home) {
        return new MavenEcosystem().defaultUpstream(new EcosystemContext(UpstreamConfig.empty(), env, home, Clock.systemUTC()));
    }

    /** A Maven installation with a super-POM naming this central URL, like the real lib/maven-model-builder jar. */
    private Path fakeMaven(String centralUrl) throws IOException {
        Path mavenHome = tmp.resolve("maven");
        Files.createDirectories(mavenHome.resolve("lib"));
        Files.createDirectories(mavenHome.resolve("conf"));
        try (OutputStream out = Files.newOutputStream(mavenHome.resolve("lib/maven-model-builder-3.8.7.jar"));
             ZipOutputStream zip = new ZipOutputStream(out)) {
            zip.putNextEntry(new ZipEntry("org/apache/maven/model/pom-4.0.0.xml"));
            zip.write(("<project><modelVersion>4.0.0</modelVersion><repositories><repository><id>snapshots</id><url>https://other.invalid/</url>"
                    + "</repository><repository><id>central</id><name>Central Repository</name><url>" + centralUrl + "</url></repository>"
                    + "</repositories></project>").getBytes(StandardCharsets.UTF_8));
            zip.closeEntry();
        }
        return mavenHome;
    }

    private static void settings(Path file, String mirrors) throws IOException {
        Files.createDirectories(file.getParent());
        Files.writeString(file, "<settings><mirrors>" + mirrors + "</mirrors></settings>");
    }

    private static String mirror(String id, String of, String url) {
        return "<mirror><id>" + id + "</id><mirrorOf>" + of + "</mirrorOf><url>" + url + "</url></mirror>";
    }

    @Test
    void superPomCentralWhenNoMirror() throws Exception {
        Path mavenHome = fakeMaven("https://central.invalid/maven2");
        UpstreamSettings s = discover(Map.of("MAVEN_HOME", mavenHome.toString()), tmp.resolve("home"));
        assertEquals(URI.create("https://central.invalid/maven2/"), s.base(), "a root is a directory");
        assertEquals(URI.create("https://central.invalid/maven2/org/x/maven-metadata.xml"), s.base().resolve("org/x/maven-metadata.xml"));
        assertTrue(s.source().contains("super-POM") && s.source().contains("maven-model-builder-3.8.7.jar"), s.source());
    }

    @Test
    void theUsersMirrorOfCentralWinsAndExactIdsBeatPatterns() throws Exception {
        Path mavenHome = fakeMaven("https://central.invalid/maven2");
        Path home = tmp.resolve("home");
        settings(home.resolve(".m2/settings.xml"), mirror("all", "*", "https://star.invalid/")
                + mirror("corp", "central", "https://corp.invalid/repo/") + mirror("blocker", "external:http:*", "http://0.0.0.0/"));
        UpstreamSettings s = discover(Map.of("MAVEN_HOME", mavenHome.toString()), home);
        assertEquals(URI.create("https://corp.invalid/repo/"), s.base());
        assertTrue(s.source().contains("'corp'") && s.source().contains(".m2"), s.source());
    }

    @Test
    void patternsExclusionsAndTheGlobalSettings() throws Exception {
        Path mavenHome = fakeMaven("https://central.invalid/maven2");
        Path home = tmp.resolve("home");
        // The user's mirror excludes central; the http blocker never matches an https central; the global one does.
        settings(home.resolve(".m2/settings.xml"), mirror("most", "*,!central", "https://most.invalid/")
                + mirror("blocker", "external:http:*", "http://0.0.0.0/"));
        settings(mavenHome.resolve("conf/settings.xml"), mirror("global", "external:*", "https://global.invalid/${env.REPO_PATH}/"));
        UpstreamSettings s = discover(Map.of("MAVEN_HOME", mavenHome.toString(), "REPO_PATH", "maven"), home);
        assertEquals(URI.create("https://global.invalid/maven/"), s.base());
        assertTrue(MavenUpstreamDiscovery.matchesCentral("internal,central"));
        assertFalse(MavenUpstreamDiscovery.matchesCentral("external:http:*"));
        assertFalse(MavenUpstreamDiscovery.matchesCentral("*,!central"));
    }

    @Test
    void mavenIsFoundOnThePathThroughSymlinks() throws Exception {
        Path mavenHome = fakeMaven("https://central.invalid/maven2");
        Path bin = Files.createDirectories(mavenHome.resolve("bin"));
        Path mvn = Files.writeString(bin.resolve("mvn"), "#!/bin/sh\n");
        mvn.toFile().setExecutable(true);
        Path usrBin = Files.createDirectories(tmp.resolve("usr/bin"));
        Files.createSymbolicLink(usrBin.resolve("mvn"), mvn);
        UpstreamSettings s = discover(Map.of("PATH", "/nonexistent:" + usrBin), tmp.resolve("home"));
        assertEquals(URI.create("https://central.invalid/maven2/"), s.base());
    }

    @Test
    void brokenSettingsAndNoMavenSayWhatToSet() throws Exception {
        Path home = tmp.resolve("home");
        Files.createDirectories(home.resolve(".m2"));
        Files.writeString(home.resolve(".m2/settings.xml"), "<settings><mirrors><mirror>");
        UpstreamSettings broken = discover(Map.of(), home);
        assertFalse(broken.available());
        assertTrue(broken.unavailable().contains("settings.xml") && broken.unavailable().contains("upstreams.maven.url"), broken.unavailable());
        UpstreamSettings none = discover(Map.of("PATH", "/nonexistent"), tmp.resolve("empty-home"));
        assertFalse(none.available());
        assertTrue(none.unavailable().contains("upstreams.maven.url"), none.unavailable());
        // A settings file with a DTD is refused, not expanded.
        Files.writeString(home.resolve(".m2/settings.xml"), "<?xml version=\"1.0\"?><!DOCTYPE s [<!ENTITY x SYSTEM \"file:///etc/passwd\">]>"
                + "<settings><mirrors>" + mirror("x", "*", "https://x.invalid/&x;") + "</mirrors></settings>");
        assertFalse(discover(Map.of(), home).available());
    }

    @Test
    void theInstalledMavenNamesAnHttpsCentral() {
        // This machine's own Maven, found like Airlock finds it in production (its host is not written here).
        String path = System.getenv("PATH");
        UpstreamSettings s = discover(Map.of("PATH", path == null ? "" : path), tmp.resolve("home"));
        Assumptions.assumeTrue(s.available(), "no Maven installation on PATH");
        assertEquals("https", s.base().getScheme());
        assertTrue(s.source().contains("super-POM"), s.source());
        assertTrue(s.base().resolve("org/x/1/x-1.pom").getPath().startsWith(s.base().getPath()), "paths stay under the repository root");
    }
}
