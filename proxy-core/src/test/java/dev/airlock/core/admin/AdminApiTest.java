package dev.airlock.core.admin;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.airlock.config.CacheConfig;
import dev.airlock.config.ConfigLoader;
import dev.airlock.core.store.sql.SqliteStateStore;
import dev.airlock.core.store.VerdictRecord;
import dev.airlock.core.testing.MutableClock;
import dev.airlock.core.testing.RunningAirlock;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The admin API against a running Airlock: tokens (bootstrap, hashing at rest, expiry,
 * revocation), every route under every role, the queue and evidence, decisions, rules and the
 * audit chain.
 */
class AdminApiTest {

    private static final ObjectMapper M = new ObjectMapper();
    private static final Instant T0 = Instant.parse("2026-06-01T12:00:00Z");

    @TempDir
    Path tmp;

    private RunningAirlock start(MutableClock clock) throws Exception {
        return RunningAirlock.start(ConfigLoader.defaults().withPort(0).withStoragePath(tmp.resolve("data"))
                .withCache(new CacheConfig(Duration.ofMinutes(5), 16L * 1024 * 1024)), clock);
    }

    /** Held releases as the policy stores them: one with a new preinstall script. */
    private void seed(int n) {
        try (SqliteStateStore s = new SqliteStateStore(tmp.resolve("data"))) {
            List<VerdictRecord> rows = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                String findings = "[{\"check\":\"install-hooks\",\"holds\":true,\"message\":\"adds a preinstall script, which 1.0.0 did not have: "
                        + "node steal.js\",\"evidence\":{\"hook\":\"preinstall\",\"script\":\"node steal.js\",\"previousVersion\":\"1.0.0\"}},"
                        + "{\"check\":\"install-hooks\",\"holds\":false,\"message\":\"runs postinstall as 1.0.0 did: node build.js\","
                        + "\"evidence\":{\"hook\":\"postinstall\",\"script\":\"node build.js\",\"previousVersion\":\"1.0.0\"}}]";
                rows.add(new VerdictRecord("id" + i, i % 2 == 0 ? "npm" : "pypi", "pkg-" + i, "1.1.0", "QUARANTINED", null, findings,
                        "digest" + i, "v1", T0.minus(Duration.ofHours(i)), T0));
            }
            s.putVerdicts(rows);
        }
    }

    private static JsonNode json(HttpResponse<String> r) throws Exception {
        return M.readTree(r.body());
    }

    private static String create(RunningAirlock a, String admin, String name, String role, String expires) throws Exception {
        HttpResponse<String> r = a.admin("POST", "tokens", admin, "{\"name\":\"" + name + "\",\"role\":\"" + role + "\""
                + (expires == null ? "" : ",\"expires\":\"" + expires + "\"") + "}");
        assertEquals(201, r.statusCode(), r.body());
        return json(r).get("token").asText();
    }

    @Test
    void theFirstStartWritesAnOwnerOnlyAdminTokenThatIsStoredOnlyAsAHash() throws Exception {
        MutableClock clock = new MutableClock(T0);
        try (RunningAirlock a = start(clock)) {
            Path file = a.dataDir().resolve("admin-token");
            assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
            String admin = a.adminToken();
            assertTrue(admin.startsWith("alk_") && admin.length() > 40, admin);
            assertEquals("{\"name\":\"admin\",\"role\":\"admin\"}", a.admin("GET", "whoami", admin, null).body().strip());
            String viewer = create(a, admin, "ci-viewer", "viewer", null);
            // Nowhere in the data directory but the bootstrap file: not in the database, its WAL, or anywhere else.
            try (Stream<Path> files = Files.walk(a.dataDir())) {
                for (Path f : files.filter(Files::isRegularFile).filter(f -> !f.equals(file)).toList()) {
                    String bytes = new String(Files.readAllBytes(f), StandardCharsets.ISO_8859_1);
                    assertFalse(bytes.contains(admin), "the admin token is in " + f);
                    assertFalse(bytes.contains(viewer), "the viewer token is in " + f);
                }
            }
        }
        // A restart with an admin token in the store writes nothing new.
        String before = Files.readString(tmp.resolve("data/admin-token"));
        try (RunningAirlock a = start(new MutableClock(T0))) {
            assertEquals(before, Files.readString(a.dataDir().resolve("admin-token")));
        }
    }

    @Test
    void everyRouteAnswersEveryRoleAsItsRoleAllows() throws Exception {
        seed(40);
        MutableClock clock = new MutableClock(T0);
        try (RunningAirlock a = start(clock)) {
            String admin = a.adminToken();
            Map<String, String> tokens = new java.util.LinkedHashMap<>();
            tokens.put("none", null);
            tokens.put("bogus", "alk_not-a-real-token");
            tokens.put("viewer", create(a, admin, "v", "viewer", null));
            tokens.put("approver", create(a, admin, "ap", "approver", null));
            tokens.put("admin", admin);
            int[] counter = {0};
            for (Map.Entry<String, String> t : tokens.entrySet()) {
                String who = t.getKey();
                String token = t.getValue();
                int n = counter[0]++;
                // A rule and a token for this round to remove, made by the admin.
                long ruleId = json(a.admin("POST", "rules", admin, "{\"kind\":\"deny\",\"pattern\":\"npm:gone-" + n + "@*\",\"reason\":\"test\"}"))
                        .get("id").asLong();
                create(a, admin, "victim-" + n, "viewer", null);
                String id = "id" + n;
                String[][] routes = {
                        // method, path, body, the least role
                        {"GET", "whoami", null, "viewer"},
                        {"GET", "quarantine", null, "viewer"},
                        {"GET", "quarantine/" + id, null, "viewer"},
                        {"GET", "packages/npm/pkg-0", null, "viewer"},
                        {"GET", "rules", null, "viewer"},
                        {"GET", "audit", null, "viewer"},
                        {"GET", "audit/verify", null, "viewer"},
                        {"GET", "audit/export", null, "viewer"},
                        {"POST", "quarantine/" + id + "/release", "{\"reason\":\"reviewed\",\"expires\":\"P7D\"}", "approver"},
                        {"POST", "quarantine/id" + (n + 10) + "/reject", "{\"reason\":\"malware\"}", "approver"},
                        {"POST", "quarantine/" + id + "/reevaluate", null, "approver"},
                        {"POST", "quarantine/bulk", "{\"action\":\"release\",\"ids\":[\"id" + (n + 20) + "\"],\"reason\":\"bulk\"}", "approver"},
                        {"POST", "rules", "{\"kind\":\"allow\",\"pattern\":\"npm:ok-" + n + "@*\",\"reason\":\"vetted\"}", "admin"},
                        {"DELETE", "rules/" + ruleId, null, "admin"},
                        {"GET", "tokens", null, "admin"},
                        {"POST", "tokens", "{\"name\":\"new-" + n + "\",\"role\":\"viewer\"}", "admin"},
                        {"DELETE", "tokens/victim-" + n, null, "admin"},
                };
                for (String[] r : routes) {
                    HttpResponse<String> resp = a.admin(r[0], r[1], token, r[2]);
                    int expected = token == null || who.equals("bogus") ? 401 : Role.of(who).allows(Role.of(r[3])) ? 2 : 403;
                    String what = who + " " + r[0] + " " + r[1] + ": " + resp.body();
                    if (expected == 2) {
                        assertTrue(resp.statusCode() / 100 == 2, what);
                    } else {
                        assertEquals(expected, resp.statusCode(), what);
                        if (expected == 401) {
                            assertEquals("Bearer realm=\"airlock\"", resp.headers().firstValue("www-authenticate").orElse(null));
                        }
                    }
                }
            }
            // Refusals are audited too: each token holder's 403, and the 401s (which anyone can cause) counted
            // in at most one entry a minute, so they cannot flood the log.
            JsonNode denied = json(a.admin("GET", "audit?action=auth.denied&limit=500", admin, null));
            assertEquals(14, denied.path("items").findValues("actor").stream().filter(n -> !n.asText().equals("anonymous")).count(),
                    denied.toString());
            assertEquals(1, denied.path("items").findValues("actor").stream().filter(n -> n.asText().equals("anonymous")).count(),
                    "the 34 refusals without a valid token make one entry (the clock does not move): " + denied);
            assertEquals(200, a.admin("GET", "openapi.json", null, null).statusCode(), "the API description needs no token");
            assertEquals("3.0.3", json(a.admin("GET", "openapi.json", null, null)).get("openapi").asText());
        }
    }

    @Test
    void jsonThatCouldBeReadTwoWaysIsRefused() throws Exception {
        // A proxy in front, or a reviewer, reading the first "role" must not see a viewer token while Airlock makes an admin one.
        try (RunningAirlock a = start(new MutableClock(T0))) {
            String admin = a.adminToken();
            HttpResponse<String> twice = a.admin("POST", "tokens", admin, "{\"name\":\"x\",\"role\":\"viewer\",\"role\":\"admin\"}");
            assertEquals(400, twice.statusCode(), twice.body());
            assertTrue(twice.body().contains("names a key twice"), twice.body());
            HttpResponse<String> rule = a.admin("POST", "rules", admin,
                    "{\"kind\":\"allow\",\"pattern\":\"npm:x@*\",\"reason\":\"r\",\"kind\":\"deny\"}");
            assertEquals(400, rule.statusCode(), rule.body());
            // An overlong '.' (C0 AE) in a name: refused, not read as a dot.
            java.net.http.HttpRequest overlong = java.net.http.HttpRequest.newBuilder(a.uri("/-/admin/api/tokens"))
                    .header("Authorization", "Bearer " + admin).header("Content-Type", "application/json")
                    .POST(java.net.http.HttpRequest.BodyPublishers.ofByteArray(new byte[] {'{', '"', 'n', 'a', 'm', 'e', '"', ':', '"', 'a',
                            (byte) 0xc0, (byte) 0xae, '"', ',', '"', 'r', 'o', 'l', 'e', '"', ':', '"', 'v', 'i', 'e', 'w', 'e', 'r', '"', '}'}))
                    .build();
            HttpResponse<String> bad = java.net.http.HttpClient.newHttpClient().send(overlong, HttpResponse.BodyHandlers.ofString());
            assertEquals(400, bad.statusCode(), bad.body());
            assertTrue(bad.body().contains("not well-formed UTF-8"), bad.body());
            JsonNode tokens = json(a.admin("GET", "tokens", admin, null));
            assertFalse(tokens.toString().contains("\"x\""), "no token was made: " + tokens);
        }
    }

    @Test
    void tokensExpireAndCanBeRevoked() throws Exception {
        MutableClock clock = new MutableClock(T0);
        try (RunningAirlock a = start(clock)) {
            String admin = a.adminToken();
            String shortLived = create(a, admin, "short", "viewer", "PT1H");
            String revoked = create(a, admin, "leaked", "approver", null);
            assertEquals(200, a.admin("GET", "whoami", shortLived, null).statusCode());
            assertEquals(200, a.admin("DELETE", "tokens/leaked", admin, null).statusCode());
            assertEquals(401, a.admin("GET", "whoami", revoked, null).statusCode());
            assertEquals(404, a.admin("DELETE", "tokens/leaked", admin, null).statusCode(), "revoked once");
            clock.advance(Duration.ofMinutes(61));
            assertEquals(401, a.admin("GET", "whoami", shortLived, null).statusCode());
            assertEquals(400, a.admin("POST", "tokens", admin, "{\"name\":\"short\",\"role\":\"viewer\"}").statusCode(), "names are not reused");
            assertEquals(400, a.admin("POST", "tokens", admin, "{\"name\":\"x\",\"role\":\"root\"}").statusCode());
            JsonNode list = json(a.admin("GET", "tokens", admin, null));
            assertFalse(list.toString().contains("alk_"), "no token secret is ever listed");
            assertTrue(list.toString().contains("\"revokedAt\":\"" + T0), list.toString());
        }
    }

    @Test
    void theQueueFiltersAndPagesAndAReleaseShowsItsEvidence() throws Exception {
        seed(7);
        try (RunningAirlock a = start(new MutableClock(T0))) {
            String admin = a.adminToken();
            JsonNode all = json(a.admin("GET", "quarantine?view=all&limit=3", admin, null));
            assertEquals(7, all.get("total").asInt());
            assertEquals(3, all.get("items").size());
            assertEquals(4, json(a.admin("GET", "quarantine?view=all&ecosystem=npm", admin, null)).get("total").asInt());
            assertEquals(1, json(a.admin("GET", "quarantine?view=all&package=pkg-3", admin, null)).get("total").asInt());
            assertEquals(7, json(a.admin("GET", "quarantine?view=all&reason=install-hooks", admin, null)).get("total").asInt());
            assertEquals(0, json(a.admin("GET", "quarantine?view=all&reason=publisher", admin, null)).get("total").asInt());
            assertEquals(2, json(a.admin("GET", "quarantine?view=all&olderThan=PT5H", admin, null)).get("total").asInt(), "held 5 and 6 hours");
            assertEquals(2, json(a.admin("GET", "quarantine?view=all&offset=5", admin, null)).get("items").size());
            assertEquals(400, a.admin("GET", "quarantine?view=all&limit=x", admin, null).statusCode());

            JsonNode d = json(a.admin("GET", "quarantine/id0", admin, null));
            JsonNode scripts = d.at("/evidence/installScripts");
            assertEquals("node steal.js", scripts.at("/now/preinstall").asText());
            assertEquals("1.0.0", scripts.get("previousVersion").asText());
            assertEquals("[{\"op\":\" \",\"line\":\"postinstall: node build.js\"},{\"op\":\"+\",\"line\":\"preinstall: node steal.js\"}]",
                    scripts.get("diff").toString());
            assertEquals(404, a.admin("GET", "quarantine/nope", admin, null).statusCode());

            JsonNode released = json(a.admin("POST", "quarantine/id0/release", admin, "{\"reason\":\"vendor confirmed\",\"expires\":\"P7D\"}"));
            assertEquals("released", released.get("status").asText());
            assertEquals("vendor confirmed", released.at("/decision/reason").asText());
            assertEquals(6, json(a.admin("GET", "quarantine?view=all", admin, null)).get("total").asInt(), "it left the queue");
            assertEquals(400, a.admin("POST", "quarantine/id1/reject", admin, "{}").statusCode(), "a reason is required");
            assertEquals(400, a.admin("POST", "quarantine/id1/reject", admin, "not json").statusCode());
            JsonNode bulk = json(a.admin("POST", "quarantine/bulk", admin, "{\"action\":\"reject\",\"ids\":[\"id1\",\"nope\"],\"reason\":\"x\"}"));
            assertTrue(bulk.at("/results/0/ok").asBoolean() && !bulk.at("/results/1/ok").asBoolean(), bulk.toString());
        }
    }

    @Test
    void theDefaultQueueIsWhatClientsNeedMostInDemandFirst() throws Exception {
        // Asked for, passed over by a download, or a package's newest release: in the default view, by demand; the rest behind view=all.
        seed(4);
        try (SqliteStateStore s = new SqliteStateStore(tmp.resolve("data"))) {
            s.addDemand(List.of(
                    new dev.airlock.core.store.DemandRecord("pypi", "pkg-1", "1.1.0", "asked", 5, T0.minusSeconds(60), List.of("ci")),
                    new dev.airlock.core.store.DemandRecord("npm", "pkg-2", "1.1.0", "passed-over", 2, T0.minusSeconds(30), List.of()),
                    new dev.airlock.core.store.DemandRecord("pypi", "pkg-1", "1.1.0", "asked", 1, T0, List.of("alice"))));
            s.putNewest("pypi", "pkg-3", "1.1.0");
            s.putNewest("npm", "pkg-0", "2.0.0");
        }
        try (RunningAirlock a = start(new MutableClock(T0))) {
            String admin = a.adminToken();
            JsonNode needed = json(a.admin("GET", "quarantine", admin, null));
            assertEquals(3, needed.get("total").asInt(), needed.toString());
            assertEquals(List.of("pkg-1", "pkg-2", "pkg-3"), needed.get("items").findValues("package").stream().map(JsonNode::asText).toList());
            JsonNode first = needed.at("/items/0/demand");
            assertEquals(6, first.get("asked").asInt());
            assertEquals("[\"ci\",\"alice\"]", first.get("tokens").toString());
            assertEquals(T0.toString(), first.get("lastAsked").asText());
            assertEquals(2, needed.at("/items/1/demand/passedOver").asInt());
            assertTrue(needed.at("/items/2/demand/newest").asBoolean());
            assertEquals(4, json(a.admin("GET", "quarantine?view=all", admin, null)).get("total").asInt(), "pkg-0 1.1.0 is not its newest");
            assertEquals(400, a.admin("GET", "quarantine?view=some", admin, null).statusCode());
        }
    }

    @Test
    void theAuditChainVerifiesAndNamesTheFirstEditedEntry() throws Exception {
        seed(3);
        try (RunningAirlock a = start(new MutableClock(T0))) {
            String admin = a.adminToken();
            a.admin("POST", "quarantine/id0/release", admin, "{\"reason\":\"ok\"}");
            a.admin("POST", "quarantine/id1/reject", admin, "{\"reason\":\"no\"}");
            a.admin("POST", "rules", admin, "{\"kind\":\"deny\",\"pattern\":\"npm:evil@*\",\"reason\":\"known bad\"}");
            JsonNode v = json(a.admin("GET", "audit/verify", admin, null));
            assertTrue(v.get("ok").asBoolean(), v.toString());
            long entries = v.get("entries").asLong();
            assertTrue(entries >= 4, v.toString());
            String export = a.admin("GET", "audit/export", admin, null).body();
            assertEquals(entries, export.lines().count());
            assertTrue(export.contains("\"action\":\"release\"") && export.contains("\"reason\":\"known bad\""), export);

            try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + a.dataDir().resolve("state.db"));
                 Statement st = c.createStatement()) {
                st.executeUpdate("UPDATE audit_log SET reason='nothing to see' WHERE seq=3");
            }
            JsonNode broken = json(a.admin("GET", "audit/verify", admin, null));
            assertFalse(broken.get("ok").asBoolean());
            assertEquals(3, broken.get("brokenAt").asLong(), broken.toString());
        }
    }
}
