package dev.airlock.npm.e2e;

import dev.airlock.core.testing.ServeProcess;
import dev.airlock.npm.fixture.FixtureNpmRegistry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * SIGTERM (systemctl stop, a pod's termination) while a cold download is under way: Airlock stops
 * accepting, lets the download finish and answers it whole, then exits, within its bound.
 */
class GracefulStopEndToEndTest {

    @TempDir
    Path tmp;

    @Test
    void aDownloadUnderWayIsAnsweredWholeAndTheProcessExitsInTime() throws Exception {
        try (FixtureNpmRegistry registry = FixtureNpmRegistry.builder()
                .pkg("slow-box", p -> p.version("1.0.0", v -> v.npmUser("ann", "ann@example.test").file("index.js", "x".repeat(50_000))))
                .start()) {
            Path config = Files.writeString(tmp.resolve("airlock.yaml"), "upstreams:\n  npm: { url: \"" + registry.baseUrl() + "\" }\n");
            int port;
            try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
                port = s.getLocalPort();
            }
            String tarball = "/slow-box/-/slow-box-1.0.0.tgz";
            byte[] expected = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(registry.baseUrl() + tarball.substring(1)))
                    .build(), HttpResponse.BodyHandlers.ofByteArray()).body();
            CountDownLatch held = registry.hold(path -> path.endsWith(tarball));
            Process airlock = ServeProcess.start(config, tmp.resolve("data"), port, tmp.resolve("airlock.log"));
            try {
                CompletableFuture<HttpResponse<byte[]>> pending = HttpClient.newHttpClient().sendAsync(
                        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/npm" + tarball)).build(),
                        HttpResponse.BodyHandlers.ofByteArray());
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
                while (registry.log().stream().noneMatch(r -> r.path().endsWith(tarball)) && System.nanoTime() < deadline) {
                    Thread.sleep(20);
                }
                airlock.destroy(); // SIGTERM
                Thread.sleep(1000); // the upstream answers a second into the stop
                held.countDown();
                HttpResponse<byte[]> r = pending.get(30, TimeUnit.SECONDS);
                assertEquals(200, r.statusCode(), new String(r.body()) + "\n" + Files.readString(tmp.resolve("airlock.log")));
                assertArrayEquals(expected, r.body(), "answered whole");
                long stopped = System.nanoTime();
                assertTrue(airlock.waitFor(20, TimeUnit.SECONDS), "exited within the unit's TimeoutStopSec");
                assertTrue(System.nanoTime() - stopped < TimeUnit.SECONDS.toNanos(20));
            } finally {
                airlock.destroyForcibly();
            }
        }
    }
}
