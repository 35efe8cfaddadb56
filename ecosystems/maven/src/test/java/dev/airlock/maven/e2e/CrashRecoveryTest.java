package dev.airlock.maven.e2e;

import dev.airlock.cli.testing.Cli;
import dev.airlock.core.testing.ServeProcess;
import dev.airlock.maven.fixture.FixtureMavenRepository;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Airlock killed with SIGKILL while downloads are in flight, three times, as a separate process on
 * the same data directory: after each restart it serves again, and at the end every blob hashes to
 * its name, every indexed file has its blob, and {@code audit verify} walks the whole chain.
 */
class CrashRecoveryTest {

    @TempDir
    Path tmp;

    private static int freePort() throws Exception {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    /** {@code airlock serve} in its own JVM, with this test's class path (the Maven ecosystem included). */
    private static Process serve(Path data, int port, String upstream) throws Exception {
        Path config = Files.writeString(data.resolveSibling("crash.yaml"), "upstreams: { maven: { url: '" + upstream + "' } }\n");
        return ServeProcess.start(config, data, port, data.resolveSibling("serve.log"));
    }


    @Test
    void killedThreeTimesMidDownloadTheStoreAndTheAuditChainStayWhole() throws Exception {
        FixtureMavenRepository.Builder b = FixtureMavenRepository.builder();
        for (int i = 0; i < 12; i++) {
            b.jar("org.crash", "lib", "1." + i);
        }
        // Held (an annotation processor in its first version), so the audit chain has entries to walk.
        b.jar("org.crash", "ap", "1.0", j -> j.resource("META-INF/services/javax.annotation.processing.Processor", "org.crash.P\n"));
        String held = FixtureMavenRepository.path("org.crash", "ap", "1.0", "jar");
        Path data = Files.createDirectories(tmp.resolve("run").resolve("data"));
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
        try (FixtureMavenRepository up = b.start()) {
            up.delay(Duration.ofMillis(150)); // downloads are in flight when the kill comes
            for (int round = 0; round < 3; round++) {
                int port = freePort();
                Process airlock = serve(data, port, up.baseUrl());
                List<CompletableFuture<HttpResponse<byte[]>>> inFlight = new ArrayList<>();
                inFlight.add(http.sendAsync(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/maven/" + held))
                        .timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofByteArray()));
                for (int i = 0; i < 12; i++) {
                    String path = FixtureMavenRepository.path("org.crash", "lib", "1." + i, "jar");
                    inFlight.add(http.sendAsync(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/maven/" + path))
                            .timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofByteArray()));
                }
                Thread.sleep(200 + 150L * round);
                airlock.destroyForcibly(); // SIGKILL: no shutdown hook runs
                assertTrue(airlock.waitFor(30, java.util.concurrent.TimeUnit.SECONDS));
                inFlight.forEach(f -> f.handle((r, e) -> null).join());
            }
            // A last start on the same data serves every file.
            up.clearFaults();
            int port = freePort();
            Process airlock = serve(data, port, up.baseUrl());
            try {
                for (int i = 0; i < 12; i++) {
                    String path = FixtureMavenRepository.path("org.crash", "lib", "1." + i, "jar");
                    HttpResponse<byte[]> r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/maven/" + path)).build(),
                            HttpResponse.BodyHandlers.ofByteArray());
                    assertEquals(200, r.statusCode(), path);
                    assertTrue(java.util.Arrays.equals(up.file(path), r.body()), path);
                }
                assertEquals(403, http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/maven/" + held)).build(),
                        HttpResponse.BodyHandlers.discarding()).statusCode());
            } finally {
                airlock.destroy();
                airlock.waitFor(30, java.util.concurrent.TimeUnit.SECONDS);
            }
        }
        List<String> wrong = dev.airlock.core.testing.StoreIntegrity.problems(data, "maven", "org.crash:lib");
        assertEquals(List.of(), wrong);
        String[] audit = Cli.run("audit", "verify", "--data", data.toString());
        assertEquals("0", audit[0], audit[1] + audit[2]);
        assertTrue(!audit[1].contains(" 0 entries"), "the chain has entries: " + audit[1]);
    }
}
