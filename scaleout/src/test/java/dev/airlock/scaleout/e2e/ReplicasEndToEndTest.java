package dev.airlock.scaleout.e2e;

import dev.airlock.core.testing.ClientProcess;
import dev.airlock.core.testing.RunningAirlock;
import dev.airlock.npm.e2e.NpmClient;
import dev.airlock.npm.fixture.FixtureNpmRegistry;
import dev.airlock.scaleout.testing.Replicas;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Replicas on one PostgreSQL and one S3 bucket, each with its own port, data folder and local
 * cache, started as an operator would: the configuration names the shared stores and the
 * scale-out module opens them. The real npm client installs through them.
 */
class ReplicasEndToEndTest {

    @TempDir
    Path tmp;
    private Replicas cluster;

    @BeforeEach
    void sharedStores() throws Exception {
        cluster = Replicas.start(tmp, "replicas/");
    }

    @AfterEach
    void stop() {
        cluster.close();
    }

    private RunningAirlock replica(String name, URI npmUpstream) throws Exception {
        return cluster.replica(name, "npm", npmUpstream);
    }

    private static FixtureNpmRegistry.Builder graph() {
        return FixtureNpmRegistry.builder()
                .pkg("app-lib", p -> p.version("1.0.0", v -> v.dependency("util-a", "^1.0.0").dependency("@acme/log", "^2.0.0"))
                        .version("1.1.0", v -> v.dependency("util-a", "^1.0.0").dependency("@acme/log", "^2.0.0")
                                .file("index.js", "module.exports = require('util-a');")))
                .pkg("util-a", p -> p.version("1.0.0").version("1.2.0", v -> v.file("index.js", "module.exports = 1;")))
                .pkg("@acme/log", p -> p.version("2.0.0", v -> v.file("index.js", "exports.log = console.log;")));
    }

    private static void project(Path dir) throws Exception {
        Files.createDirectories(dir);
        Files.writeString(dir.resolve("package.json"),
                "{\"name\":\"app\",\"version\":\"1.0.0\",\"private\":true,\"dependencies\":{\"app-lib\":\"^1.0.0\"}}");
    }

    private static ClientProcess.Result npm(Path dir, Path home, RunningAirlock replica, String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of("npm"));
        cmd.addAll(List.of(args));
        return ClientProcess.run(dir, NpmClient.env(home, replica.uri("/npm/").toString(), false), 300, cmd);
    }

    private static long filesUnder(Path dir) throws Exception {
        if (!Files.isDirectory(dir)) {
            return 0;
        }
        try (Stream<Path> s = Files.walk(dir)) {
            return s.filter(Files::isRegularFile).count();
        }
    }

    @Test
    void installThroughOneReplicaThenCiThroughAnotherFromS3WithTheUpstreamGone() throws Exception {
        try (FixtureNpmRegistry registry = graph().start()) {
            RunningAirlock one = replica("one", URI.create(registry.baseUrl()));
            RunningAirlock two = replica("two", URI.create(registry.baseUrl()));

            Path app = tmp.resolve("app");
            project(app);
            ClientProcess.Result install = npm(app, tmp.resolve("home1"), one, "install");
            assertEquals(0, install.exitCode(), install.both());
            assertTrue(Files.isRegularFile(app.resolve("node_modules/util-a/index.js")));
            assertTrue(Files.isRegularFile(app.resolve("node_modules/@acme/log/index.js")));

            registry.stop();
            assertEquals(0, filesUnder(tmp.resolve("two/cache/blobs")), "replica two has nothing local yet");
            int asked = registry.log().size();

            // A fresh checkout with the lockfile, through the other replica, with no upstream.
            Path ci = tmp.resolve("ci");
            Files.createDirectories(ci);
            Files.copy(app.resolve("package.json"), ci.resolve("package.json"));
            Files.copy(app.resolve("package-lock.json"), ci.resolve("package-lock.json"));
            String lock = Files.readString(ci.resolve("package-lock.json"));
            Files.writeString(ci.resolve("package-lock.json"), lock.replace(one.uri("/npm/").toString(), two.uri("/npm/").toString()));
            ClientProcess.Result npmCi = npm(ci, tmp.resolve("home2"), two, "ci");
            assertEquals(0, npmCi.exitCode(), npmCi.both());
            assertEquals(Files.readString(app.resolve("node_modules/util-a/index.js")),
                    Files.readString(ci.resolve("node_modules/util-a/index.js")));
            assertEquals(3, filesUnder(tmp.resolve("two/cache/blobs")), "the three tarballs came from S3 into replica two's cache");
            assertEquals(asked, registry.log().size(), "nothing was asked upstream");
        }
    }

    @Test
    void thirtyColdRequestsOnEachOfThreeReplicasMakeOneUpstreamRequest() throws Exception {
        try (FixtureNpmRegistry registry = FixtureNpmRegistry.builder()
                .pkg("solo", p -> p.version("1.0.0", v -> v.file("index.js", "module.exports = 'solo';"))).start()) {
            List<RunningAirlock> three = List.of(replica("r1", URI.create(registry.baseUrl())),
                    replica("r2", URI.create(registry.baseUrl())), replica("r3", URI.create(registry.baseUrl())));
            String tarball = "/solo/-/solo-1.0.0.tgz";
            java.util.concurrent.CountDownLatch held = registry.hold(path -> path.endsWith(tarball));
            java.net.http.HttpClient http = java.net.http.HttpClient.newBuilder().version(java.net.http.HttpClient.Version.HTTP_1_1).build();
            List<java.util.concurrent.CompletableFuture<java.net.http.HttpResponse<byte[]>>> all = new ArrayList<>();
            for (int i = 0; i < 30; i++) {
                for (RunningAirlock r : three) {
                    all.add(http.sendAsync(java.net.http.HttpRequest.newBuilder(r.uri("/npm" + tarball)).build(),
                            java.net.http.HttpResponse.BodyHandlers.ofByteArray()));
                }
            }
            // Until the one download is let through, the others can only wait for it.
            long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(60);
            while (registry.log().stream().noneMatch(r -> r.path().endsWith(tarball)) && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
            Thread.sleep(1000);
            held.countDown();
            byte[] first = null;
            for (var f : all) {
                java.net.http.HttpResponse<byte[]> r = f.get(120, java.util.concurrent.TimeUnit.SECONDS);
                assertEquals(200, r.statusCode(), new String(r.body(), java.nio.charset.StandardCharsets.UTF_8));
                if (first == null) {
                    first = r.body();
                }
                org.junit.jupiter.api.Assertions.assertArrayEquals(first, r.body());
            }
            assertEquals(1, registry.log().stream().filter(r -> r.path().endsWith(tarball)).count(),
                    "one upstream request for the tarball across the three replicas");
        }
    }
}
