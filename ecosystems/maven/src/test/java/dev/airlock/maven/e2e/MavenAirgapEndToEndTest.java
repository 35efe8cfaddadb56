package dev.airlock.maven.e2e;

import dev.airlock.config.AirlockConfig;
import dev.airlock.config.CacheConfig;
import dev.airlock.config.ConfigLoader;
import dev.airlock.config.UpstreamConfig;
import dev.airlock.core.testing.ClientProcess;
import dev.airlock.core.testing.RunningAirlock;
import dev.airlock.maven.fixture.FixtureMavenRepository;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.jar.JarFile;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The air-gap procedure with the real {@code mvn}: a tiny project (one dependency by version
 * range, which brings a transitive one) builds through an outside Airlock fed by the fixture
 * repository, Maven's own plugins included; the outside exports a signed bundle (the command
 * line, in-process); a fresh inside Airlock imports it and, offline with the fixture stopped,
 * builds the same project from an empty local repository with {@code --strict-checksums}, so the
 * range, the checksum files and the plugins all come from what the bundle carried.
 */
class MavenAirgapEndToEndTest {

    private static final String PLUGINS = MavenBuild.PLUGINS;

    @TempDir
    Path tmp;

    private static Path localRepository() {
        return MavenBuild.localRepository();
    }

    private static String[] airlock(String... args) {
        return dev.airlock.cli.testing.Cli.run(args);
    }

    private static FixtureMavenRepository.Builder repository() {
        // Maven reads the POM of every version in the range (1.0, 1.1) and the outside's policy reads the newest (2.0)
        // and the one before it; lib-a 0.9 is never fetched outside.
        return FixtureMavenRepository.builder()
                .localRepository(localRepository())
                .jar("org.fixture", "lib-b", "1.0", j -> j.javaClass("org.fixture.b.B",
                        "package org.fixture.b; public class B { public static String name() { return \"b\"; } }"))
                .jar("org.fixture", "lib-a", "0.9", j -> j.javaClass("org.fixture.a.A",
                        "package org.fixture.a; public class A { public static String hello() { return \"a-0.9\"; } }"))
                .jar("org.fixture", "lib-a", "1.0", j -> j.javaClass("org.fixture.a.A",
                        "package org.fixture.a; public class A { public static String hello() { return \"a-1.0\"; } }"))
                .jar("org.fixture", "lib-a", "1.1", j -> j.dependency("org.fixture", "lib-b", "1.0").javaClass("org.fixture.a.A",
                        "package org.fixture.a; public class A { public static String hello() { return \"a-1.1 \" + org.fixture.b.B.name(); } }"))
                .jar("org.fixture", "lib-a", "2.0", j -> j.javaClass("org.fixture.a.A",
                        "package org.fixture.a; public class A { public static int hello() { return 2; } }"));
    }

    private Path project() throws Exception {
        Path dir = Files.createDirectories(tmp.resolve("app"));
        Files.writeString(dir.resolve("pom.xml"), """
                <project xmlns="http://maven.apache.org/POM/4.0.0">
                  <modelVersion>4.0.0</modelVersion>
                  <groupId>org.consumer</groupId><artifactId>app</artifactId><version>1.0</version>
                  <properties>
                    <maven.compiler.release>17</maven.compiler.release>
                    <project.build.sourceEncoding>UTF-8</project.build.sourceEncoding>
                  </properties>
                  <dependencies>
                    <dependency><groupId>org.fixture</groupId><artifactId>lib-a</artifactId><version>[1.0,2.0)</version></dependency>
                  </dependencies>
                """ + PLUGINS + """
                </project>
                """);
        Path src = Files.createDirectories(dir.resolve("src/main/java/org/consumer"));
        Files.writeString(src.resolve("App.java"), """
                package org.consumer;
                public class App {
                    public static String run() { return org.fixture.a.A.hello() + org.fixture.b.B.name(); }
                }
                """);
        return dir;
    }

    /** The same command both sides: a mirror of everything to this Airlock, an empty local repository, strict checksums. */
    private ClientProcess.Result mvn(Path project, RunningAirlock airlock, String name) throws Exception {
        Path settings = tmp.resolve("settings-" + name + ".xml");
        Files.writeString(settings, "<settings><mirrors><mirror><id>airlock</id><mirrorOf>*</mirrorOf><url>"
                + airlock.uri("/maven/") + "</url></mirror></mirrors></settings>");
        return ClientProcess.run(project, Map.of(), 600, List.of("mvn", "-B", "--strict-checksums", "-s", settings.toString(),
                "-Dmaven.repo.local=" + tmp.resolve("repo-" + name), "-DskipTests", "package"));
    }

    @Test
    void aProjectBuiltOutsideBuildsInsideFromTheBundleWithTheRepositoryStopped() throws Exception {
        Assumptions.assumeTrue(Files.isDirectory(localRepository().resolve("org/apache/maven/plugins/maven-compiler-plugin/3.14.1")),
                "needs the Maven plugins this project's own build downloaded");
        Path outside = tmp.resolve("outside");
        Path inside = tmp.resolve("inside");
        Path project = project();
        Path jar = project.resolve("target/app-1.0.jar");
        AirlockConfig base = ConfigLoader.defaults().withPort(0).withCache(new CacheConfig(Duration.ofMinutes(5), 64L * 1024 * 1024));
        try (FixtureMavenRepository up = repository().start();
             RunningAirlock out = RunningAirlock.start(base.withStoragePath(outside)
                     .withUpstream("maven", UpstreamConfig.empty().withUrl(URI.create(up.baseUrl()))))) {
            ClientProcess.Result built = mvn(project, out, "outside");
            assertEquals(0, built.exitCode(), built.both());
            assertTrue(Files.isRegularFile(tmp.resolve("repo-outside/org/fixture/lib-a/1.1/lib-a-1.1.jar")), built.both());
            assertTrue(Files.isRegularFile(tmp.resolve("repo-outside/org/fixture/lib-b/1.0/lib-b-1.0.jar")), built.both());
            assertTrue(built.both().contains("Downloaded from airlock: " + out.uri("/maven/org/apache/maven/plugins/maven-compiler-plugin/3.14.1/maven-compiler-plugin-3.14.1.jar")),
                    "Maven's own plugins came through the outside Airlock:\n" + built.both());
            for (String ext : List.of("pom", "jar")) {
                assertEquals(0, up.gets(FixtureMavenRepository.path("org.fixture", "lib-a", "0.9", ext)), "lib-a 0.9 never fetched outside");
            }
        }
        Files.delete(jar);

        Path bundle = tmp.resolve("mirror.zip");
        String[] exported = airlock("export", "--out", bundle.toString(), "--data", outside.toString());
        assertEquals("0", exported[0], exported[1] + exported[2]);
        Path pub = outside.resolve("keys/export.pub");
        String[] imported = airlock("import", bundle.toString(), "--trusted-key", pub.toString(), "--data", inside.toString());
        assertEquals("0", imported[0], imported[1] + imported[2]);

        // The inside: offline, no upstream configured, the fixture stopped, a fresh local repository.
        try (RunningAirlock in = RunningAirlock.start(base.withStoragePath(inside).withOffline(true))) {
            ClientProcess.Result built = mvn(project, in, "inside");
            assertEquals(0, built.exitCode(), "exported: " + exported[1] + "\nimported: " + imported[1] + "\n" + built.both());
            try (JarFile f = new JarFile(jar.toFile())) {
                assertNotNull(f.getEntry("org/consumer/App.class"));
            }
            assertTrue(built.both().contains("Downloaded from airlock: " + in.uri("/maven/org/fixture/lib-a/maven-metadata.xml")),
                    "the range was resolved with the inside's metadata:\n" + built.both());
            assertTrue(Files.isRegularFile(tmp.resolve("repo-inside/org/fixture/lib-a/1.1/lib-a-1.1.jar")), built.both());
            assertTrue(Files.isRegularFile(tmp.resolve("repo-inside/org/fixture/lib-b/1.0/lib-b-1.0.jar")), built.both());

            // The metadata lists what was carried, not what upstream had: lib-a 0.9 was never fetched outside.
            String metadata = new String(in.get("/maven/org/fixture/lib-a/maven-metadata.xml").body(), StandardCharsets.UTF_8);
            assertTrue(metadata.contains("<version>1.1</version>"), metadata);
            assertFalse(metadata.contains("<version>0.9</version>"), metadata);
            for (String ext : List.of("pom", "jar", "jar.sha1")) {
                var notCarried = in.get("/maven/" + FixtureMavenRepository.path("org.fixture", "lib-a", "0.9", ext));
                assertEquals(404, notCarried.statusCode(), ext);
                assertTrue(new String(notCarried.body(), StandardCharsets.UTF_8).contains("not in this mirror"),
                        new String(notCarried.body(), StandardCharsets.UTF_8));
            }
            assertEquals(404, in.get("/maven/org/fixture/never-carried/maven-metadata.xml").statusCode());
        }
    }

    @Test
    void prefetchOfThePomFillsTheOutsideAndTheInsideBuildsFromTheBundle() throws Exception {
        // No build of the project outside: `airlock prefetch pom.xml` resolves its dependency graph with Maven Resolver
        // through the outside Airlock. Build plugins are not dependencies, so a plugins-only project is built once
        // through the outside to cache them, as a team's first build would.
        Assumptions.assumeTrue(Files.isDirectory(localRepository().resolve("org/apache/maven/plugins/maven-compiler-plugin/3.14.1")),
                "needs the Maven plugins this project's own build downloaded");
        Path outside = tmp.resolve("outside");
        Path inside = tmp.resolve("inside");
        Path project = project();
        Path plugins = Files.createDirectories(tmp.resolve("plugins-only"));
        Files.writeString(plugins.resolve("pom.xml"), """
                <project xmlns="http://maven.apache.org/POM/4.0.0">
                  <modelVersion>4.0.0</modelVersion>
                  <groupId>org.consumer</groupId><artifactId>plugins-only</artifactId><version>1.0</version>
                  <properties>
                    <maven.compiler.release>17</maven.compiler.release>
                    <project.build.sourceEncoding>UTF-8</project.build.sourceEncoding>
                  </properties>
                """ + PLUGINS + """
                </project>
                """);
        AirlockConfig base = ConfigLoader.defaults().withPort(0).withCache(new CacheConfig(Duration.ofMinutes(5), 64L * 1024 * 1024));
        try (FixtureMavenRepository up = repository().start();
             RunningAirlock out = RunningAirlock.start(base.withStoragePath(outside)
                     .withUpstream("maven", UpstreamConfig.empty().withUrl(URI.create(up.baseUrl()))))) {
            ClientProcess.Result warm = mvn(plugins, out, "plugins");
            assertEquals(0, warm.exitCode(), warm.both());
            String[] fetched = airlock("prefetch", project.resolve("pom.xml").toString(), "--server", "http://127.0.0.1:" + out.port());
            assertEquals("0", fetched[0], fetched[1] + fetched[2]);
            assertTrue(fetched[1].contains("lib-a-1.1.jar") && fetched[1].contains("lib-b-1.0.jar"), fetched[1]);
            assertEquals(0, up.gets(FixtureMavenRepository.path("org.fixture", "lib-a", "0.9", "jar")), "outside the range");
        }

        Path bundle = tmp.resolve("mirror.zip");
        String[] exported = airlock("export", "--out", bundle.toString(), "--data", outside.toString());
        assertEquals("0", exported[0], exported[1] + exported[2]);
        String[] imported = airlock("import", bundle.toString(), "--trusted-key", outside.resolve("keys/export.pub").toString(),
                "--data", inside.toString());
        assertEquals("0", imported[0], imported[1] + imported[2]);
        try (RunningAirlock in = RunningAirlock.start(base.withStoragePath(inside).withOffline(true))) {
            ClientProcess.Result built = mvn(project, in, "inside");
            assertEquals(0, built.exitCode(), "exported: " + exported[1] + "\nimported: " + imported[1] + "\n" + built.both());
            try (JarFile f = new JarFile(project.resolve("target/app-1.0.jar").toFile())) {
                assertNotNull(f.getEntry("org/consumer/App.class"));
            }
        }
    }
}
