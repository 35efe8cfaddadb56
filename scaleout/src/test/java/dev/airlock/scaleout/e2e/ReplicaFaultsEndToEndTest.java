package dev.airlock.scaleout.e2e;

import dev.airlock.config.AirlockConfig;
import dev.airlock.config.StorageConfig;
import dev.airlock.core.testing.RunningAirlock;
import dev.airlock.npm.fixture.FixtureNpmRegistry;
import dev.airlock.scaleout.testing.PostgresServer;
import dev.airlock.scaleout.testing.S3Server;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** What replicas do when PostgreSQL or S3 goes away, and when they come back. */
class ReplicaFaultsEndToEndTest {

    @TempDir
    Path tmp;
    private PostgresServer postgres;
    private S3Server s3;
    private final List<RunningAirlock> replicas = new ArrayList<>();

    @AfterEach
    void stop() {
        replicas.forEach(RunningAirlock::close);
        if (s3 != null) {
            s3.close();
        }
        if (postgres != null) {
            postgres.destroy();
        }
    }

    private RunningAirlock replica(String name, String database, StorageConfig.S3 bucket, URI upstream) throws Exception {
        Path data = tmp.resolve(name);
        AirlockConfig c = RunningAirlock.config(data, "npm", upstream)
                .withStorage(new StorageConfig(data, 0, new StorageConfig.Postgres(database, PostgresServer.USER, null, 4), bucket,
                        new StorageConfig.LocalCache(data.resolve("cache"), 0)));
        RunningAirlock r = RunningAirlock.start(c);
        replicas.add(r);
        return r;
    }

    private static FixtureNpmRegistry registry() {
        FixtureNpmRegistry.Builder b = FixtureNpmRegistry.builder();
        for (String name : List.of("warm-box", "cold-box", "late-box")) {
            b.pkg(name, p -> p.version("1.0.0", v -> v.npmUser("ann", "ann@example.test").file("index.js", "module.exports = 1;")));
        }
        return b.start();
    }

    private static String body(HttpResponse<byte[]> r) {
        return new String(r.body(), StandardCharsets.UTF_8);
    }

    private static void eventually(String what, java.util.function.BooleanSupplier ok) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (!ok.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("not within 60 s: " + what);
            }
            Thread.sleep(200);
        }
    }

    @Test
    void withPostgresDownApprovedCachedFilesAreServedAndNothingNewIsDecided() throws Exception {
        postgres = PostgresServer.create();
        postgres.start();
        String database = postgres.newDatabase();
        s3 = S3Server.start(tmp.resolve("s3"));
        try (FixtureNpmRegistry registry = registry()) {
            RunningAirlock r = replica("one", database, s3.bucket("airlock", ""), URI.create(registry.baseUrl()));
            assertEquals(200, r.get("/npm/warm-box/-/warm-box-1.0.0.tgz").statusCode());

            postgres.stop();
            HttpResponse<byte[]> health = r.get("/-/health");
            assertEquals(503, health.statusCode(), body(health));
            assertTrue(body(health).contains("\"stateStore\":{\"status\":\"DOWN\""), body(health));
            HttpResponse<byte[]> warm = r.get("/npm/warm-box/-/warm-box-1.0.0.tgz");
            assertEquals(200, warm.statusCode(), "an approved cached file is still served: " + body(warm));
            HttpResponse<byte[]> cold = r.get("/npm/cold-box/-/cold-box-1.0.0.tgz");
            assertEquals(503, cold.statusCode(), body(cold));
            assertTrue(body(cold).contains("state store"), body(cold));

            postgres.start();
            eventually("ready again", () -> {
                try {
                    return r.get("/-/health").statusCode() == 200;
                } catch (Exception e) {
                    return false;
                }
            });
            assertEquals(200, r.get("/npm/cold-box/-/cold-box-1.0.0.tgz").statusCode());
        }
    }

    @Test
    void withS3DownLocallyCachedFilesAreServedAndOthersAnswer503() throws Exception {
        String database = PostgresServer.shared().newDatabase();
        s3 = S3Server.start(tmp.resolve("s3"));
        StorageConfig.S3 bucket = s3.bucket("airlock", "");
        try (FixtureNpmRegistry registry = registry()) {
            RunningAirlock one = replica("one", database, bucket, URI.create(registry.baseUrl()));
            RunningAirlock two = replica("two", database, bucket, URI.create(registry.baseUrl()));
            assertEquals(200, one.get("/npm/warm-box/-/warm-box-1.0.0.tgz").statusCode());

            s3.stop();
            assertEquals(200, one.get("/npm/warm-box/-/warm-box-1.0.0.tgz").statusCode(), "from replica one's own cache");
            HttpResponse<byte[]> elsewhere = two.get("/npm/warm-box/-/warm-box-1.0.0.tgz");
            assertEquals(503, elsewhere.statusCode(), body(elsewhere));
            HttpResponse<byte[]> cold = one.get("/npm/late-box/-/late-box-1.0.0.tgz");
            assertEquals(503, cold.statusCode(), body(cold));

            s3.start();
            assertEquals(200, two.get("/npm/warm-box/-/warm-box-1.0.0.tgz").statusCode());
            assertEquals(200, one.get("/npm/late-box/-/late-box-1.0.0.tgz").statusCode());
        }
    }

    @Test
    void aReplicaKilledMidDownloadLeavesNoIndexRowAndAnotherServesTheFile() throws Exception {
        String database = PostgresServer.shared().newDatabase();
        s3 = S3Server.start(tmp.resolve("s3"));
        StorageConfig.S3 bucket = s3.bucket("airlock", "");
        try (FixtureNpmRegistry registry = registry()) {
            Path data = tmp.resolve("doomed");
            java.nio.file.Files.createDirectories(data);
            Path config = java.nio.file.Files.writeString(tmp.resolve("doomed.yaml"), """
                    storage:
                      path: %s
                      state: { postgres: { url: "%s", user: %s, poolSize: 4 } }
                      blobs: { s3: { bucket: %s, endpoint: "%s", pathStyle: true, accessKeyId: %s, secretAccessKey: %s } }
                    upstreams:
                      npm: { url: "%s" }
                    """.formatted(data, database, PostgresServer.USER, bucket.bucket(), bucket.endpoint(), bucket.accessKeyId(),
                    bucket.secretAccessKey(), registry.baseUrl()));
            int port;
            try (java.net.ServerSocket probe = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
                port = probe.getLocalPort();
            }
            String tarball = "/warm-box/-/warm-box-1.0.0.tgz";
            java.util.concurrent.CountDownLatch held = registry.hold(path -> path.endsWith(tarball));
            Process doomed = dev.airlock.core.testing.ServeProcess.start(config, data, port, tmp.resolve("doomed.log"));
            try {
                java.net.http.HttpClient http = java.net.http.HttpClient.newHttpClient();
                var pending = http.sendAsync(java.net.http.HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/npm" + tarball)).build(),
                        java.net.http.HttpResponse.BodyHandlers.discarding());
                eventually("the doomed replica is downloading", () -> registry.log().stream().anyMatch(r -> r.path().endsWith(tarball)));
                doomed.destroyForcibly().waitFor();
                assertTrue(pending.handle((r, t) -> t != null || r.statusCode() != 200).get(), "its client got nothing");
            } finally {
                doomed.destroyForcibly();
            }
            assertEquals(0, artifactRows(database, "warm-box-1.0.0.tgz"), "no index row without its blob");
            held.countDown();

            // The other replica waits out the dead one's lease, then fetches and serves the file.
            RunningAirlock survivor = replica("survivor", database, bucket, URI.create(registry.baseUrl()));
            HttpResponse<byte[]> served = survivor.get("/npm" + tarball);
            assertEquals(200, served.statusCode(), body(served));
            assertEquals(1, artifactRows(database, "warm-box-1.0.0.tgz"));
        }
    }

    private static long artifactRows(String database, String filename) throws Exception {
        try (java.sql.Connection c = java.sql.DriverManager.getConnection(database, PostgresServer.USER, "");
             java.sql.PreparedStatement ps = c.prepareStatement("SELECT count(*) FROM artifacts WHERE filename = ?")) {
            ps.setString(1, filename);
            try (java.sql.ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }
}
