package dev.airlock.maven.e2e;

import dev.airlock.config.ConfigLoader;
import dev.airlock.config.UpstreamConfig;
import dev.airlock.config.AirlockConfig;
import dev.airlock.config.CacheConfig;
import dev.airlock.core.testing.NettyLeaks;
import dev.airlock.core.testing.RunningAirlock;
import dev.airlock.maven.fixture.FixtureMavenRepository;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Airlock's Maven route over HTTP, against fixture repositories on loopback. */
class MavenProxyTest {

    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final String JAR = FixtureMavenRepository.path("org.fixture", "lib-a", "1.1", "jar");

    @AfterAll
    static void noBufferLeaked() throws InterruptedException {
        NettyLeaks.assertNone();
    }

    @TempDir
    Path tmp;

    private static FixtureMavenRepository.Builder repo() {
        return FixtureMavenRepository.builder()
                .jar("org.fixture", "lib-a", "1.0")
                // Signed like 1.10, the version it is compared with (maven-metadata.xml has no times: version order decides).
                .jar("org.fixture", "lib-a", "2.0-beta-1", j -> j.sign())
                .jar("org.fixture", "lib-a", "1.1", j -> j.sign().classifier("sources").module())
                .jar("org.fixture", "lib-a", "1.10", j -> j.sign()); // signed like 1.1: a release that drops it is held
    }

    private RunningAirlock airlock(String name, List<URI> upstreams, boolean snapshots) throws Exception {
        AirlockConfig c = ConfigLoader.defaults().withPort(0).withStoragePath(tmp.resolve(name))
                .withCache(new CacheConfig(Duration.ofMinutes(5), 64L * 1024 * 1024))
                .withUpstream("maven", UpstreamConfig.empty().withUrls(upstreams).withSnapshots(snapshots));
        return RunningAirlock.start(c);
    }

    private static HttpResponse<byte[]> head(RunningAirlock a, String path) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(a.uri(path)).method("HEAD", HttpRequest.BodyPublishers.noBody()).build(),
                HttpResponse.BodyHandlers.ofByteArray());
    }

    private static String hex(String algorithm, byte[] bytes) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance(algorithm).digest(bytes));
    }

    private static String text(HttpResponse<byte[]> r) {
        return new String(r.body(), StandardCharsets.UTF_8);
    }

    @Test
    void filesAreVerifiedCachedAndServedWithTheirChecksums() throws Exception {
        // A jar, its POM, sources, .module and .asc come through once each, checked against every checksum upstream has;
        // checksum files and X-Checksum headers describe exactly the bytes Airlock serves.
        try (FixtureMavenRepository up = repo().start(); RunningAirlock a = airlock("d", List.of(URI.create(up.baseUrl())), false)) {
            HttpResponse<byte[]> jar = a.get("/maven/" + JAR);
            assertEquals(200, jar.statusCode());
            assertArrayEquals(up.file(JAR), jar.body());
            assertEquals(hex("SHA-1", jar.body()), jar.headers().firstValue("x-checksum-sha1").orElseThrow());
            assertEquals(hex("MD5", jar.body()), jar.headers().firstValue("x-checksum-md5").orElseThrow());
            assertEquals("application/java-archive", jar.headers().firstValue("content-type").orElseThrow());
            for (String[] c : new String[][]{{".sha1", "SHA-1"}, {".md5", "MD5"}, {".sha256", "SHA-256"}, {".sha512", "SHA-512"}}) {
                HttpResponse<byte[]> sum = a.get("/maven/" + JAR + c[0]);
                assertEquals(200, sum.statusCode());
                assertEquals(hex(c[1], up.file(JAR)), text(sum));
            }
            for (String other : List.of(FixtureMavenRepository.path("org.fixture", "lib-a", "1.1", "pom"),
                    FixtureMavenRepository.path("org.fixture", "lib-a", "1.1", "sources", "jar"),
                    FixtureMavenRepository.path("org.fixture", "lib-a", "1.1", "module"), JAR + ".asc")) {
                HttpResponse<byte[]> r = a.get("/maven/" + other);
                assertEquals(200, r.statusCode(), other);
                assertArrayEquals(up.file(other), r.body(), other);
            }
            HttpResponse<byte[]> h = head(a, "/maven/" + JAR);
            assertEquals(200, h.statusCode());
            assertEquals(Long.toString(up.file(JAR).length), h.headers().firstValue("content-length").orElseThrow());
            assertEquals(0, h.body().length);
            assertEquals(1, up.gets(JAR), "downloaded once");
            assertEquals(1, up.gets(JAR + ".sha1"), "upstream's checksum fetched once, to verify");
            assertEquals(0, up.gets(JAR + ".md5"), "checksum requests are answered from the cache");
            up.stop();
            assertArrayEquals(jar.body(), a.get("/maven/" + JAR).body(), "served with upstream gone");
        }
    }

    @Test
    void metadataIsSortedRecomputedAndItsChecksumsMatchTheRendering() throws Exception {
        try (FixtureMavenRepository up = repo().start(); RunningAirlock a = airlock("d", List.of(URI.create(up.baseUrl())), false)) {
            String path = "/maven/" + FixtureMavenRepository.metadataPath("org.fixture", "lib-a");
            HttpResponse<byte[]> m = a.get(path);
            assertEquals(200, m.statusCode());
            String xml = text(m);
            assertTrue(xml.contains("<version>1.0</version>\n      <version>1.1</version>\n      <version>1.10</version>\n"
                    + "      <version>2.0-beta-1</version>"), xml);
            assertTrue(xml.contains("<latest>2.0-beta-1</latest>") && xml.contains("<release>2.0-beta-1</release>"), xml);
            assertTrue(xml.contains("<lastUpdated>" + FixtureMavenRepository.LAST_UPDATED + "</lastUpdated>"), xml);
            assertFalse(xml.contains("<release>1.0</release>"), "upstream's stale release is not passed on");
            assertEquals(hex("SHA-1", m.body()), text(a.get(path + ".sha1")));
            assertEquals(hex("SHA-512", m.body()), text(a.get(path + ".sha512")));
        }
    }

    @Test
    void aChecksumDisagreementCachesNothing() throws Exception {
        try (FixtureMavenRepository up = repo().start(); RunningAirlock a = airlock("d", List.of(URI.create(up.baseUrl())), false)) {
            up.corrupt(JAR);
            HttpResponse<byte[]> r = a.get("/maven/" + JAR);
            assertEquals(502, r.statusCode());
            assertTrue(text(r).contains("integrity check failed for " + JAR), text(r));
            assertEquals(502, a.get("/maven/" + JAR + ".sha1").statusCode(), "no checksum for bytes never accepted");
            try (Stream<Path> blobs = Files.walk(a.dataDir().resolve("blobs"))) {
                assertTrue(blobs.filter(Files::isRegularFile).noneMatch(p -> p.toString().contains(".part")));
            }
            up.clearFaults();
            HttpResponse<byte[]> ok = a.get("/maven/" + JAR);
            assertEquals(200, ok.statusCode(), "fetched again once upstream is right");
            assertArrayEquals(up.file(JAR), ok.body());
        }
    }

    @Test
    void upstreamsAreTriedInOrderAndMissesAreRemembered() throws Exception {
        // The first repository lacks lib-b; the second has it. A path neither has is asked for once within notFoundTtl.
        try (FixtureMavenRepository first = repo().start();
             FixtureMavenRepository second = FixtureMavenRepository.builder().jar("org.fixture", "lib-b", "3.0").start();
             RunningAirlock a = airlock("d", List.of(URI.create(first.baseUrl()), URI.create(second.baseUrl())), false)) {
            String b = FixtureMavenRepository.path("org.fixture", "lib-b", "3.0", "jar");
            HttpResponse<byte[]> r = a.get("/maven/" + b);
            assertEquals(200, r.statusCode());
            assertArrayEquals(second.file(b), r.body());
            assertEquals(1, first.gets(b));
            String missing = "org/fixture/none/1.0/none-1.0.pom";
            assertEquals(404, a.get("/maven/" + missing).statusCode());
            assertEquals(404, head(a, "/maven/" + missing).statusCode());
            assertEquals(404, a.get("/maven/" + missing).statusCode());
            assertEquals(1, first.requests(missing), "the 404 is remembered");
            assertEquals(1, second.requests(missing));
        }
    }

    @Test
    void snapshotsAndHostilePathsAreRefused() throws Exception {
        try (FixtureMavenRepository up = repo().start(); RunningAirlock a = airlock("d", List.of(URI.create(up.baseUrl())), false)) {
            HttpResponse<byte[]> snap = a.get("/maven/org/fixture/lib-a/1.2-SNAPSHOT/lib-a-1.2-20240102.030405-1.jar");
            assertEquals(404, snap.statusCode());
            assertTrue(text(snap).contains("upstreams.maven.snapshots"), text(snap));
            assertEquals(400, a.get("/maven/org/fixture/lib-a/1.1/other-1.1.jar").statusCode());
            assertEquals(400, a.get("/maven/org/%2e%2e/lib-a/1.1/lib-a-1.1.jar").statusCode());
            assertEquals(404, a.get("/maven/org/fixture/").statusCode());
            HttpResponse<byte[]> put = HTTP.send(HttpRequest.newBuilder(a.uri("/maven/" + JAR))
                    .PUT(HttpRequest.BodyPublishers.ofString("x")).build(), HttpResponse.BodyHandlers.ofByteArray());
            assertEquals(405, put.statusCode());
            assertEquals(0, up.log().size(), "nothing reached upstream");
        }
    }

    @Test
    void hostileMetadataIsRefusedWithoutReadingAnything() throws Exception {
        // XXE (a local file and a URL on a counting server) and billion laughs: 502, nothing read, nothing cached.
        Path secret = Files.writeString(tmp.resolve("secret.txt"), "TOP-SECRET");
        try (FixtureMavenRepository bait = FixtureMavenRepository.builder().raw("x.dtd", "<!ENTITY y 'z'>".getBytes()).start()) {
            String xxe = "<?xml version=\"1.0\"?><!DOCTYPE metadata [<!ENTITY f SYSTEM \"" + secret.toUri() + "\">"
                    + "<!ENTITY % r SYSTEM \"" + bait.url("x.dtd") + "\"> %r;]><metadata><groupId>&f;</groupId></metadata>";
            StringBuilder lol = new StringBuilder("<?xml version=\"1.0\"?><!DOCTYPE metadata [<!ENTITY l \"lol\">");
            for (int i = 1; i < 10; i++) {
                lol.append("<!ENTITY l").append(i).append(" \"").append(("&l" + (i == 1 ? "" : i - 1) + ";").repeat(10)).append("\">");
            }
            lol.append("]><metadata><groupId>&l9;</groupId></metadata>");
            try (FixtureMavenRepository up = FixtureMavenRepository.builder()
                    .raw("org/evil/xxe/maven-metadata.xml", xxe.getBytes(StandardCharsets.UTF_8))
                    .raw("org/evil/lol/maven-metadata.xml", lol.toString().getBytes(StandardCharsets.UTF_8)).start();
                 RunningAirlock a = airlock("d", List.of(URI.create(up.baseUrl())), false)) {
                for (String p : List.of("org/evil/xxe/maven-metadata.xml", "org/evil/lol/maven-metadata.xml")) {
                    HttpResponse<byte[]> r = a.get("/maven/" + p);
                    assertEquals(502, r.statusCode(), p);
                    assertTrue(text(r).contains("DTD"), text(r));
                    assertFalse(text(r).contains("TOP-SECRET"));
                }
                assertEquals(0, bait.log().size(), "the external DTD was never fetched");
            }
        }
    }

    @Test
    void checksumHeadersAreCheckedAndSpareTheChecksumRequest() throws Exception {
        // An upstream that sends X-Checksum-SHA1 (as large repositories do): that digest is verified, .sha1 is not fetched.
        // Only the first file, asked for before Airlock knew this upstream's habit, has its checksum files asked for
        // with it (they are asked for beside the file, not after its headers arrive).
        try (FixtureMavenRepository up = repo().checksumHeaders(true).start();
             RunningAirlock a = airlock("d", List.of(URI.create(up.baseUrl())), false)) {
            assertEquals(200, a.get("/maven/" + JAR).statusCode());
            String second = FixtureMavenRepository.path("org.fixture", "lib-a", "1.1", "pom");
            assertEquals(200, a.get("/maven/" + second).statusCode());
            assertEquals(0, up.gets(second + ".sha1"), "the header's SHA-1 was used");
            String other = FixtureMavenRepository.path("org.fixture", "lib-a", "1.0", "jar");
            up.corrupt(other);
            HttpResponse<byte[]> bad = a.get("/maven/" + other);
            assertEquals(502, bad.statusCode());
            assertTrue(text(bad).contains("integrity check failed for " + other + ": upstream's SHA-512"), text(bad));
            assertEquals(0, up.gets(other + ".sha1"), "the header's SHA-1 was used, not a .sha1 request");
        }
    }

    @Test
    void groupPluginMetadataResolvesPrefixes() throws Exception {
        try (FixtureMavenRepository up = FixtureMavenRepository.builder()
                .groupPluginMetadata("org.fixture.plugins", "fixture", "fixture-maven-plugin").start();
             RunningAirlock a = airlock("d", List.of(URI.create(up.baseUrl())), false)) {
            String path = "/maven/" + FixtureMavenRepository.groupMetadataPath("org.fixture.plugins");
            HttpResponse<byte[]> r = a.get(path);
            assertEquals(200, r.statusCode());
            assertTrue(text(r).contains("<prefix>fixture</prefix>") && text(r).contains("<artifactId>fixture-maven-plugin</artifactId>"), text(r));
            assertEquals(hex("SHA-1", r.body()), text(a.get(path + ".sha1")));
        }
    }

    @Test
    void deployedSnapshotsAreServedWhenTurnedOn() throws Exception {
        String dir = "org/fixture/lib-s/1.0-SNAPSHOT/";
        byte[] jar = zip("timestamped snapshot bytes");
        try (FixtureMavenRepository up = FixtureMavenRepository.builder()
                .raw(dir + "lib-s-1.0-20240102.030405-3.jar", jar)
                .raw(dir + "lib-s-1.0-SNAPSHOT.jar", jar)
                .raw(dir + "maven-metadata.xml", ("<metadata><groupId>org.fixture</groupId><artifactId>lib-s</artifactId><version>1.0-SNAPSHOT</version>"
                        + "<versioning><snapshot><timestamp>20240102.030405</timestamp><buildNumber>3</buildNumber></snapshot></versioning></metadata>")
                        .getBytes(StandardCharsets.UTF_8)).start();
             RunningAirlock a = airlock("d", List.of(URI.create(up.baseUrl())), true)) {
            HttpResponse<byte[]> ok = a.get("/maven/" + dir + "lib-s-1.0-20240102.030405-3.jar");
            assertEquals(200, ok.statusCode());
            assertArrayEquals(jar, ok.body());
            assertTrue(text(a.get("/maven/" + dir + "maven-metadata.xml")).contains("<buildNumber>3</buildNumber>"));
            HttpResponse<byte[]> mutable = a.get("/maven/" + dir + "lib-s-1.0-SNAPSHOT.jar");
            assertEquals(404, mutable.statusCode());
            assertTrue(text(mutable).contains("timestamped"), text(mutable));
        }
    }

    @Test
    void aDeadFirstRootFailsFastAloneAndTheNextRootServes() throws Exception {
        // Each root has its own circuit: once the dead first root's opens, requests go straight to the second one.
        int dead;
        try (java.net.ServerSocket s = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            dead = s.getLocalPort();
        }
        try (FixtureMavenRepository up = repo().start();
             RunningAirlock a = airlock("d", List.of(URI.create("http://127.0.0.1:" + dead + "/"), URI.create(up.baseUrl())), false)) {
            List<String> files = List.of(JAR, FixtureMavenRepository.path("org.fixture", "lib-a", "1.0", "jar"),
                    FixtureMavenRepository.path("org.fixture", "lib-a", "1.0", "pom"), FixtureMavenRepository.path("org.fixture", "lib-a", "1.1", "pom"),
                    FixtureMavenRepository.path("org.fixture", "lib-a", "1.10", "jar"), FixtureMavenRepository.path("org.fixture", "lib-a", "1.10", "pom"),
                    FixtureMavenRepository.path("org.fixture", "lib-a", "2.0-beta-1", "jar"), FixtureMavenRepository.path("org.fixture", "lib-a", "2.0-beta-1", "pom"));
            for (String f : files) {
                HttpResponse<byte[]> r = a.get("/maven/" + f);
                assertEquals(200, r.statusCode(), f + ": " + text(r));
                assertArrayEquals(up.file(f), r.body());
            }
            assertTrue(a.metrics().contains("outcome=\"unreachable\""), "the first root was tried and failed");
        }
    }

    @Test
    void aLostBlobIsReplacedByBytesThatVerifyNow() throws Exception {
        // Data restored from an older backup lost a blob, and upstream's file changed meanwhile: the index follows
        // the bytes Airlock holds now instead of pointing at nothing forever.
        String path = "org/fixture/raw/1.0/raw-1.0.jar";
        byte[] old = zip("old bytes");
        byte[] now = zip("new bytes");
        try (FixtureMavenRepository up = FixtureMavenRepository.builder().raw(path, old).start();
             RunningAirlock a = airlock("d", List.of(URI.create(up.baseUrl())), false)) {
            assertArrayEquals(old, a.get("/maven/" + path).body());
        }
        try (Stream<Path> blobs = Files.walk(tmp.resolve("d/blobs"))) {
            for (Path p : blobs.filter(Files::isRegularFile).toList()) {
                if (java.util.Arrays.equals(Files.readAllBytes(p), old)) {
                    Files.delete(p);
                }
            }
        }
        try (FixtureMavenRepository up = FixtureMavenRepository.builder().raw(path, now).start();
             RunningAirlock a = airlock("d", List.of(URI.create(up.baseUrl())), false)) {
            HttpResponse<byte[]> r = a.get("/maven/" + path);
            assertEquals(200, r.statusCode(), text(r));
            assertArrayEquals(now, r.body());
            assertEquals(hex("SHA-1", now), text(a.get("/maven/" + path + ".sha1")));
        }
    }

    @Test
    void aChecksumFileThatIsNoChecksumPinsNothing() throws Exception {
        // A proxy in between answering 200 with an HTML page: the file beside it is not trusted either.
        String path = "org/fixture/raw/1.0/raw-1.0.jar";
        try (FixtureMavenRepository up = FixtureMavenRepository.builder().raw(path, "bytes".getBytes(StandardCharsets.UTF_8))
                .raw(path + ".sha1", "<html><body>Please log in</body></html>".getBytes(StandardCharsets.UTF_8)).start();
             RunningAirlock a = airlock("d", List.of(URI.create(up.baseUrl())), false)) {
            HttpResponse<byte[]> r = a.get("/maven/" + path);
            assertEquals(502, r.statusCode());
            assertTrue(text(r).contains("holds no SHA-1 digest"), text(r));
            assertEquals(502, a.get("/maven/" + path).statusCode());
            assertEquals(2, up.gets(path), "nothing was cached");
        }
    }

    @Test
    void aPinnedVersionIsReadBeforeItsFirstDownloadIsServed() throws Exception {
        // A build pinning the version fetches the jar directly (no maven-metadata.xml): the jar is still read
        // before anything is sent, and its annotation processor holds it on this very request.
        try (FixtureMavenRepository up = FixtureMavenRepository.builder()
                .jar("org.fixture", "lib-ap", "1.0")
                .jar("org.fixture", "lib-ap", "1.1", j -> j.resource("META-INF/services/javax.annotation.processing.Processor", "org.fixture.Sneaky\n"))
                .start();
             RunningAirlock a = airlock("d", List.of(URI.create(up.baseUrl())), false)) {
            String jar = FixtureMavenRepository.path("org.fixture", "lib-ap", "1.1", "jar");
            HttpResponse<byte[]> first = a.get("/maven/" + jar);
            assertEquals(403, first.statusCode(), text(first));
            assertTrue(text(first).contains("org.fixture.Sneaky"), text(first));
            assertEquals(403, a.get("/maven/" + jar + ".sha1").statusCode(), "its checksum is refused too");
            assertEquals(200, a.get("/maven/" + FixtureMavenRepository.path("org.fixture", "lib-ap", "1.0", "jar")).statusCode());
        }
    }

    @Test
    void aPomWithADoctypeIsHeldWithoutMavenMetadataToo() throws Exception {
        // No maven-metadata.xml upstream, so nothing governs the release: what its POM was found
        // to be (a DTD, refused by the reader) still holds it, on the first request and from the cache.
        String path = "org/fixture/dtd/1.0/dtd-1.0.pom";
        byte[] pom = ("<?xml version=\"1.0\"?><!DOCTYPE project [<!ENTITY x \"x\">]><project><modelVersion>4.0.0</modelVersion>"
                + "<groupId>org.fixture</groupId><artifactId>dtd</artifactId><version>1.0</version><description>&x;</description>"
                + "</project>").getBytes(StandardCharsets.UTF_8);
        try (FixtureMavenRepository up = FixtureMavenRepository.builder().raw(path, pom).start();
             RunningAirlock a = airlock("d", List.of(URI.create(up.baseUrl())), false)) {
            HttpResponse<byte[]> first = a.get("/maven/" + path);
            assertEquals(403, first.statusCode(), text(first));
            assertTrue(text(first).contains("not well-formed XML"), text(first));
            HttpResponse<byte[]> again = a.get("/maven/" + path);
            assertEquals(403, again.statusCode(), "the cached copy is held too: " + text(again));
            assertEquals(1, up.gets(path), "downloaded once");
        }
    }

    /**
     * A jar holding one text entry. A .jar that is no zip is held even where no maven-metadata.xml
     * governs its release (it cannot be read as what it claims to be), so tests about other things
     * serve real ones.
     */
    private static byte[] zip(String text) throws java.io.IOException {
        java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
        try (java.util.zip.ZipOutputStream z = new java.util.zip.ZipOutputStream(bytes)) {
            z.putNextEntry(new java.util.zip.ZipEntry("text.txt"));
            z.write(text.getBytes(StandardCharsets.UTF_8));
            z.closeEntry();
        }
        return bytes.toByteArray();
    }
}
