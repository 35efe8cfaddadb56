package dev.airlock.npm.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.airlock.core.testing.ClientProcess;
import dev.airlock.core.testing.RunningAirlock;
import dev.airlock.core.testing.NettyLeaks;
import org.junit.jupiter.api.AfterAll;
import dev.airlock.npm.fixture.FixtureNpmRegistry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The real npm client installs through a running Airlock from a fixture registry on loopback.
 * npm must be on the PATH (.ci/run installs it on a fresh machine).
 */
class NpmClientEndToEndTest {

    private static final ObjectMapper M = new ObjectMapper();
    private static final List<String> CHAINS = List.of("a", "b", "c", "d", "e", "f", "g", "h", "i", "j", "k", "l", "m", "n", "o", "p");

    @AfterAll
    static void noBufferLeaked() throws InterruptedException {
        NettyLeaks.assertNone();
    }

    @TempDir
    Path tmp;

    /** 21 packages, 4 of them scoped, each with three versions and a beta dist-tag. */
    private static FixtureNpmRegistry.Builder graph() {
        FixtureNpmRegistry.Builder b = FixtureNpmRegistry.builder();
        for (int i = 0; i < CHAINS.size(); i++) {
            String name = "pkg-" + CHAINS.get(i);
            String next = i % 4 == 3 ? null : "pkg-" + CHAINS.get(i + 1);
            b.pkg(name, p -> p
                    .version("1.0.0", v -> {
                        if (next != null) {
                            v.dependency(next, "^1.0.0");
                        }
                    })
                    .version("2.0.0-beta.1", v -> v.file("index.js", "module.exports = 'beta';"))
                    .version("1.1.0", v -> {
                        v.file("index.js", "module.exports = '" + name + "';");
                        if (next != null) {
                            v.dependency(next, "^1.0.0");
                        }
                    })
                    .distTag("beta", "2.0.0-beta.1")
                    .distTag("latest", "1.1.0"));
        }
        b.pkg("@acme/util", p -> p.version("1.0.0").version("1.1.0", v -> v.file("index.js", "exports.x = 1;")));
        b.pkg("@acme/logger", p -> p.version("1.1.0", v -> v.dependency("@acme/util", "^1.0.0")));
        b.pkg("@acme/http", p -> p.version("1.1.0", v -> v.dependency("@acme/util", "^1.1.0").dependency("pkg-i", "^1.0.0")));
        b.pkg("@tools/cli", p -> p.version("1.1.0", v -> v.dependency("pkg-a", "^1.0.0").bin("acme-cli", "cli.js")
                .file("cli.js", "#!/usr/bin/env node\nconsole.log('hi');")));
        b.pkg("left-pad", p -> p.version("1.0.0").version("1.1.0", v -> v.file("index.js", "module.exports = s => s;")));
        return b;
    }

    private static List<String> allPackages() {
        List<String> all = new ArrayList<>();
        CHAINS.forEach(c -> all.add("pkg-" + c));
        all.addAll(List.of("@acme/util", "@acme/logger", "@acme/http", "@tools/cli", "left-pad"));
        return all;
    }

    private Map<String, String> npmEnv(Path home, RunningAirlock airlock) throws Exception {
        return NpmClient.env(home, airlock, false);
    }

    private void project(Path dir, RunningAirlock airlock, String dependencies) throws Exception {
        Files.createDirectories(dir);
        Files.writeString(dir.resolve("package.json"), "{\"name\":\"app\",\"version\":\"1.0.0\",\"private\":true,\"dependencies\":{"
                + dependencies + "}}");
        Files.writeString(dir.resolve(".npmrc"), "registry=" + airlock.uri("/npm/") + "\n");
    }

    private static ClientProcess.Result npm(Path dir, Map<String, String> env, String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of("npm"));
        cmd.addAll(List.of(args));
        return ClientProcess.run(dir, env, 300, cmd);
    }

    @Test
    void installThenCiFromCacheWithTheUpstreamStopped() throws Exception {
        // npm installs 21 packages through Airlock; with the registry gone, npm ci and a fresh install still work from the cache.
        try (FixtureNpmRegistry registry = graph().start();
             RunningAirlock airlock = RunningAirlock.start(tmp.resolve("data"), Duration.ZERO,
                     Map.of("npm", URI.create(registry.baseUrl())))) {
            Path app = tmp.resolve("app");
            project(app, airlock, "\"pkg-a\":\"^1.0.0\",\"pkg-e\":\"^1.0.0\",\"pkg-i\":\"^1.0.0\",\"pkg-m\":\"^1.0.0\","
                    + "\"@acme/logger\":\"^1.0.0\",\"@acme/http\":\"^1.0.0\",\"@tools/cli\":\"^1.0.0\",\"left-pad\":\"^1.0.0\"");
            ClientProcess.Result install = npm(app, npmEnv(tmp.resolve("home1"), airlock), "install");
            assertEquals(0, install.exitCode(), install.both());
            assertInstalled(app);
            JsonNode lock = M.readTree(app.resolve("package-lock.json").toFile());
            lock.get("packages").fields().forEachRemaining(e -> {
                if (!e.getKey().isEmpty()) {
                    assertTrue(e.getValue().get("resolved").asText().startsWith(airlock.uri("/npm/").toString()),
                            "lockfile points at Airlock: " + e.getValue().get("resolved"));
                }
            });
            assertTrue(Files.isRegularFile(app.resolve("node_modules/.bin/acme-cli")), "bins are linked");

            // The other commands developers run against a registry work through Airlock too.
            Map<String, String> env = npmEnv(tmp.resolve("home1"), airlock);
            ClientProcess.Result ping = npm(app, env, "ping");
            assertEquals(0, ping.exitCode(), ping.both());
            ClientProcess.Result view = npm(app, env, "view", "@acme/http", "version");
            assertEquals("1.1.0", view.stdout().strip(), view.both());
            ClientProcess.Result tags = npm(app, env, "view", "pkg-b", "dist-tags.beta");
            assertEquals("2.0.0-beta.1", tags.stdout().strip(), tags.both());
            ClientProcess.Result search = npm(app, env, "search", "--json", "pkg-c");
            assertEquals(0, search.exitCode(), search.both());
            assertTrue(search.stdout().contains("\"pkg-c\""), search.both());
            ClientProcess.Result audit = npm(app, env, "audit", "--audit=true");
            assertEquals(0, audit.exitCode(), audit.both());
            assertTrue(registry.log().stream().anyMatch(r -> r.path().equals("/-/npm/v1/security/advisories/bulk")),
                    "npm audit reached the upstream through Airlock");

            registry.stop();

            Path ci = tmp.resolve("ci");
            project(ci, airlock, "");
            Files.copy(app.resolve("package.json"), ci.resolve("package.json"), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            Files.copy(app.resolve("package-lock.json"), ci.resolve("package-lock.json"));
            ClientProcess.Result ciRun = npm(ci, npmEnv(tmp.resolve("home2"), airlock), "ci");
            assertEquals(0, ciRun.exitCode(), ciRun.both());
            assertInstalled(ci);

            // Without a lockfile npm needs packuments: Airlock serves them stale since revalidation fails.
            Path fresh = tmp.resolve("fresh");
            project(fresh, airlock, "\"pkg-a\":\"^1.0.0\",\"@acme/http\":\"^1.0.0\"");
            ClientProcess.Result again = npm(fresh, npmEnv(tmp.resolve("home3"), airlock), "install");
            assertEquals(0, again.exitCode(), again.both());
            assertTrue(Files.isRegularFile(fresh.resolve("node_modules/@acme/util/package.json")));
            assertTrue(airlock.metrics().lines().anyMatch(l -> l.startsWith("airlock_cache_lookups_total")
                    && l.contains("kind=\"metadata\"") && l.contains("result=\"stale\"") && !l.endsWith(" 0.0")), airlock.metrics());

            for (String name : allPackages()) {
                assertEquals(1, registry.tarballRequests(name, "1.1.0"), "upstream requests for " + name + "@1.1.0");
                assertEquals(0, registry.tarballRequests(name, "1.0.0"), name + "@1.0.0 was never needed");
            }
        }
    }

    @Test
    void oldLockfileIsInflatedFromSynthesisedAbbreviatedDocuments() throws Exception {
        // npm reads abbreviated (corgi) packuments to inflate a v1 lockfile; Airlock makes them from full ones.
        try (FixtureNpmRegistry registry = graph().start();
             RunningAirlock airlock = RunningAirlock.start(tmp.resolve("data"), Duration.ofMinutes(5),
                     Map.of("npm", URI.create(registry.baseUrl())))) {
            Path app = tmp.resolve("app");
            project(app, airlock, "\"pkg-m\":\"^1.0.0\"");
            StringBuilder deps = new StringBuilder();
            for (String c : List.of("m", "n", "o", "p")) {
                String name = "pkg-" + c;
                String next = c.equals("p") ? null : "pkg-" + (char) (c.charAt(0) + 1);
                if (deps.length() > 0) {
                    deps.append(',');
                }
                deps.append('"').append(name).append("\":{\"version\":\"1.1.0\",\"resolved\":\"")
                        .append(airlock.uri("/npm/" + name + "/-/" + name + "-1.1.0.tgz")).append("\",\"integrity\":\"sha512-")
                        .append(java.util.Base64.getEncoder().encodeToString(sha512(registry.tarball(name, "1.1.0")))).append('"')
                        .append(next == null ? "" : ",\"requires\":{\"" + next + "\":\"^1.0.0\"}").append('}');
            }
            Files.writeString(app.resolve("package-lock.json"), "{\"name\":\"app\",\"version\":\"1.0.0\",\"lockfileVersion\":1,"
                    + "\"requires\":true,\"dependencies\":{" + deps + "}}");
            ClientProcess.Result r = npm(app, npmEnv(tmp.resolve("home"), airlock), "install");
            assertEquals(0, r.exitCode(), r.both());
            assertTrue(Files.isRegularFile(app.resolve("node_modules/pkg-p/package.json")));
            // npm asks for abbreviated documents; Airlock fetches the full one (the policy needs it) and writes the
            // abbreviated form itself, which is what this old lockfile was inflated from.
            assertTrue(registry.log().stream().anyMatch(q -> q.path().equals("/pkg-n")
                            && String.valueOf(q.header("accept")).equals("application/json")),
                    "Airlock fetched full documents upstream: " + registry.log());
            assertEquals(3, M.readTree(app.resolve("package-lock.json").toFile()).get("lockfileVersion").asInt(),
                    "npm rewrote the lockfile from the inflated data");
        }
    }

    private static void assertInstalled(Path dir) throws Exception {
        for (String name : allPackages()) {
            Path pj = dir.resolve("node_modules").resolve(name).resolve("package.json");
            assertTrue(Files.isRegularFile(pj), name + " installed in " + dir);
            assertEquals("1.1.0", M.readTree(pj.toFile()).get("version").asText(), name);
        }
    }

    @Test
    void tamperedTarballFailsTheInstallWithAirlocksMessageAndIsNotCached() throws Exception {
        // Bytes that do not match dist.integrity never reach npm and leave nothing in the cache.
        try (FixtureNpmRegistry registry = FixtureNpmRegistry.builder()
                .pkg("victim", p -> p.version("1.0.0", v -> v.file("index.js", "module.exports = 1;"))).start();
             RunningAirlock airlock = RunningAirlock.start(tmp.resolve("data"), Duration.ofMinutes(5),
                     Map.of("npm", URI.create(registry.baseUrl())))) {
            registry.corruptTarball("victim", "1.0.0");
            Path app = tmp.resolve("app");
            project(app, airlock, "\"victim\":\"1.0.0\"");
            ClientProcess.Result r = npm(app, npmEnv(tmp.resolve("home"), airlock), "install");
            assertNotEquals(0, r.exitCode());
            assertTrue(r.both().contains("integrity check failed for victim-1.0.0.tgz"), r.both());
            assertTrue(r.both().contains("nothing was cached"), r.both());
            assertTrue(Files.notExists(app.resolve("node_modules/victim")));
            try (Stream<Path> blobs = Files.walk(airlock.dataDir().resolve("blobs"))) {
                assertEquals(0, blobs.filter(Files::isRegularFile).count(), "no blob was committed");
            }

            registry.clearFaults();
            var ok = airlock.get("/npm/victim/-/victim-1.0.0.tgz");
            assertEquals(200, ok.statusCode());
            assertArrayEquals(sha512(registry.tarball("victim", "1.0.0")), sha512(ok.body()));
            ClientProcess.Result retry = npm(app, npmEnv(tmp.resolve("home"), airlock), "install");
            assertEquals(0, retry.exitCode(), retry.both());
        }
    }

    private static byte[] sha512(byte[] b) throws Exception {
        return MessageDigest.getInstance("SHA-512").digest(b);
    }
}
