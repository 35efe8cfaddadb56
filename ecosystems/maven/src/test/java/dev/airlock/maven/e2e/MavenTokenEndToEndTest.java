package dev.airlock.maven.e2e;

import com.fasterxml.jackson.databind.ObjectMapper;
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
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The machine's real {@code mvn} against an Airlock with {@code server.requireToken}: the token is
 * the password of the {@code <server>} whose id is the mirror's (any user name). Maven asks
 * without credentials, answers Airlock's Basic challenge with them, and resolves; without a
 * {@code <server>}, or with a wrong token, the build fails on the 401.
 */
class MavenTokenEndToEndTest {

    private static final ObjectMapper M = new ObjectMapper();

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
                .jar("org.fixture", "lib-b", "1.0", j -> j.javaClass("org.fixture.b.B",
                        "package org.fixture.b; public class B { public static String name() { return \"b\"; } }"))
                .jar("org.fixture", "lib-a", "1.1", j -> j.dependency("org.fixture", "lib-b", "1.0").javaClass("org.fixture.a.A",
                        "package org.fixture.a; public class A { public static String hello() { return \"a-1.1 \" + org.fixture.b.B.name(); } }"));
    }

    /** A project with the fixture parent and a fixture library (with its own dependency), compiled against it. */
    private Path project() throws Exception {
        Path dir = Files.createDirectories(tmp.resolve("app"));
        Files.writeString(dir.resolve("pom.xml"), """
                <project xmlns="http://maven.apache.org/POM/4.0.0">
                  <modelVersion>4.0.0</modelVersion>
                  <parent><groupId>org.fixture</groupId><artifactId>fixture-parent</artifactId><version>1.0</version><relativePath/></parent>
                  <groupId>org.consumer</groupId><artifactId>app</artifactId><version>1.0</version>
                  <dependencies>
                    <dependency><groupId>org.fixture</groupId><artifactId>lib-a</artifactId><version>1.1</version></dependency>
                  </dependencies>
                """ + PLUGINS + """
                </project>
                """);
        Path src = Files.createDirectories(dir.resolve("src/main/java/org/consumer"));
        Files.writeString(src.resolve("App.java"), """
                package org.consumer;
                public class App {
                    public static String run() { return org.fixture.a.A.hello(); }
                }
                """);
        return dir;
    }

    /** mvn with its own settings: a mirror of everything at Airlock and, when {@code password} is given, its server credentials. */
    private ClientProcess.Result mvn(Path project, RunningAirlock airlock, String password, Path localRepo) throws Exception {
        Path settings = tmp.resolve("settings-" + localRepo.getFileName() + ".xml");
        String servers = password == null ? "" : "<servers><server><id>airlock</id><username>ci</username><password>" + password
                + "</password></server></servers>";
        Files.writeString(settings, "<settings>" + servers + "<mirrors><mirror><id>airlock</id><mirrorOf>*</mirrorOf><url>"
                + airlock.uri("/maven/") + "</url></mirror></mirrors></settings>");
        return ClientProcess.run(project, Map.of(), 300, List.of("mvn", "-B", "--strict-checksums", "-s", settings.toString(),
                "-Dmaven.repo.local=" + localRepo, "compile"));
    }

    private RunningAirlock airlock(FixtureMavenRepository up) throws Exception {
        AirlockConfig c = RunningAirlock.config(tmp.resolve("data"), "maven", URI.create(up.baseUrl()))
                .withRequireToken(true);
        return RunningAirlock.start(c);
    }

    @Test
    void mvnResolvesWithTheTokenAsTheMirrorsServerPasswordAndFailsWithoutIt() throws Exception {
        Assumptions.assumeTrue(Files.isDirectory(localRepository().resolve("org/apache/maven/plugins/maven-compiler-plugin/3.14.1")),
                "needs the Maven plugins this project's own build downloaded");
        try (FixtureMavenRepository up = repository().start(); RunningAirlock airlock = airlock(up)) {
            String parentPom = FixtureMavenRepository.path("org.fixture", "fixture-parent", "1.0", "pom");
            HttpResponse<byte[]> anonymous = airlock.get("/maven/" + parentPom);
            assertEquals(401, anonymous.statusCode());
            assertTrue(anonymous.headers().allValues("www-authenticate").contains("Basic realm=\"airlock\""),
                    anonymous.headers().map().toString());
            Path project = project();

            // No <server> for the mirror: Maven has nothing to answer the challenge with.
            double before = unauthorized(airlock);
            ClientProcess.Result none = mvn(project, airlock, null, tmp.resolve("repo0"));
            assertNotEquals(0, none.exitCode(), none.both());
            // (Maven 3.8's words: "authentication failed for URL, status: 401 Unauthorized".)
            assertTrue(none.both().contains(airlock.uri("/maven/" + parentPom).toString()) && none.both().contains("401"), none.both());
            assertEquals(1, unauthorized(airlock) - before, "Airlock answered Maven's one request 401, and Maven gave up");
            assertEquals(0, up.gets(parentPom), "nothing went upstream for a refused request");

            // A wrong token as the password: Maven answers the challenge, and is refused again.
            before = unauthorized(airlock);
            ClientProcess.Result wrong = mvn(project, airlock, "alk_notAToken0123456789", tmp.resolve("repo1"));
            assertNotEquals(0, wrong.exitCode(), wrong.both());
            assertTrue(wrong.both().contains(airlock.uri("/maven/" + parentPom).toString()) && wrong.both().contains("401"), wrong.both());
            // Two 401s: the request without credentials, then the same with the wrong token after the Basic challenge.
            assertEquals(2, unauthorized(airlock) - before, "Maven answered the challenge with the credentials, and was refused");
            assertEquals(0, up.gets(parentPom));

            // A viewer token made through the admin API as the password of the mirror's <server>: the build resolves
            // the parent, the library and its dependency (and Maven's own plugins) through Airlock and compiles.
            HttpResponse<String> created = airlock.admin("POST", "tokens", airlock.adminToken(), "{\"name\":\"ci\",\"role\":\"viewer\"}");
            assertEquals(201, created.statusCode(), created.body());
            String token = M.readTree(created.body()).get("token").asText();
            before = unauthorized(airlock);
            ClientProcess.Result ok = mvn(project, airlock, token, tmp.resolve("repo2"));
            double challenged = unauthorized(airlock) - before;
            assertEquals(0, ok.exitCode(), ok.both());
            assertTrue(ok.both().contains("Downloaded from airlock: " + airlock.uri("/maven/" + parentPom)), ok.both());
            assertTrue(Files.isRegularFile(tmp.resolve("repo2/org/fixture/lib-a/1.1/lib-a-1.1.jar")), ok.both());
            assertTrue(Files.isRegularFile(tmp.resolve("repo2/org/fixture/lib-b/1.0/lib-b-1.0.jar")), ok.both());
            assertTrue(Files.isRegularFile(project.resolve("target/classes/org/consumer/App.class")), ok.both());
            assertEquals(1, up.gets(FixtureMavenRepository.path("org.fixture", "lib-a", "1.1", "jar")));
            // Maven's HTTP wagon (unless the server sets usePreemptive) asks without credentials and sends them in
            // answer to the Basic challenge: without that challenge this build could not have passed.
            assertTrue(challenged >= 1, "Maven sent the credentials after Airlock's challenge");
            assertFalse(ok.both().contains(token), "the token is not printed");
        }
    }

    /** Maven requests Airlock answered 401, over every route. */
    private static double unauthorized(RunningAirlock airlock) throws Exception {
        return sum(airlock, "ecosystem=\"maven\"", "status=\"401\"");
    }

    private static double sum(RunningAirlock airlock, String... labels) throws Exception {
        double total = 0;
        for (String line : airlock.metrics().split("\n")) {
            if (line.startsWith("airlock_requests_total{") && Stream.of(labels).allMatch(line::contains)) {
                total += Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
            }
        }
        return total;
    }
}
