package dev.airlock.scaleout.e2e;

import dev.airlock.core.testing.ClientProcess;
import dev.airlock.core.testing.RunningAirlock;
import dev.airlock.maven.e2e.MavenBuild;
import dev.airlock.maven.fixture.FixtureMavenRepository;
import dev.airlock.pypi.fixture.FixturePypiIndex;
import dev.airlock.scaleout.testing.Replicas;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** pip and Maven through two replicas: installed through one, then through the other from S3 with the upstream stopped. */
class ReplicasPipMavenEndToEndTest {

    @TempDir
    Path tmp;
    private Replicas cluster;

    @BeforeEach
    void sharedStores() throws Exception {
        cluster = Replicas.start(tmp, "");
    }

    @AfterEach
    void stop() {
        cluster.close();
    }

    private RunningAirlock replica(String name, String ecosystem, URI upstream) throws Exception {
        return cluster.replica(name, ecosystem, upstream);
    }

    private static long filesUnder(Path dir) throws Exception {
        if (!Files.isDirectory(dir)) {
            return 0;
        }
        try (Stream<Path> s = Files.walk(dir)) {
            return s.filter(Files::isRegularFile).count();
        }
    }

    private static ClientProcess.Result pip(Path dir, String index, Path target, String project) throws Exception {
        Map<String, String> env = new HashMap<>();
        env.put("PIP_CONFIG_FILE", "/dev/null");
        env.put("PIP_NO_INPUT", "1");
        return ClientProcess.run(dir, env, 300, List.of("python3", "-m", "pip", "install", "--index-url", index, "--target",
                target.toString(), project, "--isolated", "--no-cache-dir", "--disable-pip-version-check", "--no-input"));
    }

    @Test
    void pipThroughOneReplicaThenTheOtherFromS3() throws Exception {
        try (FixturePypiIndex index = FixturePypiIndex.builder()
                .project("fixture-a", p -> p.release("1.0", r -> r.wheel().dependency("fixture-b>=1.0")))
                .project("fixture-b", p -> p.release("1.0", r -> r.wheel()))
                .start()) {
            RunningAirlock one = replica("one", "pypi", URI.create(index.simpleUrl()));
            RunningAirlock two = replica("two", "pypi", URI.create(index.simpleUrl()));
            ClientProcess.Result first = pip(tmp, one.uri("/pypi/simple/").toString(), tmp.resolve("t1"), "fixture-a");
            assertEquals(0, first.exitCode(), first.both());
            index.stop();
            assertEquals(0, filesUnder(tmp.resolve("two/cache/blobs")));
            ClientProcess.Result second = pip(tmp, two.uri("/pypi/simple/").toString(), tmp.resolve("t2"), "fixture-a");
            assertEquals(0, second.exitCode(), second.both());
            assertTrue(second.stdout().contains("Successfully installed fixture-a-1.0 fixture-b-1.0"), second.both());
            assertTrue(filesUnder(tmp.resolve("two/cache/blobs")) >= 2, "the wheels came from S3 into replica two's cache");
        }
    }

    @Test
    void mavenThroughOneReplicaThenTheOtherFromS3() throws Exception {
        Assumptions.assumeTrue(Files.isDirectory(MavenBuild.localRepository().resolve("org/apache/maven/plugins/maven-compiler-plugin/3.14.1")),
                "needs the Maven plugins this project's own build downloaded");
        try (FixtureMavenRepository repo = FixtureMavenRepository.builder()
                .localRepository(MavenBuild.localRepository())
                .jar("org.fixture", "lib-a", "1.0", j -> j.javaClass("org.fixture.a.A",
                        "package org.fixture.a; public class A { public static String hello() { return \"a\"; } }"))
                .start()) {
            RunningAirlock one = replica("one", "maven", URI.create(repo.baseUrl()));
            RunningAirlock two = replica("two", "maven", URI.create(repo.baseUrl()));
            Path project = Files.createDirectories(tmp.resolve("app"));
            Files.writeString(project.resolve("pom.xml"), """
                    <project xmlns="http://maven.apache.org/POM/4.0.0">
                      <modelVersion>4.0.0</modelVersion>
                      <groupId>org.consumer</groupId><artifactId>app</artifactId><version>1.0</version>
                      <properties><maven.compiler.release>17</maven.compiler.release><project.build.sourceEncoding>UTF-8</project.build.sourceEncoding></properties>
                      <dependencies><dependency><groupId>org.fixture</groupId><artifactId>lib-a</artifactId><version>1.0</version></dependency></dependencies>
                    """ + MavenBuild.PLUGINS + """
                    </project>
                    """);
            Path src = Files.createDirectories(project.resolve("src/main/java/org/consumer"));
            Files.writeString(src.resolve("App.java"), "package org.consumer; public class App { String s = org.fixture.a.A.hello(); }");
            ClientProcess.Result first = mvn(project, one, tmp.resolve("repo1"));
            assertEquals(0, first.exitCode(), first.both());
            repo.stop();
            ClientProcess.Result second = mvn(project, two, tmp.resolve("repo2"));
            assertEquals(0, second.exitCode(), second.both());
            assertTrue(Files.isRegularFile(tmp.resolve("repo2/org/fixture/lib-a/1.0/lib-a-1.0.jar")));
            assertTrue(filesUnder(tmp.resolve("two/cache/blobs")) > 10, "Maven's plugins and lib-a came from S3");
        }
    }

    private ClientProcess.Result mvn(Path project, RunningAirlock airlock, Path localRepo) throws Exception {
        Path settings = tmp.resolve("settings-" + airlock.port() + ".xml");
        Files.writeString(settings, "<settings><mirrors><mirror><id>airlock</id><mirrorOf>*</mirrorOf><url>"
                + airlock.uri("/maven/") + "</url></mirror></mirrors></settings>");
        return ClientProcess.run(project, Map.of(), 600, List.of("mvn", "-B", "--strict-checksums", "-s", settings.toString(),
                "-Dmaven.repo.local=" + localRepo, "-DskipTests", "package"));
    }
}
