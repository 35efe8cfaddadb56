package dev.airlock.npm.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import dev.airlock.core.testing.ServeProcess;
import dev.airlock.npm.fixture.FixtureNpmRegistry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
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
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A notification survives a SIGKILL: the server holds a release while its webhook answers 503,
 * is killed with the delivery claimed and retrying, and the next server on the same data, once
 * the dead one's claim runs out, delivers it to the webhook, now up, exactly as it was.
 */
class OutboxCrashTest {

    private static final ObjectMapper M = new ObjectMapper();

    @TempDir
    Path tmp;

    private static int freePort() throws Exception {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }


    private static long count(Path data, String where) throws Exception {
        try (Connection db = DriverManager.getConnection("jdbc:sqlite:" + data.resolve("state.db"));
             Statement st = db.createStatement();
             ResultSet rs = st.executeQuery("SELECT count(*) FROM outbox WHERE " + where)) {
            return rs.getLong(1);
        }
    }

    @Test
    void aNotificationClaimedByAKilledServerIsDeliveredByTheNextOne() throws Exception {
        int hookPort = freePort();
        AtomicInteger refused = new AtomicInteger();
        List<JsonNode> received = Collections.synchronizedList(new ArrayList<>());
        List<String> ids = Collections.synchronizedList(new ArrayList<>());
        boolean[] up = {false};
        HttpServer receiver = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), hookPort), 0);
        receiver.createContext("/hook", ex -> {
            byte[] body = ex.getRequestBody().readAllBytes();
            ids.add(ex.getRequestHeaders().getFirst("X-Airlock-Delivery"));
            if (up[0]) {
                received.add(M.readTree(body));
                ex.sendResponseHeaders(204, -1);
            } else {
                refused.incrementAndGet();
                ex.sendResponseHeaders(503, -1);
            }
            ex.close();
        });
        receiver.start();
        Path data = tmp.resolve("data");
        Path log = tmp.resolve("serve.log");
        try (FixtureNpmRegistry registry = FixtureNpmRegistry.builder()
                .pkg("crashy-box", p -> p.version("1.0.0", v -> v.npmUser("ann", "ann@example.test"))
                        .version("1.1.0", v -> v.npmUser("ann", "ann@example.test").script("postinstall", "node grab.js")))
                .start()) {
            Path config = Files.writeString(tmp.resolve("airlock.yaml"), "upstreams: { npm: { url: '" + registry.baseUrl() + "' } }\n"
                    + "notifications: { webhooks: [ { url: 'http://127.0.0.1:" + hookPort + "/hook', format: json } ] }\n");
            int port = freePort();
            Process first = ServeProcess.start(config, data, port, log);
            try {
                HttpResponse<Void> packument = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                        URI.create("http://127.0.0.1:" + port + "/npm/crashy-box")).build(), HttpResponse.BodyHandlers.discarding());
                assertEquals(200, packument.statusCode());
                long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
                while (refused.get() == 0 && System.nanoTime() < deadline) {
                    Thread.sleep(50);
                }
                assertTrue(refused.get() > 0, "the webhook was tried while it answered 503");
                assertEquals(1, count(data, "delivered_at IS NULL AND claimed_by IS NOT NULL"), "claimed and not delivered");
            } finally {
                first.destroyForcibly().waitFor();
            }
            up[0] = true;
            Process second = ServeProcess.start(config, data, freePort(), log);
            try {
                long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
                while ((received.isEmpty() || count(data, "delivered_at IS NULL") > 0) && System.nanoTime() < deadline) {
                    Thread.sleep(200);
                }
            } finally {
                second.destroy();
                second.waitFor();
                receiver.stop(0);
            }
        }
        assertEquals(1, received.size(), "delivered once the claim ran out: " + received + "\n" + Files.readString(log));
        assertEquals("held", received.get(0).get("type").asText());
        assertEquals("crashy-box", received.get(0).get("package").asText());
        assertEquals(1, new java.util.HashSet<>(ids).size(), "every try, before and after the crash, carries one delivery id: " + ids);
        assertEquals(0, count(data, "delivered_at IS NULL"));
    }
}
