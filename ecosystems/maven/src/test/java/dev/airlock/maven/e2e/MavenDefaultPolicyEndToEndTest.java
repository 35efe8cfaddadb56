package dev.airlock.maven.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.airlock.config.AirlockConfig;
import dev.airlock.core.testing.ClientProcess;
import dev.airlock.core.testing.NettyLeaks;
import dev.airlock.core.testing.RunningAirlock;
import dev.airlock.maven.PgpSignature;
import dev.airlock.maven.fixture.FixtureMavenRepository;
import dev.airlock.maven.fixture.FixtureMavenRepository.SigningKey;
import org.bouncycastle.bcpg.HashAlgorithmTags;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * A plain project built as a new user builds it, through Airlock on its embedded defaults
 * ({@code enforce}): guava, jackson-databind and slf4j-api, junit 4.13.2 for the tests, and Maven
 * 3.8's default plugins (resources 2.6, compiler 3.1, surefire 2.12.4, jar 2.4) with their Maven 2
 * era dependencies. The loopback upstream serves the 278 real POMs and jars that build needs
 * (resolved into the local repository by this module's build), the real {@code .asc} files as
 * the repository publishes them (221 of them: 154 over SHA-1, by 31 release managers' keys, the
 * rest absent as upstream), the real {@code maven-metadata.xml} of each artifact, and the POMs of
 * the plugins' previous versions (src/test/resources/real-build). The repository here sends no
 * {@code Last-Modified}; the fixture dates each POM by its signature, as a real repository's
 * would be within minutes.
 *
 * <p>Rules pinned: the build passes; signatures by keys Airlock cannot check never refuse a
 * release, whatever their hash; release managers' keys are learnt per groupId without holding old
 * releases; a plugin is compared with its previous version's POM, read for the purpose; an old POM
 * with an XHTML entity is read as Maven reads it. With the signing keys trusted (generated
 * stand-ins, since keyservers are unreachable, signing exactly as recorded: same hash, same date),
 * SHA-1 signatures on files published before {@code policy.sha1SignaturesUntil} pass, and one on a
 * file published after it is held, not denied.
 */
class MavenDefaultPolicyEndToEndTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Path RECORDED = resource("/real-build");
    /** The plugins' previous versions, which Airlock reads to compare them with. */
    private static final List<String> PREVIOUS_PLUGIN_POMS = List.of(
            "org/apache/maven/plugins/maven-resources-plugin/2.5/maven-resources-plugin-2.5.pom",
            "org/apache/maven/plugins/maven-compiler-plugin/3.0/maven-compiler-plugin-3.0.pom",
            "org/apache/maven/plugins/maven-surefire-plugin/2.12.3/maven-surefire-plugin-2.12.3.pom",
            "org/apache/maven/plugins/maven-jar-plugin/2.3.2/maven-jar-plugin-2.3.2.pom");
    private static final String HAMCREST_POM = "org/hamcrest/hamcrest-core/1.3/hamcrest-core-1.3.pom";

    /** The files the build needs, repository paths. */
    private static List<String> files;
    /** Each recorded signature, parsed: key id, hash and date as published. */
    private static Map<String, PgpSignature.Detached> signatures;
    /** A generated stand-in for each release manager's key, by the recorded key id. */
    private static Map<String, SigningKey> standIns;

    @TempDir
    Path tmp;

    @BeforeAll
    static void readRecording() throws IOException {
        files = Files.readAllLines(RECORDED.resolve("files.txt")).stream().filter(l -> !l.isBlank()).toList();
        signatures = new TreeMap<>();
        try (Stream<Path> s = Files.walk(RECORDED.resolve("asc"))) {
            for (Path asc : s.filter(p -> p.toString().endsWith(".asc")).toList()) {
                String path = RECORDED.resolve("asc").relativize(asc).toString().replace('\\', '/');
                signatures.put(path.substring(0, path.length() - ".asc".length()), (PgpSignature.Detached) PgpSignature.parse(asc));
            }
        }
        assertEquals(278, files.size());
        assertEquals(221, signatures.size());
        assertEquals(154, signatures.values().stream().filter(d -> d.hashAlgorithm().equals("SHA-1")).count(),
                "the recording has the SHA-1 signatures the issue counted");
        standIns = new LinkedHashMap<>();
        for (PgpSignature.Detached d : signatures.values()) {
            // Made before the oldest recorded signature, so each signs as of its recorded date.
            standIns.computeIfAbsent(d.keyId(), id -> SigningKey.create("Release manager " + id + " <rm-" + id + "@example.invalid>",
                    "stand-in for " + id, Instant.parse("2005-01-01T00:00:00Z")));
        }
    }

    @BeforeEach
    void needsTheResolvedFiles() {
        assumeTrue(files.stream().allMatch(f -> Files.isRegularFile(MavenBuild.localRepository().resolve(f))),
                "needs the files this module's build resolves into the local repository (resolve-real-maven-build)");
    }

    @AfterAll
    static void noBufferLeaked() throws InterruptedException {
        NettyLeaks.assertNone();
    }

    private static Path resource(String name) {
        try {
            return Path.of(MavenDefaultPolicyEndToEndTest.class.getResource(name).toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    private static byte[] read(Path p) {
        try {
            return Files.readAllBytes(p);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /**
     * The upstream: the local repository's files, the recorded metadata and previous plugin POMs,
     * each POM dated by its signature, and the signatures {@code sign} makes for each file.
     */
    private static FixtureMavenRepository.Builder upstream(java.util.function.BiFunction<String, PgpSignature.Detached, byte[]> sign)
            throws IOException {
        FixtureMavenRepository.Builder b = FixtureMavenRepository.builder().localRepository(MavenBuild.localRepository());
        try (Stream<Path> s = Files.walk(RECORDED.resolve("metadata"))) {
            for (Path m : s.filter(Files::isRegularFile).toList()) {
                b.raw(RECORDED.resolve("metadata").relativize(m).toString().replace('\\', '/'), read(m));
            }
        }
        for (String pom : PREVIOUS_PLUGIN_POMS) {
            // Dated by their signatures too: a repository's Last-Modified is when each was published.
            Path asc = RECORDED.resolve("previous").resolve(pom + ".asc");
            b.raw(pom, read(RECORDED.resolve("previous").resolve(pom)))
                    .raw(pom + ".asc", "application/pgp-signature", read(asc))
                    .lastModified(pom, ((PgpSignature.Detached) PgpSignature.parse(asc)).createdAt());
        }
        for (Map.Entry<String, PgpSignature.Detached> e : signatures.entrySet()) {
            b.raw(e.getKey() + ".asc", "application/pgp-signature", sign.apply(e.getKey(), e.getValue()));
            if (e.getKey().endsWith(".pom")) {
                b.lastModified(e.getKey(), e.getValue().createdAt());
            }
        }
        return b;
    }

    private static byte[] recorded(String path, PgpSignature.Detached d) {
        return read(RECORDED.resolve("asc").resolve(path + ".asc"));
    }

    /** The file signed by the stand-in for its recorded key, with the recorded hash and date. */
    private static byte[] standIn(String path, PgpSignature.Detached d) {
        return standIns.get(d.keyId()).sign(read(MavenBuild.localRepository().resolve(path)), hashTag(d.hashAlgorithm()), d.createdAt());
    }

    private static int hashTag(String name) {
        return switch (name) {
            case "SHA-1" -> HashAlgorithmTags.SHA1;
            case "SHA-256" -> HashAlgorithmTags.SHA256;
            case "SHA-512" -> HashAlgorithmTags.SHA512;
            default -> throw new IllegalArgumentException("not in the recording: " + name);
        };
    }

    private RunningAirlock airlock(FixtureMavenRepository up, String data, List<Path> keyrings) throws Exception {
        return airlock(up, data, keyrings, dev.airlock.config.PolicyMode.ENFORCE);
    }

    private RunningAirlock airlock(FixtureMavenRepository up, String data, List<Path> keyrings, dev.airlock.config.PolicyMode mode)
            throws Exception {
        AirlockConfig c = RunningAirlock.config(tmp.resolve(data), "maven", URI.create(up.baseUrl()));
        c = c.withPolicy(c.policy().withMode(mode));
        if (!keyrings.isEmpty()) {
            c = c.withPolicy(c.policy().withSigners(c.policy().signerChange(), c.policy().identities(), keyrings, null));
        }
        return RunningAirlock.start(c);
    }

    /** {@code mvn package} of the plain project, from an empty local repository, with Airlock as the mirror of everything. */
    private ClientProcess.Result mvnPackage(RunningAirlock airlock, String run) throws Exception {
        Path dir = Files.createDirectories(tmp.resolve(run));
        Files.writeString(dir.resolve("pom.xml"), """
                <project xmlns="http://maven.apache.org/POM/4.0.0">
                  <modelVersion>4.0.0</modelVersion>
                  <groupId>org.consumer</groupId><artifactId>plain</artifactId><version>1.0</version>
                  <properties>
                    <project.build.sourceEncoding>UTF-8</project.build.sourceEncoding>
                    <maven.compiler.source>8</maven.compiler.source><maven.compiler.target>8</maven.compiler.target>
                  </properties>
                  <dependencies>
                    <dependency><groupId>com.google.guava</groupId><artifactId>guava</artifactId><version>33.4.8-jre</version></dependency>
                    <dependency><groupId>com.fasterxml.jackson.core</groupId><artifactId>jackson-databind</artifactId><version>2.18.2</version></dependency>
                    <dependency><groupId>org.slf4j</groupId><artifactId>slf4j-api</artifactId><version>2.0.16</version></dependency>
                    <dependency><groupId>junit</groupId><artifactId>junit</artifactId><version>4.13.2</version><scope>test</scope></dependency>
                  </dependencies>
                </project>
                """);
        Path main = Files.createDirectories(dir.resolve("src/main/java/org/consumer"));
        Files.writeString(main.resolve("App.java"), """
                package org.consumer;
                public class App {
                    public static String hi() {
                        String json = new com.fasterxml.jackson.databind.ObjectMapper().createObjectNode().put("v", 2).toString();
                        return com.google.common.base.Strings.repeat("hi", 2) + json + org.slf4j.LoggerFactory.class.getSimpleName();
                    }
                }
                """);
        Path test = Files.createDirectories(dir.resolve("src/test/java/org/consumer"));
        Files.writeString(test.resolve("AppTest.java"), """
                package org.consumer;
                public class AppTest {
                    @org.junit.Test public void hi() { org.junit.Assert.assertEquals("hihi{\\"v\\":2}LoggerFactory", App.hi()); }
                }
                """);
        Path settings = tmp.resolve(run + "-settings.xml");
        Files.writeString(settings, "<settings><mirrors><mirror><id>airlock</id><mirrorOf>*</mirrorOf><url>"
                + airlock.uri("/maven/") + "</url></mirror></mirrors></settings>");
        return ClientProcess.run(dir, Map.of(), 900, List.of("mvn", "-B", "-s", settings.toString(),
                "-Dmaven.repo.local=" + tmp.resolve(run + "-repo"), "package"));
    }

    /** A repository path's release, as the admin API names it: "group:artifact@version". */
    private static String release(String path) {
        String[] p = path.split("/");
        return String.join(".", java.util.Arrays.asList(p).subList(0, p.length - 3)) + ":" + p[p.length - 3] + "@" + p[p.length - 2];
    }

    /**
     * Every release the build asked for that Airlock did not approve, with its reasons; the rest of
     * the queue must be the plugins' previous versions, read only to compare with.
     */
    private static List<String> notApproved(RunningAirlock airlock) throws Exception {
        HttpResponse<String> r = airlock.admin("GET", "quarantine?status=all&view=all&limit=1000", airlock.adminToken(), null);
        assertEquals(200, r.statusCode(), r.body());
        java.util.Set<String> asked = new java.util.HashSet<>();
        files.forEach(f -> asked.add(release(f)));
        java.util.Set<String> compared = new java.util.HashSet<>();
        PREVIOUS_PLUGIN_POMS.forEach(f -> compared.add(release(f)));
        List<String> out = new ArrayList<>();
        for (JsonNode e : JSON.readTree(r.body()).path("items")) {
            String release = e.path("package").asText() + "@" + e.path("version").asText();
            String line = release + " " + e.path("verdict").asText() + " " + e.path("reasons");
            if (asked.contains(release)) {
                out.add(line);
            } else {
                assertTrue(compared.contains(release), "a release nobody asked for or compared with: " + line);
            }
        }
        return out;
    }

    @Test
    void auditModeDecidesWhatEnforceDecidesAndOnlyServesDifferently() throws Exception {
        // The trial a team runs before enforcing: the same build, the same verdicts in the queue; only the refusal is missing.
        StringBuilder keys = new StringBuilder();
        standIns.values().forEach(k -> keys.append(k.armoredPublicKey()));
        Path keyring = Files.writeString(tmp.resolve("release-managers.asc"), keys);
        Map<String, String> enforced;
        try (FixtureMavenRepository up = upstream(MavenDefaultPolicyEndToEndTest::standIn)
                .lastModified(HAMCREST_POM, Instant.parse("2024-03-01T00:00:00Z")).start();
             RunningAirlock airlock = airlock(up, "data-enforce", List.of(keyring))) {
            assertNotEquals(0, mvnPackage(airlock, "enforce").exitCode());
            enforced = airlock.verdicts();
        }
        try (FixtureMavenRepository up = upstream(MavenDefaultPolicyEndToEndTest::standIn)
                .lastModified(HAMCREST_POM, Instant.parse("2024-03-01T00:00:00Z")).start();
             RunningAirlock airlock = airlock(up, "data-audit", List.of(keyring), dev.airlock.config.PolicyMode.AUDIT)) {
            ClientProcess.Result r = mvnPackage(airlock, "audit");
            assertEquals(0, r.exitCode(), "audit mode refuses nothing: " + r.both());
            Map<String, String> audited = airlock.verdicts();
            assertTrue(audited.getOrDefault("org.hamcrest:hamcrest-core@1.3", "").startsWith("QUARANTINED"), audited.toString());
            // Enforce stopped the build at hamcrest-core; everything it decided, audit decided the same way.
            for (Map.Entry<String, String> e : enforced.entrySet()) {
                assertEquals(e.getValue(), audited.get(e.getKey()), e.getKey());
            }
        }
    }

    @Test
    void aPlainBuildPassesOnTheDefaultsWithTheSignaturesAsPublished() throws Exception {
        try (FixtureMavenRepository up = upstream(MavenDefaultPolicyEndToEndTest::recorded).start();
             RunningAirlock airlock = airlock(up, "data", List.of())) {
            ClientProcess.Result r = mvnPackage(airlock, "plain");
            assertEquals(0, r.exitCode(), r.both());
            assertTrue(r.both().contains("BUILD SUCCESS"), r.both());
            assertTrue(Files.isRegularFile(tmp.resolve("plain/target/plain-1.0.jar")));

            // Airlock read the signatures: the SHA-1 one JUnit 4 needs among them, by a key it cannot check.
            assertEquals("SHA-1", signatures.get("org/hamcrest/hamcrest-core/1.3/hamcrest-core-1.3.jar").hashAlgorithm());
            assertEquals(1, up.gets("org/hamcrest/hamcrest-core/1.3/hamcrest-core-1.3.jar.asc"));
            // Each plugin was compared with its previous version's POM, read for the purpose (once).
            for (String pom : PREVIOUS_PLUGIN_POMS) {
                assertEquals(1, up.gets(pom), pom);
            }
            assertEquals(List.of(), notApproved(airlock), "nothing the build needs is held or denied");
            // The previous plugin versions read for comparison are nobody's need (not asked for, passed over or
            // newest): the default queue is empty. Nothing the build asked for is held (above), so no demand can add one.
            HttpResponse<String> needed = airlock.admin("GET", "quarantine", airlock.adminToken(), null);
            assertEquals(0, JSON.readTree(needed.body()).path("total").asInt(), needed.body());
        }
    }

    @Test
    void withTheKeysTrustedSha1BeforeTheCutOffPassesAndAfterItIsHeldNotDenied() throws Exception {
        StringBuilder keys = new StringBuilder();
        standIns.values().forEach(k -> keys.append(k.armoredPublicKey()));
        Path keyring = Files.writeString(tmp.resolve("release-managers.asc"), keys);
        try (FixtureMavenRepository up = upstream(MavenDefaultPolicyEndToEndTest::standIn).start();
             RunningAirlock airlock = airlock(up, "data-trusted", List.of(keyring))) {
            ClientProcess.Result r = mvnPackage(airlock, "trusted");
            assertEquals(0, r.exitCode(), r.both());
            assertEquals(List.of(), notApproved(airlock));
            String body = airlock.admin("GET", "packages/maven/org.hamcrest:hamcrest-core", airlock.adminToken(), null).body();
            assertTrue(body.contains("uses SHA-1; accepted because the file was published 2012-07-09"), body);
        }

        // The same SHA-1 signature on a file the repository says was published after the cut-off.
        try (FixtureMavenRepository up = upstream(MavenDefaultPolicyEndToEndTest::standIn)
                .lastModified(HAMCREST_POM, Instant.parse("2024-03-01T00:00:00Z")).start();
             RunningAirlock airlock = airlock(up, "data-late", List.of(keyring))) {
            ClientProcess.Result r = mvnPackage(airlock, "late");
            assertNotEquals(0, r.exitCode(), r.both());
            assertTrue(r.both().contains("hamcrest-core") && r.both().contains("403"), r.both());
            HttpResponse<byte[]> refused = airlock.get("/maven/" + HAMCREST_POM);
            assertEquals(403, refused.statusCode());
            JsonNode block = JSON.readTree(refused.body());
            assertEquals("QUARANTINED", block.path("verdict").asText(), block.toString());
            assertTrue(block.path("reasons").toString().contains("uses SHA-1 and the file was published 2024-03-01T00:00:00Z, not before "
                    + "policy.sha1SignaturesUntil"), block.toString());
        }
    }
}
