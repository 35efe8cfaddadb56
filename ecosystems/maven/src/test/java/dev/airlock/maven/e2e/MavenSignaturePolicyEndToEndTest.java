package dev.airlock.maven.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.airlock.config.AirlockConfig;
import dev.airlock.cli.Main;
import dev.airlock.core.testing.ClientProcess;
import dev.airlock.core.testing.NettyLeaks;
import dev.airlock.core.testing.RunningAirlock;
import dev.airlock.maven.fixture.FixtureMavenRepository;
import dev.airlock.maven.fixture.FixtureMavenRepository.SigningKey;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The machine's real {@code mvn} resolves releases of {@code org.example:signed} through a running
 * Airlock, whose upstream serves them with {@code .asc} signatures made by test keys. Airlock
 * fetches each signature beside the file, verifies it over the bytes it committed, and decides the
 * release before anything is served: a young release signed by a key new to the groupId is held
 * (the repository's {@code Last-Modified} on its POM says it was published yesterday), one
 * published without the {@code .asc} its
 * predecessor had is held, and one whose signature by a key in {@code policy.pgpKeyrings} does not
 * verify over its jar is denied. Maven starts from an empty local repository each run, so every
 * file comes through Airlock.
 */
class MavenSignaturePolicyEndToEndTest {

    private static final String GROUP = "org.example";
    private static final String ARTIFACT = "signed";
    /** Maven's own plugins, at versions this project's build has in the local repository. */
    private static final String PLUGINS = """
            <build><pluginManagement><plugins>
              <plugin><groupId>org.apache.maven.plugins</groupId><artifactId>maven-resources-plugin</artifactId><version>3.3.1</version></plugin>
              <plugin><groupId>org.apache.maven.plugins</groupId><artifactId>maven-compiler-plugin</artifactId><version>3.14.1</version></plugin>
            </plugins></pluginManagement></build>
            """;
    private static final ObjectMapper JSON = new ObjectMapper();

    private static SigningKey keyA;
    private static SigningKey keyB;

    @TempDir
    Path tmp;

    private int runs;

    @BeforeAll
    static void keys() {
        keyA = SigningKey.create("Release Manager A <a@example.invalid>", "maven signature policy e2e key A");
        keyB = SigningKey.create("Someone Else B <b@example.invalid>", "maven signature policy e2e key B");
        assertNotEquals(keyA.keyId(), keyB.keyId());
    }

    @BeforeEach
    void needsPlugins() {
        assumeTrue(Files.isDirectory(localRepository().resolve("org/apache/maven/plugins/maven-compiler-plugin/3.14.1")),
                "needs the Maven plugins this project's own build downloaded");
    }

    @AfterAll
    static void noBufferLeaked() throws InterruptedException {
        NettyLeaks.assertNone();
    }

    private static Path localRepository() {
        return MavenBuild.localRepository();
    }

    private static String jar(String version) {
        return FixtureMavenRepository.path(GROUP, ARTIFACT, version, "jar");
    }

    /** Yesterday: within policy.newSigningKeyWindow. */
    private static final java.time.Instant YESTERDAY = java.time.Instant.now().minus(java.time.Duration.ofDays(1));

    private static String pom(String version) {
        return FixtureMavenRepository.path(GROUP, ARTIFACT, version, "pom");
    }

    private static FixtureMavenRepository.JarSpec lib(FixtureMavenRepository.JarSpec j, String version) {
        return j.javaClass("org.example.signed.Lib",
                "package org.example.signed; public class Lib { public static String v() { return \"" + version + "\"; } }");
    }

    private RunningAirlock airlock(FixtureMavenRepository up, List<Path> keyrings) throws Exception {
        AirlockConfig c = RunningAirlock.config(tmp.resolve("data"), "maven", URI.create(up.baseUrl()));
        c = c.withPolicy(c.policy().withSigners(true, List.of(), keyrings, null));
        return RunningAirlock.start(c);
    }

    /**
     * Builds (compiles) a one-class project depending on {@code org.example:signed:<version>}, from a
     * fresh local repository, with Airlock as the mirror of everything.
     */
    private ClientProcess.Result resolve(RunningAirlock airlock, String version) throws Exception {
        int run = ++runs;
        Path dir = Files.createDirectories(tmp.resolve("app" + run));
        Files.writeString(dir.resolve("pom.xml"), """
                <project xmlns="http://maven.apache.org/POM/4.0.0">
                  <modelVersion>4.0.0</modelVersion>
                  <groupId>org.consumer</groupId><artifactId>app</artifactId><version>1.0</version>
                  <properties><maven.compiler.release>17</maven.compiler.release>
                    <project.build.sourceEncoding>UTF-8</project.build.sourceEncoding></properties>
                  <dependencies>
                    <dependency><groupId>org.example</groupId><artifactId>signed</artifactId><version>%s</version></dependency>
                  </dependencies>
                """.formatted(version) + PLUGINS + """
                </project>
                """);
        Path src = Files.createDirectories(dir.resolve("src/main/java/org/consumer"));
        Files.writeString(src.resolve("App.java"),
                "package org.consumer; public class App { public static String v() { return org.example.signed.Lib.v(); } }\n");
        Path settings = tmp.resolve("settings.xml");
        Files.writeString(settings, "<settings><mirrors><mirror><id>airlock</id><mirrorOf>*</mirrorOf><url>"
                + airlock.uri("/maven/") + "</url></mirror></mirrors></settings>");
        return ClientProcess.run(dir, Map.of(), 600, List.of("mvn", "-B", "--strict-checksums", "-s", settings.toString(),
                "-Dmaven.repo.local=" + tmp.resolve("repo" + run), "compile"));
    }

    private boolean resolvedJar(String version) {
        return Files.isRegularFile(tmp.resolve("repo" + runs).resolve(jar(version)));
    }

    /** Airlock's answer for the jar of a version: status and JSON body. */
    private static JsonNode blocked(RunningAirlock airlock, String version) throws Exception {
        HttpResponse<byte[]> r = airlock.get("/maven/" + jar(version));
        String body = new String(r.body(), StandardCharsets.UTF_8);
        assertEquals(403, r.statusCode(), body);
        return JSON.readTree(body);
    }

    /** Runs {@code airlock quarantine ...} in-process, as an operator would beside the server. */
    private JsonNode quarantineList() throws Exception {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        List<String> args = new ArrayList<>(List.of("quarantine", "list", "--all", "--json", "--data", tmp.resolve("data").toString()));
        int code = new CommandLine(new Main()).setOut(new PrintWriter(out)).setErr(new PrintWriter(err)).execute(args.toArray(String[]::new));
        assertEquals(0, code, err.toString());
        return JSON.readTree(out.toString());
    }

    private static JsonNode entry(JsonNode queue, String version) {
        for (JsonNode e : queue) {
            if (e.path("package").asText().equals(GROUP + ":" + ARTIFACT) && e.path("version").asText().equals(version)) {
                return e;
            }
        }
        throw new AssertionError(GROUP + ":" + ARTIFACT + "@" + version + " is not in the quarantine queue: " + queue);
    }

    @Test
    void aReleaseSignedByAnotherKeyAndOneWithoutItsAscAreHeldWhileTheFirstResolves() throws Exception {
        try (FixtureMavenRepository up = FixtureMavenRepository.builder()
                .localRepository(localRepository())
                .jar(GROUP, ARTIFACT, "1.0", j -> lib(j, "1.0").signWith(keyA))
                .jar(GROUP, ARTIFACT, "1.1", j -> lib(j, "1.1").signWith(keyB))
                .jar(GROUP, ARTIFACT, "1.2", j -> lib(j, "1.2"))
                .lastModified(pom("1.1"), YESTERDAY)
                .lastModified(pom("1.2"), YESTERDAY)
                .start();
             RunningAirlock airlock = airlock(up, List.of())) {
            ClientProcess.Result first = resolve(airlock, "1.0");
            assertEquals(0, first.exitCode(), first.both());
            assertTrue(resolvedJar("1.0"), first.both());
            assertEquals(1, up.gets(jar("1.0") + ".asc"), "Airlock fetched the signature beside the jar");

            // 1.1 is signed by key B, new to org.example, and was published yesterday.
            ClientProcess.Result changed = resolve(airlock, "1.1");
            assertNotEquals(0, changed.exitCode(), changed.both());
            assertFalse(resolvedJar("1.1"), "the held jar never reached the client");
            assertTrue(changed.both().contains("403"), changed.both());
            JsonNode body = blocked(airlock, "1.1");
            assertEquals("QUARANTINED", body.path("verdict").asText(), body.toString());
            String reasons = body.path("reasons").toString();
            assertTrue(reasons.contains("a key new to its group"), reasons);
            assertTrue(reasons.contains("key id " + keyB.keyId()) && reasons.contains("key id " + keyA.keyId()), reasons);
            assertTrue(reasons.contains("published " + YESTERDAY.truncatedTo(java.time.temporal.ChronoUnit.SECONDS)), reasons);

            // 1.2 comes without any .asc, after signed releases.
            ClientProcess.Result unsigned = resolve(airlock, "1.2");
            assertNotEquals(0, unsigned.exitCode(), unsigned.both());
            assertFalse(resolvedJar("1.2"));
            JsonNode body12 = blocked(airlock, "1.2");
            assertEquals("QUARANTINED", body12.path("verdict").asText(), body12.toString());
            assertTrue(body12.path("reasons").toString().contains("published without the .asc signature"), body12.toString());

            JsonNode queue = quarantineList();
            assertTrue(entry(queue, "1.1").path("reasons").toString().contains("a key new to its group"), queue.toString());
            assertTrue(entry(queue, "1.2").path("reasons").toString().contains("published without the .asc signature 1.1 had"),
                    queue.toString());
            for (JsonNode e : queue) {
                assertNotEquals("1.0", e.path("version").asText(), "the first signed release is not held: " + queue);
            }

            // The first release still resolves, from Airlock's cache.
            ClientProcess.Result again = resolve(airlock, "1.0");
            assertEquals(0, again.exitCode(), again.both());
        }
    }

    @Test
    void aVersionRangeResolvesToTheReleaseSignedLikeTheOneBeforeNotToTheNewestSignedByAnotherKey() throws Exception {
        // Nothing asked for 1.0 before: Airlock reads the newest release when it renders the metadata,
        // and must compare its signer with the release before it, whichever it happened to read first.
        try (FixtureMavenRepository up = FixtureMavenRepository.builder()
                .localRepository(localRepository())
                .jar(GROUP, ARTIFACT, "1.0", j -> lib(j, "1.0").signWith(keyA))
                .jar(GROUP, ARTIFACT, "1.1", j -> lib(j, "1.1").signWith(keyB))
                .lastModified(pom("1.1"), YESTERDAY)
                .start();
             RunningAirlock airlock = airlock(up, List.of())) {
            ClientProcess.Result r = resolve(airlock, "[1.0,2.0)");
            assertEquals(0, r.exitCode(), r.both());
            assertTrue(resolvedJar("1.0"), r.both());
            assertFalse(resolvedJar("1.1"), r.both());
            JsonNode body = blocked(airlock, "1.1");
            assertTrue(body.path("reasons").toString().contains("a key new to its group"), body.toString());
            JsonNode queue = quarantineList();
            for (JsonNode e : queue) {
                assertNotEquals("1.0", e.path("version").asText(), "the release signed first is not held: " + queue);
            }
        }
    }

    @Test
    void anAscByATrustedKeyThatDoesNotVerifyOverItsJarIsDenied() throws Exception {
        Path keyring = Files.writeString(tmp.resolve("release-managers.asc"), keyA.armoredPublicKey());
        String bad = jar("1.1");
        try (FixtureMavenRepository up = FixtureMavenRepository.builder()
                .localRepository(localRepository())
                .jar(GROUP, ARTIFACT, "1.0", j -> lib(j, "1.0").signWith(keyA))
                .jar(GROUP, ARTIFACT, "1.1", j -> lib(j, "1.1").signWith(keyA))
                // A genuine signature by key A, over other bytes: the jar and its checksums are untouched.
                .raw(bad + ".asc", "application/octet-stream", keyA.sign("some other jar".getBytes(StandardCharsets.UTF_8)))
                .start();
             RunningAirlock airlock = airlock(up, List.of(keyring))) {
            assertEquals(up.sha1(bad), new String(up.file(bad + ".sha1"), StandardCharsets.US_ASCII), "the jar matches its checksum");

            ClientProcess.Result good = resolve(airlock, "1.0");
            assertEquals(0, good.exitCode(), good.both());
            assertTrue(resolvedJar("1.0"), good.both());

            ClientProcess.Result r = resolve(airlock, "1.1");
            assertNotEquals(0, r.exitCode(), r.both());
            assertFalse(resolvedJar("1.1"));
            assertTrue(r.both().contains("403"), r.both());
            assertEquals(1, up.gets(bad), "downloaded and verified once; a denied release is not fetched again");
            JsonNode body = blocked(airlock, "1.1");
            assertEquals("DENIED", body.path("verdict").asText(), body.toString());
            String reasons = body.path("reasons").toString();
            assertTrue(reasons.contains("signed-1.1.jar: "), reasons);
            assertFalse(reasons.contains("integrity check failed"), reasons);
            // The pinned key is the fingerprint of the trusted key: 1.0 verified, so nothing else is held for it.
            assertFalse(reasons.contains("a key new to its group"), reasons);
        }
    }
}
