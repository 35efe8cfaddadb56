package dev.airlock.npm.e2e;

import dev.airlock.config.AirlockConfig;
import dev.airlock.config.LimitsConfig;
import dev.airlock.core.testing.RunningAirlock;
import dev.airlock.npm.fixture.FixtureNpmRegistry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * A cold burst of clients does not become as many upstream connections: with
 * {@code limits.upstreamConnections: 3}, twelve clients asking for twelve packages at once while
 * upstream holds its answers keep at most three requests in flight upstream, and all are
 * answered once upstream lets go. Read from the upstream's own start and end times.
 */
class UpstreamConnectionCapTest {

    private static final int PACKAGES = 12;

    @TempDir
    Path tmp;

    @Test
    void aBurstOfColdRequestsKeepsAtMostTheCapInFlightUpstream() throws Exception {
        FixtureNpmRegistry.Builder b = FixtureNpmRegistry.builder();
        for (int i = 0; i < PACKAGES; i++) {
            b.pkg("burst-" + i, p -> p.version("1.0.0", v -> v.npmUser("ann", "ann@example.test")));
        }
        ExecutorService clients = Executors.newCachedThreadPool();
        try (FixtureNpmRegistry registry = b.start()) {
            LimitsConfig d = LimitsConfig.DEFAULTS;
            LimitsConfig capped = new LimitsConfig(d.metadataSize(), d.pomSize(), d.probesPerPage(), d.probesPerSecond(), d.jsonDepth(),
                    d.linksPerPage(), d.versionsPerDocument(), d.archiveSize(), d.archiveEntries(), 3, 100);
            AirlockConfig c = RunningAirlock.config(tmp.resolve("data"), "npm", URI.create(registry.baseUrl())).withLimits(capped);
            CountDownLatch release = registry.hold(path -> true);
            try (RunningAirlock airlock = RunningAirlock.start(c)) {
                List<Future<HttpResponse<byte[]>>> answers = new ArrayList<>();
                for (int i = 0; i < PACKAGES; i++) {
                    String name = "burst-" + i;
                    answers.add(clients.submit(() -> airlock.get("/npm/" + name)));
                }
                long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
                while (!airlock.metrics().contains("airlock_upstream_in_flight 3.0")) {
                    if (System.nanoTime() > until) {
                        fail("three upstream requests never became in flight: " + airlock.metrics());
                    }
                    Thread.sleep(20);
                }
                // Time for a burst that is not capped to reach upstream; a capped one stays at three.
                Thread.sleep(1000);
                release.countDown();
                for (Future<HttpResponse<byte[]>> a : answers) {
                    assertEquals(200, a.get(60, TimeUnit.SECONDS).statusCode());
                }
            } finally {
                release.countDown();
            }
            List<FixtureNpmRegistry.Timing> timings = registry.timings();
            assertTrue(timings.size() >= PACKAGES, "a packument per package at least: " + timings);
            assertEquals(3, ColdInstallConcurrencyTest.mostAtOnce(timings), "requests in flight upstream at most: " + timings);
        } finally {
            clients.shutdownNow();
        }
    }
}
