package dev.airlock.npm.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
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
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * server.logFormat: json, through {@code airlock serve} as an operator runs it: every line the
 * process writes (access log and application log) is one JSON object with the stable field
 * names, and the request id a response carries is the one in its access line.
 */
class JsonLogsEndToEndTest {

    private static final ObjectMapper M = new ObjectMapper();

    @TempDir
    Path tmp;

    @Test
    void everyLineIsJsonAndTheRequestIdTiesTheResponseToItsLine() throws Exception {
        try (FixtureNpmRegistry registry = FixtureNpmRegistry.builder()
                .pkg("plain-box", p -> p.version("1.0.0", v -> v.npmUser("ann", "ann@example.test")))
                .pkg("hooked-box", p -> p.version("1.0.0", v -> v.npmUser("ann", "ann@example.test"))
                        .version("1.1.0", v -> v.npmUser("ann", "ann@example.test").script("preinstall", "node -e 0")))
                .start()) {
            Path config = Files.writeString(tmp.resolve("airlock.yaml"), """
                    server: { logFormat: json }
                    upstreams:
                      npm: { url: "%s" }
                    """.formatted(registry.baseUrl()));
            int port;
            try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
                port = s.getLocalPort();
            }
            Path log = tmp.resolve("airlock.log");
            Process airlock = ServeProcess.start(config, tmp.resolve("data"), port, log);
            HttpResponse<String> served;
            HttpResponse<String> blocked;
            try {
                HttpClient http = HttpClient.newHttpClient();
                served = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/npm/plain-box/-/plain-box-1.0.0.tgz"))
                        .header("X-Request-Id", "ci-build-42").build(), HttpResponse.BodyHandlers.ofString());
                blocked = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/npm/hooked-box/-/hooked-box-1.1.0.tgz"))
                        .build(), HttpResponse.BodyHandlers.ofString());
            } finally {
                airlock.destroy(); // SIGTERM: the access log is flushed on the way out
                airlock.waitFor();
            }
            assertEquals(200, served.statusCode());
            assertEquals("ci-build-42", served.headers().firstValue("X-Request-Id").orElse(null), "a request id brought is kept");
            assertEquals(403, blocked.statusCode());
            String made = blocked.headers().firstValue("X-Request-Id").orElse(null);
            assertNotNull(made, "one is made for a request that brings none");

            List<JsonNode> lines = new ArrayList<>();
            for (String line : Files.readAllLines(log)) {
                if (line.isBlank()) {
                    continue;
                }
                JsonNode o = M.readTree(line); // throws on any line that is not JSON
                assertTrue(o.isObject() && o.has("time") && o.has("level") && o.has("logger") && o.has("message"), line);
                lines.add(o);
            }
            assertTrue(lines.stream().anyMatch(o -> !o.path("logger").asText().equals("airlock.access")), "the application log too");
            JsonNode first = lines.stream().filter(o -> "ci-build-42".equals(o.path("request_id").asText())).findFirst().orElseThrow();
            assertEquals("plain-box", first.path("package").asText());
            assertEquals("1.0.0", first.path("version").asText());
            assertEquals("approved", first.path("verdict").asText());
            assertEquals("npm", first.path("ecosystem").asText());
            assertEquals(200, first.path("status").asInt());
            JsonNode second = lines.stream().filter(o -> made.equals(o.path("request_id").asText())).findFirst().orElseThrow();
            assertEquals("hooked-box", second.path("package").asText());
            assertEquals("quarantined", second.path("verdict").asText());
            assertEquals(403, second.path("status").asInt());
        }
    }
}
