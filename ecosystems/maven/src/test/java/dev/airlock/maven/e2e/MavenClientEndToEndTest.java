package dev.airlock.maven.e2e;

import dev.airlock.config.AirlockConfig;
import dev.airlock.core.testing.ClientProcess;
import dev.airlock.core.testing.NettyLeaks;
import dev.airlock.core.testing.RunningAirlock;
import dev.airlock.maven.fixture.FixtureMavenRepository;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.jar.JarFile;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The machine's real {@code mvn} builds a project through a running Airlock. Upstream is a
 * fixture repository on loopback serving artifacts the test generates (a parent POM, a BOM, a
 * library in several versions for a version range) and, for Maven's own plugins, the real files
 * from the local repository of the machine running the tests. Maven starts from an empty local
 * repository every time, so everything it needs comes through Airlock.
 */
class MavenClientEndToEndTest {

    private static final String PLUGINS = MavenBuild.PLUGINS;

    @AfterAll
    static void noBufferLeaked() throws InterruptedException {
        NettyLeaks.assertNone();
    }

    @TempDir
    Path tmp;

    private static Path localRepository() {
        return MavenBuild.localRepository();
    }

    private static FixtureMavenRepository.Builder repository() {
        return FixtureMavenRepository.builder()
                .localRepository(localRepository())
                .pom("org.fixture", "fixture-parent", "1.0", p -> p.property("maven.compiler.release", "17")
                        .property("project.build.sourceEncoding", "UTF-8"))
                .pom("org.fixture", "fixture-bom", "1.0", p -> p.managedDependency("org.fixture", "lib-c", "2.0"))
                .jar("org.fixture", "lib-b", "1.0", j -> j.javaClass("org.fixture.b.B",
                        "package org.fixture.b; public class B { public static String name() { return \"b\"; } }"))
                .jar("org.fixture", "lib-a", "1.0", j -> j.javaClass("org.fixture.a.A",
                        "package org.fixture.a; public class A { public static String hello() { return \"a-1.0\"; } }"))
                .jar("org.fixture", "lib-a", "1.1", j -> j.dependency("org.fixture", "lib-b", "1.0").sign().javaClass("org.fixture.a.A",
                        "package org.fixture.a; public class A { public static String hello() { return \"a-1.1 \" + org.fixture.b.B.name(); } }"))
                .jar("org.fixture", "lib-a", "2.0", j -> j.javaClass("org.fixture.a.A",
                        "package org.fixture.a; public class A { public static int hello() { return 2; } }"))
                .jar("org.fixture", "lib-c", "2.0", j -> j.javaClass("org.fixture.c.C",
                        "package org.fixture.c; public class C { public static String name() { return \"c\"; } }"))
                .jar("org.fixture", "lib-bad", "1.0");
    }

    /** A project with the fixture parent, a BOM import, a version range and a managed version. */
    private Path project(String name, String extraDependency) throws Exception {
        Path dir = Files.createDirectories(tmp.resolve(name));
        Files.writeString(dir.resolve("pom.xml"), """
                <project xmlns="http://maven.apache.org/POM/4.0.0">
                  <modelVersion>4.0.0</modelVersion>
                  <parent><groupId>org.fixture</groupId><artifactId>fixture-parent</artifactId><version>1.0</version><relativePath/></parent>
                  <groupId>org.consumer</groupId><artifactId>app</artifactId><version>1.0</version>
                  <dependencyManagement><dependencies>
                    <dependency><groupId>org.fixture</groupId><artifactId>fixture-bom</artifactId><version>1.0</version><type>pom</type><scope>import</scope></dependency>
                  </dependencies></dependencyManagement>
                  <dependencies>
                    <dependency><groupId>org.fixture</groupId><artifactId>lib-a</artifactId><version>[1.0,2.0)</version></dependency>
                    <dependency><groupId>org.fixture</groupId><artifactId>lib-c</artifactId></dependency>
                """ + extraDependency + """
                  </dependencies>
                """ + PLUGINS + """
                </project>
                """);
        Path src = Files.createDirectories(dir.resolve("src/main/java/org/consumer"));
        Files.writeString(src.resolve("App.java"), """
                package org.consumer;
                public class App {
                    public static String run() { return org.fixture.a.A.hello() + " " + org.fixture.c.C.name(); }
                }
                """);
        return dir;
    }

    private ClientProcess.Result mvn(Path project, RunningAirlock airlock, Path localRepo) throws Exception {
        Path settings = tmp.resolve("settings.xml");
        Files.writeString(settings, "<settings><mirrors><mirror><id>airlock</id><mirrorOf>*</mirrorOf><url>"
                + airlock.uri("/maven/") + "</url></mirror></mirrors></settings>");
        return ClientProcess.run(project, Map.of(), 600, List.of("mvn", "-B", "--strict-checksums", "-s", settings.toString(),
                "-Dmaven.repo.local=" + localRepo, "-DskipTests", "package"));
    }

    private RunningAirlock airlock(FixtureMavenRepository up) throws Exception {
        AirlockConfig c = RunningAirlock.config(tmp.resolve("data"), "maven", URI.create(up.baseUrl()));
        return RunningAirlock.start(c);
    }

    @Test
    void mvnBuildsThroughAirlockThenAgainWithTheRepositoryStopped() throws Exception {
        Assumptions.assumeTrue(Files.isDirectory(localRepository().resolve("org/apache/maven/plugins/maven-compiler-plugin/3.14.1")),
                "needs the Maven plugins this project's own build downloaded");
        try (FixtureMavenRepository up = repository().start(); RunningAirlock airlock = airlock(up)) {
            Path project = project("app", "");
            ClientProcess.Result first = mvn(project, airlock, tmp.resolve("repo1"));
            assertEquals(0, first.exitCode(), first.both());
            assertTrue(first.both().contains("Downloaded from airlock: " + airlock.uri("/maven/org/fixture/lib-a/maven-metadata.xml")),
                    "the range was resolved with Airlock's metadata:\n" + first.both());
            assertTrue(first.both().contains("Downloaded from airlock: " + airlock.uri("/maven/org/apache/maven/plugins/maven-compiler-plugin/3.14.1/maven-compiler-plugin-3.14.1.jar")),
                    "Maven's own plugins came through Airlock");
            Path jar = project.resolve("target/app-1.0.jar");
            try (JarFile f = new JarFile(jar.toFile())) {
                assertNotNull(f.getEntry("org/consumer/App.class"));
            }
            // The range [1.0,2.0) resolved through the re-rendered metadata to 1.1, with its dependency lib-b.
            assertTrue(Files.isRegularFile(tmp.resolve("repo1/org/fixture/lib-a/1.1/lib-a-1.1.jar")), first.both());
            assertTrue(Files.isRegularFile(tmp.resolve("repo1/org/fixture/lib-b/1.0/lib-b-1.0.jar")));
            assertFalse(Files.exists(tmp.resolve("repo1/org/fixture/lib-a/2.0/lib-a-2.0.jar")));
            assertTrue(Files.isRegularFile(tmp.resolve("repo1/org/fixture/lib-c/2.0/lib-c-2.0.jar")), "version from the BOM import");
            String libA = FixtureMavenRepository.path("org.fixture", "lib-a", "1.1", "jar");
            assertEquals(1, up.gets(libA), "fetched upstream once");
            assertEquals(0, up.gets(libA + ".md5"), "Maven's checksum requests were answered by Airlock");

            up.stop();
            Files.delete(jar);
            ClientProcess.Result again = mvn(project, airlock, tmp.resolve("repo2"));
            assertEquals(0, again.exitCode(), again.both());
            assertTrue(Files.isRegularFile(jar));
        }
    }

    @Test
    void aJarThatDoesNotMatchItsChecksumFailsTheBuildWithAirlocksMessage() throws Exception {
        Assumptions.assumeTrue(Files.isDirectory(localRepository().resolve("org/apache/maven/plugins/maven-compiler-plugin/3.14.1")),
                "needs the Maven plugins this project's own build downloaded");
        try (FixtureMavenRepository up = repository().start(); RunningAirlock airlock = airlock(up)) {
            String bad = FixtureMavenRepository.path("org.fixture", "lib-bad", "1.0", "jar");
            up.corrupt(bad);
            Path project = project("bad", "<dependency><groupId>org.fixture</groupId><artifactId>lib-bad</artifactId><version>1.0</version></dependency>\n");
            ClientProcess.Result r = mvn(project, airlock, tmp.resolve("repo"));
            assertNotEquals(0, r.exitCode());
            assertTrue(r.both().contains("integrity check failed for " + bad), r.both());
            // Nothing was cached: the next request goes upstream again and fails the same way.
            int before = up.gets(bad);
            assertEquals(502, airlock.get("/maven/" + bad).statusCode());
            assertEquals(before + 1, up.gets(bad));
        }
    }

    @Test
    void aNewVersionShippingAnAnnotationProcessorIsHeldAndTheRangeTakesThePreviousOne() throws Exception {
        // javac runs annotation processors found on the classpath while compiling the consumer. Airlock reads the
        // newest jar before listing it: the range resolves to the previous version; the held jar answers 403.
        Assumptions.assumeTrue(Files.isDirectory(localRepository().resolve("org/apache/maven/plugins/maven-compiler-plugin/3.14.1")),
                "needs the Maven plugins this project's own build downloaded");
        try (FixtureMavenRepository up = repository()
                .jar("org.fixture", "lib-ap", "1.0", j -> j.javaClass("org.fixture.ap.Api",
                        "package org.fixture.ap; public class Api { public static String v() { return \"1.0\"; } }"))
                .jar("org.fixture", "lib-ap", "1.1", j -> j.javaClass("org.fixture.ap.Api",
                        "package org.fixture.ap; public class Api { public static String v() { return \"1.1\"; } }")
                        .resource("META-INF/services/javax.annotation.processing.Processor", "org.fixture.ap.Sneaky\n"))
                .start();
             RunningAirlock airlock = airlock(up)) {
            Path project = project("ap", "<dependency><groupId>org.fixture</groupId><artifactId>lib-ap</artifactId><version>[1.0,2.0)</version></dependency>\n");
            ClientProcess.Result r = mvn(project, airlock, tmp.resolve("repo"));
            assertEquals(0, r.exitCode(), r.both());
            assertTrue(Files.isRegularFile(tmp.resolve("repo/org/fixture/lib-ap/1.0/lib-ap-1.0.jar")), r.both());
            assertFalse(Files.exists(tmp.resolve("repo/org/fixture/lib-ap/1.1/lib-ap-1.1.jar")));
            java.net.http.HttpResponse<byte[]> held = airlock.get("/maven/" + FixtureMavenRepository.path("org.fixture", "lib-ap", "1.1", "jar"));
            assertEquals(403, held.statusCode());
            assertTrue(new String(held.body(), java.nio.charset.StandardCharsets.UTF_8).contains("org.fixture.ap.Sneaky"));

            // The reviewer sees the registration file's text and what the jar added against 1.0, with sizes.
            String id = com.fasterxml.jackson.databind.json.JsonMapper.builder().build().readTree(held.body()).path("releaseId").asText();
            com.fasterxml.jackson.databind.JsonNode ev = com.fasterxml.jackson.databind.json.JsonMapper.builder().build()
                    .readTree(airlock.admin("GET", "quarantine/" + id, airlock.adminToken(), null).body()).path("evidence");
            assertEquals("org.fixture.ap.Sneaky\n", ev.at("/hookFiles/META-INF~1services~1javax.annotation.processing.Processor").asText(),
                    ev.toString());
            assertTrue(ev.at("/files/previousListed").asBoolean(), ev.toString());
            assertEquals("META-INF/services/javax.annotation.processing.Processor", ev.at("/files/added/0/path").asText(), ev.toString());
            assertEquals(22, ev.at("/files/added/0/size").asInt(), ev.toString());
            String shown = dev.airlock.cli.testing.Cli.run("quarantine", "show", id, "--data", tmp.resolve("data").toString())[1];
            assertTrue(shown.contains("org.fixture.ap.Sneaky") && shown.contains("\"added\""), shown);
        }
    }
}
