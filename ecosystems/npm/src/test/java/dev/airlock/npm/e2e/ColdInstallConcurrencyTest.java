package dev.airlock.npm.e2e;

import dev.airlock.config.AirlockConfig;
import dev.airlock.core.testing.ClientProcess;
import dev.airlock.core.testing.InFlight;
import dev.airlock.core.testing.RunningAirlock;
import dev.airlock.npm.fixture.FixtureNpmRegistry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A cold {@code npm ci} of twelve packages from a lockfile through Airlock, with every upstream
 * answer delayed 100 ms: Airlock's upstream requests overlap. Read from the upstream's own record
 * of when each request arrived and ended, not from wall time, so a busy machine cannot make it
 * pass or fail.
 */
class ColdInstallConcurrencyTest {

    private static final int PACKAGES = 12;

    @TempDir
    Path tmp;

    @Test
    void aColdCiInstallsUpstreamRequestsOverlap() throws Exception {
        FixtureNpmRegistry.Builder b = FixtureNpmRegistry.builder();
        StringBuilder deps = new StringBuilder();
        for (int i = 0; i < PACKAGES; i++) {
            String name = "wide-" + i;
            b.pkg(name, p -> p.version("1.0.0", v -> v.npmUser("ann", "ann@example.test").file("index.js", "module.exports = 1;")));
            deps.append(i == 0 ? "" : ",").append('"').append(name).append("\":\"^1.0.0\"");
        }
        try (FixtureNpmRegistry registry = b.start()) {
            Path dir = tmp.resolve("app");
            Files.createDirectories(dir);
            Files.writeString(dir.resolve("package.json"), "{\"name\":\"app\",\"version\":\"1.0.0\",\"private\":true,"
                    + "\"dependencies\":{" + deps + "}}");
            // The project's lockfile, written once through one Airlock, as a repository keeps it. Its
            // tarball URLs name Airlock's address, so the cold one listens on the same port.
            int port;
            try (java.net.ServerSocket probe = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
                port = probe.getLocalPort();
            }
            AirlockConfig first = RunningAirlock.config(tmp.resolve("data-first"), "npm", URI.create(registry.baseUrl())).withPort(port);
            try (RunningAirlock airlock = RunningAirlock.start(first)) {
                ClientProcess.Result r = ClientProcess.run(dir, NpmClient.env(tmp.resolve("home-first"), airlock, true), 300,
                        List.of("npm", "install", "--package-lock-only"));
                assertEquals(0, r.exitCode(), r.both());
            }
            // CI: npm ci from the lockfile, through a cold Airlock, with a cold npm cache.
            registry.delay(Duration.ofMillis(100));
            registry.reset();
            AirlockConfig c = RunningAirlock.config(tmp.resolve("data"), "npm", URI.create(registry.baseUrl())).withPort(port);
            java.io.ByteArrayOutputStream accessLog = new java.io.ByteArrayOutputStream();
            try (RunningAirlock airlock = RunningAirlock.start(c, accessLog)) {
                ClientProcess.Result r = ClientProcess.run(dir, NpmClient.env(tmp.resolve("home"), airlock, true), 300,
                        List.of("npm", "ci"));
                assertEquals(0, r.exitCode(), r.both());
            }
            List<FixtureNpmRegistry.Timing> timings = registry.timings();
            assertTrue(timings.size() >= 2 * PACKAGES, "a packument and a tarball per package at least: " + timings.size());
            int most = mostAtOnce(timings);
            long t0 = timings.stream().mapToLong(FixtureNpmRegistry.Timing::startNanos).min().orElse(0);
            StringBuilder seen = new StringBuilder();
            timings.stream().sorted(Comparator.comparingLong(FixtureNpmRegistry.Timing::startNanos)).forEach(t -> seen
                    .append('\n').append((t.startNanos() - t0) / 1_000_000).append('-').append((t.endNanos() - t0) / 1_000_000)
                    .append(" ms ").append(t.path()));
            // npm ci fetches the lockfile's tarballs in parallel; Airlock must not queue their
            // upstream work (the packument, the file) behind each other.
            assertTrue(most >= 4, "at most " + most + " upstream requests were in flight at once:" + seen + "\n" + accessLog);
        }
    }

    /**
     * A newest release that declares an install hook is judged against the release before it: the
     * metadata says so before either file is read, so both tarballs are read at the same time.
     */
    @Test
    void theNewestAndTheReleaseItIsComparedWithAreReadAtTheSameTime() throws Exception {
        try (FixtureNpmRegistry registry = FixtureNpmRegistry.builder()
                .pkg("hooked-pair", p -> p.version("1.0.0", v -> v.npmUser("ann", "ann@example.test"))
                        .version("1.1.0", v -> v.npmUser("ann", "ann@example.test").script("postinstall", "node setup.js")))
                .start()) {
            registry.delay(Duration.ofMillis(100));
            AirlockConfig c = RunningAirlock.config(tmp.resolve("data"), "npm", URI.create(registry.baseUrl()));
            try (RunningAirlock airlock = RunningAirlock.start(c)) {
                assertEquals(200, airlock.get("/npm/hooked-pair").statusCode());
            }
            List<FixtureNpmRegistry.Timing> tarballs = registry.timings().stream().filter(t -> t.path().endsWith(".tgz")).toList();
            assertEquals(2, tarballs.size(), tarballs.toString());
            assertEquals(2, mostAtOnce(tarballs), "both tarballs in flight at once: " + tarballs);
        }
    }

    /**
     * A client asking for a tarball whose packument Airlock does not have yet (npm ci from a
     * lockfile): the tarball's download starts beside the packument's instead of after it, and
     * it is fetched once.
     */
    @Test
    void aColdTarballIsFetchedBesideItsPackument() throws Exception {
        try (FixtureNpmRegistry registry = FixtureNpmRegistry.builder()
                .pkg("beside", p -> p.version("1.0.0", v -> v.npmUser("ann", "ann@example.test")))
                .start()) {
            registry.delay(Duration.ofMillis(100));
            AirlockConfig c = RunningAirlock.config(tmp.resolve("data"), "npm", URI.create(registry.baseUrl()));
            try (RunningAirlock airlock = RunningAirlock.start(c)) {
                var r = airlock.get("/npm/beside/-/beside-1.0.0.tgz");
                assertEquals(200, r.statusCode());
                assertTrue(java.util.Arrays.equals(registry.tarball("beside", "1.0.0"), r.body()));
                // Not listed: the early download is thrown away, and nothing of it stays on disk.
                assertEquals(404, airlock.get("/npm/beside/-/beside-9.9.9.tgz").statusCode());
            }
            // The first packument request (the second asked again for 9.9.9) and the tarball.
            List<FixtureNpmRegistry.Timing> all = registry.timings().stream()
                    .sorted(Comparator.comparingLong(FixtureNpmRegistry.Timing::startNanos)).toList();
            List<FixtureNpmRegistry.Timing> timings = List.of(
                    all.stream().filter(t -> t.path().equals("/beside")).findFirst().orElseThrow(),
                    all.stream().filter(t -> t.path().equals("/beside/-/beside-1.0.0.tgz")).findFirst().orElseThrow());
            assertEquals(2, mostAtOnce(timings), "the packument and the tarball in flight at once: " + timings);
            assertEquals(1, registry.tarballRequests("beside", "1.0.0"));
            try (var left = Files.walk(tmp.resolve("data"))) {
                assertEquals(List.of(), left.filter(f -> f.getFileName().toString().endsWith(".part")).toList(), "spools left behind");
            }
        }
    }

    /**
     * npm resolves with the abbreviated packument, then downloads tarballs: an older version's
     * tarball (not read before listing) is found in that same copy, not in a second fetch of the
     * document under its full form.
     */
    @Test
    void aTarballAfterTheAbbreviatedPackumentSharesItsCopy() throws Exception {
        try (FixtureNpmRegistry registry = FixtureNpmRegistry.builder()
                .pkg("shared", p -> p.version("1.0.0", v -> v.npmUser("ann", "ann@example.test"))
                        .version("2.0.0", v -> v.npmUser("ann", "ann@example.test")))
                .start()) {
            AirlockConfig c = RunningAirlock.config(tmp.resolve("data"), "npm", URI.create(registry.baseUrl()));
            try (RunningAirlock airlock = RunningAirlock.start(c)) {
                assertEquals(200, airlock.get("/npm/shared", "Accept",
                        "application/vnd.npm.install-v1+json; q=1.0, application/json; q=0.8, */*").statusCode());
                assertEquals(200, airlock.get("/npm/shared/-/shared-1.0.0.tgz").statusCode());
            }
            assertEquals(1, registry.packumentRequests("shared"), registry.timings().toString());
            assertEquals(1, registry.tarballRequests("shared", "1.0.0"));
        }
    }

    /** The largest number of requests in flight at one moment, from the registry's record. */
    static int mostAtOnce(List<FixtureNpmRegistry.Timing> timings) {
        return InFlight.mostAtOnce(timings, FixtureNpmRegistry.Timing::startNanos, FixtureNpmRegistry.Timing::endNanos);
    }
}
