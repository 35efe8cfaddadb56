package dev.airlock.scaleout.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.airlock.core.testing.ClientProcess;
import dev.airlock.core.testing.RunningAirlock;
import dev.airlock.npm.e2e.NpmClient;
import dev.airlock.npm.fixture.FixtureNpmRegistry;
import dev.airlock.scaleout.testing.Replicas;
import dev.airlock.scaleout.testing.WebhookReceiver;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.BooleanSupplier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Three replicas on one PostgreSQL and one bucket stay of one mind: what a person decides on one
 * replica holds on the others within moments, a hold is decided, logged and announced once for
 * the cluster, and the audit chain stays whole with writers on every replica.
 */
class ReplicaCoherenceEndToEndTest {

    private static final ObjectMapper M = new ObjectMapper();
    /** Generous: two cores are shared by three replicas, PostgreSQL, S3 and the clients (the 2 s goal is a bench figure). */
    private static final Duration PROPAGATION = Duration.ofSeconds(30);

    @TempDir
    Path tmp;

    private static void eventually(String what, BooleanSupplier condition) throws InterruptedException {
        Replicas.eventually(what, PROPAGATION, condition);
    }

    private static int status(RunningAirlock r, String path) {
        try {
            return r.get(path).statusCode();
        } catch (Exception e) {
            return -1;
        }
    }

    @Test
    void decisionsRulesAndTokensMadeOnOneReplicaHoldOnTheOthers() throws Exception {
        try (Replicas cluster = Replicas.start(tmp, "");
             WebhookReceiver webhooks = new WebhookReceiver();
             FixtureNpmRegistry registry = FixtureNpmRegistry.builder()
                .pkg("hooked-box", p -> p.version("1.0.0", v -> v.npmUser("ann", "ann@example.test"))
                        .version("1.1.0", v -> v.npmUser("ann", "ann@example.test").script("preinstall", "node -e 0")))
                .pkg("plain-box", p -> p.version("1.0.0", v -> v.npmUser("ann", "ann@example.test")))
                .start()) {
            // Started together on an empty database: it is migrated once and one admin token is made.
            ExecutorService starting = Executors.newFixedThreadPool(3);
            List<Future<RunningAirlock>> started = new ArrayList<>();
            for (String name : List.of("r1", "r2", "r3")) {
                started.add(starting.submit((Callable<RunningAirlock>) () -> cluster.replica(name, "npm", URI.create(registry.baseUrl()),
                        c -> c.withNotifications(webhooks.config()))));
            }
            RunningAirlock r1 = started.get(0).get();
            RunningAirlock r2 = started.get(1).get();
            RunningAirlock r3 = started.get(2).get();
            starting.shutdown();
            List<Path> tokenFiles = new ArrayList<>();
            for (RunningAirlock r : List.of(r1, r2, r3)) {
                if (Files.exists(r.dataDir().resolve("admin-token"))) {
                    tokenFiles.add(r.dataDir().resolve("admin-token"));
                }
            }
            assertEquals(1, tokenFiles.size(), "one bootstrap admin token for the cluster");
            String admin = Files.readString(tokenFiles.get(0)).strip();

            // The same hold, seen by every replica, is decided once.
            for (RunningAirlock r : List.of(r1, r2, r3)) {
                assertEquals(200, status(r, "/npm/hooked-box"));
                assertEquals(403, status(r, "/npm/hooked-box/-/hooked-box-1.1.0.tgz"));
            }
            JsonNode queue = M.readTree(r2.admin("GET", "quarantine", admin, null).body());
            assertEquals(1, queue.get("items").size(), queue.toString());
            String id = queue.at("/items/0/id").asText();

            // Released through replica 3: installable through replica 1.
            HttpResponse<String> released = r3.admin("POST", "quarantine/" + id + "/release", admin,
                    "{\"reason\":\"expected: a harmless check\"}");
            assertEquals(200, released.statusCode(), released.body());
            eventually("replica 1 serves the released version", () -> status(r1, "/npm/hooked-box/-/hooked-box-1.1.0.tgz") == 200);
            Path app = tmp.resolve("app");
            Files.createDirectories(app);
            Files.writeString(app.resolve("package.json"), "{\"name\":\"app\",\"version\":\"1.0.0\",\"private\":true}");
            ClientProcess.Result install = ClientProcess.run(app, NpmClient.env(tmp.resolve("home"), r1.uri("/npm/").toString(), true),
                    300, List.of("npm", "install", "hooked-box@1.1.0"));
            assertEquals(0, install.exitCode(), install.both());

            // A deny rule added on replica 1 stops replica 2.
            assertEquals(200, status(r2, "/npm/plain-box/-/plain-box-1.0.0.tgz"));
            HttpResponse<String> rule = r1.admin("POST", "rules", admin,
                    "{\"kind\":\"deny\",\"pattern\":\"npm:plain-box@*\",\"reason\":\"maintainer account taken over\"}");
            assertEquals(201, rule.statusCode(), rule.body());
            eventually("replica 2 refuses the denied package", () -> status(r2, "/npm/plain-box/-/plain-box-1.0.0.tgz") == 403);

            // A token revoked on replica 2 fails on replica 3.
            String ci = M.readTree(r2.admin("POST", "tokens", admin, "{\"name\":\"ci\",\"role\":\"viewer\"}").body()).get("token").asText();
            eventually("replica 3 knows the new token", () -> {
                try {
                    return r3.admin("GET", "whoami", ci, null).statusCode() == 200;
                } catch (Exception e) {
                    return false;
                }
            });
            assertEquals(200, r2.admin("DELETE", "tokens/ci", admin, "{\"reason\":\"leaked in a build log\"}").statusCode());
            eventually("replica 3 refuses the revoked token", () -> {
                try {
                    return r3.admin("GET", "whoami", ci, null).statusCode() == 401;
                } catch (Exception e) {
                    return false;
                }
            });

            // One audit entry and one webhook delivery for the hold; the chain verifies.
            JsonNode verdicts = M.readTree(r1.admin("GET", "audit?action=verdict&target=" + id, admin, null).body());
            assertEquals(1, verdicts.get("total").asInt(), verdicts.toString());
            eventually("the held and released events are delivered", () -> webhooks.count("released") > 0);
            Thread.sleep(2000); // any duplicate delivery from another replica's relay would arrive by now
            assertEquals(1, webhooks.count("held"), webhooks.received().toString());
            assertEquals(1, webhooks.count("released"), webhooks.received().toString());
            for (RunningAirlock r : List.of(r1, r2, r3)) {
                JsonNode v = M.readTree(r.admin("GET", "audit/verify", admin, null).body());
                assertTrue(v.get("ok").asBoolean(), v.toString());
            }
        }
    }

    @Test
    void threeReplicasDecidingOneReleaseAtTheSameMomentLogAndAnnounceItOnce() throws Exception {
        try (Replicas cluster = Replicas.start(tmp, "");
             WebhookReceiver webhooks = new WebhookReceiver();
             FixtureNpmRegistry registry = FixtureNpmRegistry.builder()
                .pkg("racy-box", p -> p.version("1.0.0", v -> v.npmUser("ann", "ann@example.test"))
                        .version("1.1.0", v -> v.npmUser("ann", "ann@example.test").script("postinstall", "node -e 0")))
                .start()) {
            List<RunningAirlock> three = new ArrayList<>();
            for (String name : List.of("r1", "r2", "r3")) {
                three.add(cluster.replica(name, "npm", URI.create(registry.baseUrl()), c -> c.withNotifications(webhooks.config())));
            }
            // The packument is held upstream until all three replicas have asked for it: they decide together.
            java.util.concurrent.CountDownLatch held = registry.hold(path -> path.equals("/racy-box"));
            ExecutorService clients = Executors.newFixedThreadPool(3);
            List<Future<Integer>> answers = new ArrayList<>();
            for (RunningAirlock r : three) {
                answers.add(clients.submit(() -> status(r, "/npm/racy-box")));
            }
            eventually("all three asked upstream", () -> registry.log().stream().filter(r -> r.path().equals("/racy-box")).count() >= 3);
            held.countDown();
            for (Future<Integer> a : answers) {
                assertEquals(200, a.get());
            }
            clients.shutdown();
            String admin = null;
            for (RunningAirlock r : three) {
                if (Files.exists(r.dataDir().resolve("admin-token"))) {
                    admin = Files.readString(r.dataDir().resolve("admin-token")).strip();
                }
            }
            JsonNode entries = M.readTree(three.get(0).admin("GET", "audit?action=verdict", admin, null).body());
            long racy = 0;
            for (JsonNode e : entries.path("items")) {
                if (e.toString().contains("racy-box")) {
                    racy++;
                }
            }
            assertEquals(1, racy, "one verdict entry for the cluster: " + entries);
            eventually("the held event is delivered", () -> webhooks.count("held") > 0);
            Thread.sleep(2000);
            assertEquals(1, webhooks.count("held"), webhooks.received().toString());
        }
    }
}
