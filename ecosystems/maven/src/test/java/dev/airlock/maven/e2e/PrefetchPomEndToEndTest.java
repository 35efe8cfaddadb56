package dev.airlock.maven.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.airlock.config.AirlockConfig;
import dev.airlock.core.testing.ClientProcess;
import dev.airlock.core.testing.NettyLeaks;
import dev.airlock.core.testing.RunningAirlock;
import dev.airlock.maven.fixture.FixtureMavenRepository;
import dev.airlock.maven.fixture.FixtureMavenRepository.SigningKey;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code prefetch pom.xml}: the project's graph is resolved by Maven Resolver whose only
 * repository is the running Airlock, so the parent POM, the dependencies' POMs and jars, and the
 * transitive ones all come through Airlock's routes and checks and land in its cache; a release
 * the policy holds is reported with the reason Airlock's 403 gives. Afterwards the real {@code mvn}
 * resolves the approved part from Airlock's cache with the upstream stopped. And a POM's own
 * {@code <repositories>} are never contacted: everything goes to Airlock.
 */
class PrefetchPomEndToEndTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** Maven's own plugins, at versions this project's build has in the local repository. */
    private static final String PLUGINS = """
            <build><pluginManagement><plugins>
              <plugin><groupId>org.apache.maven.plugins</groupId><artifactId>maven-resources-plugin</artifactId><version>3.3.1</version></plugin>
              <plugin><groupId>org.apache.maven.plugins</groupId><artifactId>maven-compiler-plugin</artifactId><version>3.14.1</version></plugin>
            </plugins></pluginManagement></build>
            """;

    @TempDir
    Path tmp;

    @AfterAll
    static void noBufferLeaked() throws InterruptedException {
        NettyLeaks.assertNone();
    }

    private static Path localRepository() {
        return MavenBuild.localRepository();
    }

    private static String[] airlock(String... args) {
        return dev.airlock.cli.testing.Cli.run(args);
    }

    private RunningAirlock airlock(FixtureMavenRepository up) throws Exception {
        AirlockConfig c = RunningAirlock.config(tmp.resolve("data"), "maven", URI.create(up.baseUrl()));
        c = c.withPolicy(c.policy().withSigners(true, List.of(), List.of(), null));
        return RunningAirlock.start(c);
    }

    private static String project(String dependencies) {
        return """
                <project xmlns="http://maven.apache.org/POM/4.0.0">
                  <modelVersion>4.0.0</modelVersion>
                  <parent><groupId>org.fixture</groupId><artifactId>fixture-parent</artifactId><version>1.0</version><relativePath/></parent>
                  <groupId>org.consumer</groupId><artifactId>app</artifactId><version>1.0</version>
                  <dependencies>
                """ + dependencies + """
                  </dependencies>
                """ + PLUGINS + """
                </project>
                """;
    }

    private ClientProcess.Result mvnCompile(Path dir, RunningAirlock airlock, String repo) throws Exception {
        Path settings = tmp.resolve("settings.xml");
        Files.writeString(settings, "<settings><mirrors><mirror><id>airlock</id><mirrorOf>*</mirrorOf><url>"
                + airlock.uri("/maven/") + "</url></mirror></mirrors></settings>");
        return ClientProcess.run(dir, Map.of(), 600, List.of("mvn", "-B", "--strict-checksums", "-s", settings.toString(),
                "-Dmaven.repo.local=" + tmp.resolve(repo), "compile"));
    }

    @Test
    void aPomsGraphIsCachedThroughAirlockWithItsParentAndTheHeldReleaseIsReportedThenMvnBuildsFromTheCache() throws Exception {
        Assumptions.assumeTrue(Files.isDirectory(localRepository().resolve("org/apache/maven/plugins/maven-compiler-plugin/3.14.1")),
                "needs the Maven plugins this project's own build downloaded");
        SigningKey keyA = SigningKey.create("Release Manager A <a@example.invalid>", "prefetch pom e2e key A");
        SigningKey keyB = SigningKey.create("Someone Else B <b@example.invalid>", "prefetch pom e2e key B");
        try (FixtureMavenRepository up = FixtureMavenRepository.builder()
                .localRepository(localRepository())
                .pom("org.fixture", "fixture-parent", "1.0", p -> p.property("maven.compiler.release", "17")
                        .property("project.build.sourceEncoding", "UTF-8"))
                .jar("org.fixture", "lib-b", "1.0", j -> j.javaClass("org.fixture.b.B",
                        "package org.fixture.b; public class B { public static String name() { return \"b\"; } }"))
                .jar("org.fixture", "lib-a", "1.1", j -> j.dependency("org.fixture", "lib-b", "1.0").javaClass("org.fixture.a.A",
                        "package org.fixture.a; public class A { public static String hello() { return \"a \" + org.fixture.b.B.name(); } }"))
                .jar("org.fixture", "lib-test", "1.0")
                .jar("org.example", "signed", "1.0", j -> j.signWith(keyA))
                .jar("org.example", "signed", "1.1", j -> j.signWith(keyB))
                // Published yesterday, by a key new to the group: held while young.
                .lastModified(FixtureMavenRepository.path("org.example", "signed", "1.1", "pom"),
                        java.time.Instant.now().minus(java.time.Duration.ofDays(1)))
                .start();
             RunningAirlock airlock = airlock(up)) {
            // Maven's plugins pass through Airlock once, from a project that needs none of the fixture's libraries.
            Path warm = Files.createDirectories(tmp.resolve("warm"));
            Files.writeString(warm.resolve("pom.xml"), project(""));
            ClientProcess.Result warmed = mvnCompile(warm, airlock, "repo-warm");
            assertEquals(0, warmed.exitCode(), warmed.both());
            String parentPom = FixtureMavenRepository.path("org.fixture", "fixture-parent", "1.0", "pom");
            assertEquals(1, up.gets(parentPom));
            for (String lib : List.of("lib-a", "lib-b")) {
                assertEquals(0, up.gets(FixtureMavenRepository.path("org.fixture", lib, lib.equals("lib-a") ? "1.1" : "1.0", "jar")));
            }

            // An earlier build used org.example:signed 1.0, signed by key A: that key is pinned for the group.
            assertEquals(200, airlock.get("/maven/" + FixtureMavenRepository.path("org.example", "signed", "1.0", "jar")).statusCode());

            Path dir = Files.createDirectories(tmp.resolve("app"));
            Path pom = dir.resolve("pom.xml");
            Files.writeString(pom, project("""
                    <dependency><groupId>org.fixture</groupId><artifactId>lib-a</artifactId><version>1.1</version></dependency>
                    <dependency><groupId>org.example</groupId><artifactId>signed</artifactId><version>1.1</version></dependency>
                    <dependency><groupId>org.fixture</groupId><artifactId>lib-test</artifactId><version>1.0</version><scope>test</scope></dependency>
                    """));
            String server = "http://127.0.0.1:" + airlock.port();
            String[] r = airlock("prefetch", pom.toString(), "--server", server);
            String out = r[1] + r[2];
            assertEquals("1", r[0], out);
            for (String cached : List.of(
                    "maven org.fixture:fixture-parent 1.0 fixture-parent-1.0.pom: cached",
                    "maven org.fixture:lib-a 1.1 lib-a-1.1.pom: cached",
                    "maven org.fixture:lib-a 1.1 lib-a-1.1.jar: cached",
                    "maven org.fixture:lib-b 1.0 lib-b-1.0.pom: cached",
                    "maven org.fixture:lib-b 1.0 lib-b-1.0.jar: cached")) {
                assertTrue(out.contains(cached), cached + " in:\n" + out);
            }
            // The young release signed by a key new to the group: its POM and its jar are each held, with Airlock's reason and release id.
            for (String file : List.of("signed-1.1.pom", "signed-1.1.jar")) {
                assertTrue(out.lines().anyMatch(l -> l.startsWith("maven org.example:signed 1.1 " + file + ": held: ")
                        && l.contains("a key new to its group") && l.contains("(release ")), file + " in:\n" + out);
            }
            assertTrue(out.contains("prefetch: 5 cached, 2 held, 0 failed"), out);
            // Test scope is not prefetched; the parent was asked of Airlock, which had it cached already.
            assertEquals(0, up.gets(FixtureMavenRepository.path("org.fixture", "lib-test", "1.0", "pom")), out);
            assertEquals(1, up.gets(parentPom), "served from Airlock's cache");
            assertEquals(1, up.gets(FixtureMavenRepository.path("org.fixture", "lib-b", "1.0", "jar")), "the transitive jar came through Airlock");

            String[] asJson = airlock("prefetch", pom.toString(), "--server", server, "--json");
            assertEquals("1", asJson[0], asJson[1] + asJson[2]);
            JsonNode summary = JSON.readTree(asJson[1]);
            assertEquals(5, summary.path("cached").asInt(), summary.toString());
            assertEquals(2, summary.path("held").size(), summary.toString());
            for (JsonNode held : summary.path("held")) {
                assertEquals("org.example:signed", held.path("package").asText(), summary.toString());
                assertEquals("QUARANTINED", held.path("verdict").asText(), summary.toString());
                assertTrue(held.path("reasons").toString().contains("a key new to its group"), summary.toString());
            }
            assertEquals(0, summary.path("failed").size(), summary.toString());

            // The upstream is gone: the real mvn, from an empty local repository, builds the approved part from Airlock's cache.
            up.stop();
            Files.writeString(pom, project("""
                    <dependency><groupId>org.fixture</groupId><artifactId>lib-a</artifactId><version>1.1</version></dependency>
                    """));
            Path src = Files.createDirectories(dir.resolve("src/main/java/org/consumer"));
            Files.writeString(src.resolve("App.java"), "package org.consumer; public class App { "
                    + "public static String run() { return org.fixture.a.A.hello() + org.fixture.b.B.name(); } }\n");
            ClientProcess.Result built = mvnCompile(dir, airlock, "repo-app");
            assertEquals(0, built.exitCode(), built.both());
            assertTrue(Files.isRegularFile(tmp.resolve("repo-app").resolve(parentPom)), built.both());
            assertTrue(Files.isRegularFile(tmp.resolve("repo-app/org/fixture/lib-a/1.1/lib-a-1.1.jar")), built.both());
            assertTrue(Files.isRegularFile(tmp.resolve("repo-app/org/fixture/lib-b/1.0/lib-b-1.0.jar")), built.both());
            assertTrue(Files.isRegularFile(dir.resolve("target/classes/org/consumer/App.class")), built.both());
        }
    }

    @Test
    void repositoriesAPomDeclaresAreNeverContactedEverythingGoesToAirlock() throws Exception {
        try (ServerSocket trap = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            AtomicInteger connections = new AtomicInteger();
            Thread acceptor = new Thread(() -> {
                while (!trap.isClosed()) {
                    try {
                        Socket s = trap.accept();
                        connections.incrementAndGet();
                        s.close();
                    } catch (IOException e) {
                        return;
                    }
                }
            }, "trap");
            acceptor.setDaemon(true);
            acceptor.start();
            String elsewhere = "http://127.0.0.1:" + trap.getLocalPort() + "/repo/";
            String repositories = """
                    <repositories>
                      <repository><id>central</id><url>%1$s</url></repository>
                      <repository><id>elsewhere</id><url>%1$s</url><releases><checksumPolicy>ignore</checksumPolicy></releases></repository>
                    </repositories>
                    <pluginRepositories><pluginRepository><id>plugins-elsewhere</id><url>%1$s</url></pluginRepository></pluginRepositories>
                    """.formatted(elsewhere);
            // A dependency whose own POM declares the repository as well.
            String withRepoPath = FixtureMavenRepository.path("org.fixture", "lib-r", "1.0", "pom");
            byte[] withRepoPom = ("""
                    <project xmlns="http://maven.apache.org/POM/4.0.0">
                      <modelVersion>4.0.0</modelVersion>
                      <groupId>org.fixture</groupId><artifactId>lib-r</artifactId><version>1.0</version>
                    """ + repositories + """
                      <dependencies><dependency><groupId>org.fixture</groupId><artifactId>lib-b</artifactId><version>1.0</version></dependency></dependencies>
                    </project>
                    """).getBytes(StandardCharsets.UTF_8);
            try (FixtureMavenRepository up = FixtureMavenRepository.builder()
                    .jar("org.fixture", "lib-b", "1.0")
                    .jar("org.fixture", "lib-r", "1.0")
                    .raw(withRepoPath, withRepoPom)
                    .raw(withRepoPath + ".sha1", sha1(withRepoPom).getBytes(StandardCharsets.US_ASCII))
                    .start();
                 RunningAirlock airlock = airlock(up)) {
                Path pom = Files.createDirectories(tmp.resolve("repos")).resolve("pom.xml");
                Files.writeString(pom, """
                        <project xmlns="http://maven.apache.org/POM/4.0.0">
                          <modelVersion>4.0.0</modelVersion>
                          <groupId>org.consumer</groupId><artifactId>repos</artifactId><version>1.0</version>
                        """ + repositories + """
                          <dependencies><dependency><groupId>org.fixture</groupId><artifactId>lib-r</artifactId><version>1.0</version></dependency></dependencies>
                        </project>
                        """);
                String[] r = airlock("prefetch", pom.toString(), "--server", "http://127.0.0.1:" + airlock.port());
                String out = r[1] + r[2];
                assertEquals("0", r[0], out);
                for (String cached : List.of("lib-r-1.0.pom: cached", "lib-r-1.0.jar: cached", "lib-b-1.0.pom: cached", "lib-b-1.0.jar: cached")) {
                    assertTrue(out.contains(cached), cached + " in:\n" + out);
                }
                assertTrue(out.contains("prefetch: 4 cached, 0 held, 0 failed"), out);
                for (String path : List.of(withRepoPath, FixtureMavenRepository.path("org.fixture", "lib-r", "1.0", "jar"),
                        FixtureMavenRepository.path("org.fixture", "lib-b", "1.0", "pom"), FixtureMavenRepository.path("org.fixture", "lib-b", "1.0", "jar"))) {
                    assertEquals(1, up.gets(path), "Airlock fetched " + path);
                }
            }
            assertEquals(0, connections.get(), "no connection to a repository the POMs declare");
        }
    }

    @Test
    void aPomThatIsNotAProjectIsAUsageErrorBeforeAirlockIsContacted() throws Exception {
        Path pom = Files.createDirectories(tmp.resolve("broken")).resolve("pom.xml");
        Files.writeString(pom, "<project><modelVersion>4.0.0</modelVersion><dependencies>");
        String[] broken = airlock("prefetch", pom.toString(), "--server", "http://127.0.0.1:9");
        assertEquals("2", broken[0], broken[1] + broken[2]);
        assertTrue(broken[2].contains(pom + ": not a readable POM"), broken[2]);

        Files.writeString(pom, "<project><modelVersion>4.0.0</modelVersion></project>");
        String[] anonymous = airlock("prefetch", pom.toString(), "--server", "http://127.0.0.1:9");
        assertEquals("2", anonymous[0], anonymous[1] + anonymous[2]);
        assertTrue(anonymous[2].contains("names no groupId, artifactId and version"), anonymous[2]);
    }

    private static String sha1(byte[] data) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-1").digest(data));
    }
}
