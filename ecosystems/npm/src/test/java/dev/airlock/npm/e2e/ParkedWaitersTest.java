package dev.airlock.npm.e2e;

import dev.airlock.config.AirlockConfig;
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
import java.util.concurrent.TimeoutException;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Clients waiting for a file another request is already fetching do not hold workers: with two
 * workers and one slow tarball asked for by six clients at once, a request for another package is
 * still answered while the slow fetch is in flight, and the tarball is still fetched once.
 */
class ParkedWaitersTest {

    @TempDir
    Path tmp;

    @Test
    void waitersForOneSlowFileLeaveTheWorkersToOtherPackages() throws Exception {
        try (FixtureNpmRegistry registry = FixtureNpmRegistry.builder()
                .pkg("slow", p -> p.version("1.0.0", v -> v.npmUser("ann", "ann@example.test")))
                .pkg("other", p -> p.version("1.0.0", v -> v.npmUser("ann", "ann@example.test")))
                .start()) {
            ExecutorService clients = Executors.newCachedThreadPool();
            AirlockConfig cold = RunningAirlock.config(tmp.resolve("data"), "npm", URI.create(registry.baseUrl())).withWorkerThreads(2);
            CountDownLatch release = registry.hold(path -> path.endsWith("/slow-1.0.0.tgz"));
            try (RunningAirlock airlock = RunningAirlock.start(cold)) {
                List<Future<HttpResponse<byte[]>>> waiting = new ArrayList<>();
                for (int i = 0; i < 6; i++) {
                    waiting.add(clients.submit(() -> airlock.get("/npm/slow/-/slow-1.0.0.tgz")));
                }
                awaitUpstream(registry, "/slow/-/slow-1.0.0.tgz");
                // Every worker would be taken by the leader and a waiter if waiters blocked.
                Future<HttpResponse<byte[]>> other = clients.submit(() -> airlock.get("/npm/other"));
                HttpResponse<byte[]> answer;
                try {
                    answer = other.get(60, TimeUnit.SECONDS);
                } catch (TimeoutException e) {
                    release.countDown();
                    fail("another package's request waited behind the clients of a slow file: " + airlock.metrics());
                    return;
                }
                assertEquals(200, answer.statusCode());
                assertFalse(waiting.stream().anyMatch(Future::isDone), "the slow file's clients were answered before it arrived");
                release.countDown();
                for (Future<HttpResponse<byte[]>> w : waiting) {
                    HttpResponse<byte[]> r = w.get(60, TimeUnit.SECONDS);
                    assertEquals(200, r.statusCode(), new String(r.body()));
                    assertTrue(java.util.Arrays.equals(registry.tarball("slow", "1.0.0"), r.body()), "the tarball's bytes");
                }
                assertEquals(1, registry.tarballRequests("slow", "1.0.0"), "one upstream fetch for six clients");
                String metrics = airlock.metrics();
                assertTrue(metrics.matches("(?s).*airlock_events_total\\{[^}]*event=\"request_parked\"[^}]*} [1-9].*"), metrics);
            } finally {
                release.countDown();
                clients.shutdownNow();
            }
        }
    }

    private static void awaitUpstream(FixtureNpmRegistry registry, String path) throws InterruptedException {
        long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (registry.requests(path) == 0) {
            if (System.nanoTime() > until) {
                fail("Airlock never asked upstream for " + path);
            }
            Thread.sleep(10);
        }
    }
}
