package dev.airlock.maven.e2e;

import dev.airlock.config.AirlockConfig;
import dev.airlock.config.ConfigLoader;
import dev.airlock.core.testing.RunningAirlock;
import dev.airlock.maven.fixture.FixtureMavenRepository;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code server.maxConcurrentPerClient}: one client with more cold downloads in work than its bound
 * gets 429 for the rest (with the setting's name), while the ones in its bound are served; a
 * {@code X-Forwarded-For} from an untrusted address changes nothing.
 */
class ClientLimitEndToEndTest {

    @TempDir
    Path tmp;

    @Test
    void oneClientCannotHaveMoreThanItsBoundInWork() throws Exception {
        FixtureMavenRepository.Builder b = FixtureMavenRepository.builder();
        for (int i = 0; i < 6; i++) {
            b.jar("org.limit", "lib", "1." + i);
        }
        try (FixtureMavenRepository up = b.start()) {
            up.delay(Duration.ofMillis(700)); // cold downloads stay in work while the others arrive
            AirlockConfig c = ConfigLoader.parse("server: { port: 0, maxConcurrentPerClient: 2 }\nupstreams: { maven: { url: '"
                    + up.baseUrl() + "' } }\n", "limit.yaml").withStoragePath(tmp.resolve("data"));
            try (RunningAirlock airlock = RunningAirlock.start(c)) {
                HttpClient http = HttpClient.newHttpClient();
                List<CompletableFuture<HttpResponse<String>>> all = new ArrayList<>();
                for (int i = 0; i < 6; i++) {
                    all.add(http.sendAsync(HttpRequest.newBuilder(airlock.uri("/maven/" + FixtureMavenRepository.path("org.limit", "lib", "1." + i,
                            "pom"))).header("X-Forwarded-For", "10.9.9." + i).build(), HttpResponse.BodyHandlers.ofString()));
                }
                int ok = 0;
                int limited = 0;
                for (CompletableFuture<HttpResponse<String>> f : all) {
                    HttpResponse<String> r = f.join();
                    if (r.statusCode() == 200) {
                        ok++;
                    } else {
                        assertEquals(429, r.statusCode(), r.body());
                        assertTrue(r.body().contains("server.maxConcurrentPerClient"), r.body());
                        limited++;
                    }
                }
                assertTrue(ok >= 2 && limited >= 1, ok + " served, " + limited + " refused");
                assertEquals(200, http.send(HttpRequest.newBuilder(airlock.uri("/maven/" + FixtureMavenRepository.path("org.limit", "lib",
                        "1.5", "pom"))).build(), HttpResponse.BodyHandlers.discarding()).statusCode(), "served once the others finished");
            }
        }
    }
}
