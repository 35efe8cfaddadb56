package dev.airlock.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.airlock.config.StorageConfig;
import dev.airlock.core.testing.RunningAirlock;
import dev.airlock.npm.fixture.FixtureNpmRegistry;
import dev.airlock.scaleout.testing.PostgresServer;
import dev.airlock.scaleout.testing.S3Server;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.LongAdder;

/**
 * The replica figures of docs/BENCHMARKS.md, on a real PostgreSQL (initdb in a temporary folder)
 * and s3proxy, with a fixture npm upstream on loopback:
 * <ul>
 *   <li>decision propagation: a release made through replica A's API until replica B serves the
 *       file (B polled every 10 ms), p50 and p99;</li>
 *   <li>what a cold miss costs on S3 against the embedded file store (upload before indexing);</li>
 *   <li>warm throughput of a replica (local cache in front of S3) against a single node;</li>
 *   <li>the PostgreSQL connections the replicas hold.</li>
 * </ul>
 * {@code java -cp bench/target/benchmarks.jar dev.airlock.bench.ReplicaFigures [releases]}
 */
public final class ReplicaFigures {

    private static final ObjectMapper M = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    private ReplicaFigures() {
    }

    public static void main(String[] args) throws Exception {
        int releases = args.length > 0 ? Integer.parseInt(args[0]) : 40;
        int coldFiles = 40;
        Path tmp = Files.createTempDirectory("airlock-replica-bench-");
        PostgresServer pg = PostgresServer.create();
        pg.start();
        S3Server s3 = S3Server.start(tmp.resolve("s3"));
        FixtureNpmRegistry.Builder b = FixtureNpmRegistry.builder();
        for (int i = 0; i < releases; i++) {
            b.pkg("held-" + i, p -> p.version("1.0.0", v -> v.npmUser("ann", "ann@example.test"))
                    .version("1.1.0", v -> v.npmUser("ann", "ann@example.test").script("preinstall", "node -e 0")));
        }
        for (int i = 0; i < coldFiles; i++) {
            b.pkg("cold-" + i, p -> p.version("1.0.0", v -> v.npmUser("ann", "ann@example.test").file("index.js", "x".repeat(20_000))));
        }
        b.pkg("warm", p -> p.version("1.0.0", v -> v.npmUser("ann", "ann@example.test").file("index.js", "module.exports = 1;")));
        List<RunningAirlock> running = new ArrayList<>();
        try (FixtureNpmRegistry registry = b.start()) {
            String database = pg.newDatabase();
            StorageConfig.S3 bucket = s3.bucket("bench", "");
            URI upstream = URI.create(registry.baseUrl());
            RunningAirlock a = replica(tmp.resolve("a"), database, bucket, upstream);
            running.add(a);
            RunningAirlock bRep = replica(tmp.resolve("b"), database, bucket, upstream);
            running.add(bRep);
            RunningAirlock single = RunningAirlock.start(RunningAirlock.config(tmp.resolve("single"), "npm", upstream));
            running.add(single);
            String admin = Files.readString(tmp.resolve("a/admin-token")).strip();

            // Propagation.
            List<Long> delays = new ArrayList<>();
            for (int i = 0; i < releases; i++) {
                String tarball = "/npm/held-" + i + "/-/held-" + i + "-1.1.0.tgz";
                status(a, "/npm/held-" + i);
                if (status(bRep, tarball) != 403) {
                    throw new IllegalStateException("expected the hold on replica B");
                }
                String name = "held-" + i;
                String id = null;
                for (var item : M.readTree(a.admin("GET", "quarantine?view=all&limit=1000&package=" + name, admin, null).body()).path("items")) {
                    if (item.path("package").asText().equals(name)) {
                        id = item.path("id").asText();
                    }
                }
                if (id == null) {
                    throw new IllegalStateException("no hold listed for " + name);
                }
                Thread.sleep(137 + (i * 373L) % 1000); // arrive at any point of a poll interval
                long t0 = System.nanoTime();
                if (a.admin("POST", "quarantine/" + id + "/release", admin, "{\"reason\":\"bench\"}").statusCode() != 200) {
                    throw new IllegalStateException("release refused");
                }
                while (status(bRep, tarball) != 200) {
                    Thread.sleep(10);
                }
                delays.add((System.nanoTime() - t0) / 1_000_000);
            }
            Collections.sort(delays);
            System.out.printf("propagation (release on A until B serves it), %d releases: p50 %d ms, p99 %d ms, max %d ms%n",
                    releases, delays.get(delays.size() / 2), delays.get(Math.min(delays.size() - 1, (int) Math.ceil(delays.size() * 0.99) - 1)),
                    delays.get(delays.size() - 1));

            // Cold misses: a tarball asked for first (its packument fetched, decided and the file
            // downloaded, inspected, stored and indexed), on a replica (upload to S3 before
            // indexing) and on the single node, alternating.
            List<Long> coldReplica = new ArrayList<>();
            List<Long> coldSingle = new ArrayList<>();
            for (int i = 0; i < coldFiles; i++) {
                String tarball = "/npm/cold-" + i + "/-/cold-" + i + "-1.0.0.tgz";
                long t0 = System.nanoTime();
                status(a, tarball);
                coldReplica.add((System.nanoTime() - t0) / 1000);
                t0 = System.nanoTime();
                status(single, tarball);
                coldSingle.add((System.nanoTime() - t0) / 1000);
            }
            Collections.sort(coldReplica);
            Collections.sort(coldSingle);
            System.out.printf("cold tarball (packument and a 20 kB file, upstream on loopback): replica on S3 median %.1f ms,"
                    + " single node %.1f ms, added %.1f ms%n", coldReplica.get(coldFiles / 2) / 1000.0, coldSingle.get(coldFiles / 2) / 1000.0,
                    (coldReplica.get(coldFiles / 2) - coldSingle.get(coldFiles / 2)) / 1000.0);

            // Warm throughput, alternating, same client.
            String warm = "/npm/warm/-/warm-1.0.0.tgz";
            status(a, warm);
            status(single, warm);
            double replicaRate = 0;
            double singleRate = 0;
            for (int round = 0; round < 3; round++) {
                replicaRate += rate(a, warm, 16, Duration.ofSeconds(5));
                singleRate += rate(single, warm, 16, Duration.ofSeconds(5));
            }
            System.out.printf("warm small tarball, 16 concurrent, 3 x 5 s each: replica %.0f req/s, single node %.0f req/s, ratio %.2f%n",
                    replicaRate / 3, singleRate / 3, replicaRate / singleRate);

            try (Connection c = DriverManager.getConnection(pg.url("postgres"), PostgresServer.USER, "");
                 Statement st = c.createStatement();
                 ResultSet rs = st.executeQuery("SELECT count(*) FROM pg_stat_activity WHERE application_name LIKE 'airlock%'")) {
                rs.next();
                System.out.printf("PostgreSQL connections held by the 2 replicas (poolSize 10; pools and listeners): %d%n", rs.getLong(1));
            }
        } finally {
            running.forEach(RunningAirlock::close);
            s3.close();
            pg.destroy();
            try (var files = Files.walk(tmp)) {
                files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    private static RunningAirlock replica(Path data, String database, StorageConfig.S3 bucket, URI upstream) throws Exception {
        return RunningAirlock.start(RunningAirlock.config(data, "npm", upstream).withStorage(new StorageConfig(data, 0,
                new StorageConfig.Postgres(database, PostgresServer.USER, null, 10), bucket, new StorageConfig.LocalCache(data.resolve("cache"), 0))));
    }

    private static int status(RunningAirlock r, String path) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(r.uri(path)).build(), HttpResponse.BodyHandlers.discarding()).statusCode();
    }

    private static double rate(RunningAirlock r, String path, int concurrency, Duration length) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(concurrency);
        LongAdder done = new LongAdder();
        long end = System.nanoTime() + length.toNanos();
        List<Future<?>> all = new ArrayList<>();
        for (int i = 0; i < concurrency; i++) {
            all.add(pool.submit(() -> {
                while (System.nanoTime() < end) {
                    if (status(r, path) == 200) {
                        done.increment();
                    }
                }
                return null;
            }));
        }
        for (Future<?> f : all) {
            f.get();
        }
        pool.shutdown();
        return done.sum() / (double) length.toSeconds();
    }
}
