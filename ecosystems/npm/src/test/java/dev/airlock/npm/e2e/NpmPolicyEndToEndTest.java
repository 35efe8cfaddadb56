package dev.airlock.npm.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.airlock.config.ConfigLoader;
import dev.airlock.config.AirlockConfig;
import dev.airlock.core.testing.ClientProcess;
import dev.airlock.core.testing.MutableClock;
import dev.airlock.core.testing.NettyLeaks;
import dev.airlock.core.testing.RunningAirlock;
import dev.airlock.npm.fixture.FixtureNpmRegistry;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The default policy through the real npm client: replays of real attack shapes as fixture
 * packages on a loopback registry, the quarantine commands, and a release coming of age.
 */
class NpmPolicyEndToEndTest {

    private static final ObjectMapper M = new ObjectMapper();
    private static final Instant NOW = Instant.parse("2026-11-20T12:00:00Z");

    @AfterAll
    static void noBufferLeaked() throws InterruptedException {
        NettyLeaks.assertNone();
    }

    @TempDir
    Path tmp;

    private RunningAirlock airlock(FixtureNpmRegistry registry, Clock clock) throws Exception {
        AirlockConfig c = RunningAirlock.config(tmp.resolve("data"), "npm", URI.create(registry.baseUrl()));
        return RunningAirlock.start(c, clock);
    }

    private Map<String, String> npmEnv(Path home, RunningAirlock airlock) throws Exception {
        return NpmClient.env(home, airlock, true);
    }

    private ClientProcess.Result install(String dirName, RunningAirlock airlock, String... specs) throws Exception {
        Path dir = tmp.resolve(dirName);
        Files.createDirectories(dir);
        Files.writeString(dir.resolve("package.json"), "{\"name\":\"app\",\"version\":\"1.0.0\",\"private\":true}");
        List<String> cmd = new ArrayList<>(List.of("npm", "install", "--no-save"));
        cmd.addAll(List.of(specs));
        return ClientProcess.run(dir, npmEnv(tmp.resolve("home-" + dirName), airlock), 300, cmd);
    }

    private String installedVersion(String dirName, String pkg) throws Exception {
        return M.readTree(tmp.resolve(dirName).resolve("node_modules").resolve(pkg).resolve("package.json").toFile()).get("version").asText();
    }

    /** Runs {@code airlock quarantine ...} in-process, as an operator would beside the server. */
    private String[] quarantine(String... args) {
        List<String> all = new ArrayList<>(List.of("quarantine"));
        all.addAll(List.of(args));
        return dev.airlock.cli.testing.Cli.run(all.toArray(String[]::new));
    }

    private JsonNode held() throws Exception {
        String[] r = quarantine("list", "--json", "--data", tmp.resolve("data").toString());
        assertEquals("0", r[0], r[2]);
        return M.readTree(r[1]);
    }

    private static void waitUntil(java.util.concurrent.Callable<Boolean> condition) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(15).toNanos();
        while (!condition.call()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("condition not met within 15 s");
            }
            Thread.sleep(200);
        }
    }

    @Test
    void noticesAndTheQueueShowWhatClientsNeedNotOldHeldVersions() throws Exception {
        // An old held version nobody's resolution would pick is not news: npm is told about 2.1.0, not about 1.1.0, and the
        // queue's default view shows 2.1.0, passed over by the install that took 2.0.0; --all reaches 1.1.0 too.
        try (FixtureNpmRegistry registry = FixtureNpmRegistry.builder()
                .pkg("noisy", p -> p.version("1.0.0", v -> { })
                        .version("1.1.0", v -> v.script("preinstall", "node steal.js"))
                        .version("2.0.0", v -> { })
                        .version("2.1.0", v -> v.script("postinstall", "node steal.js"))
                        .distTag("latest", "2.1.0"))
                .start();
             RunningAirlock airlock = airlock(registry, Clock.systemUTC())) {
            ClientProcess.Result r = install("a", airlock, "noisy");
            assertEquals(0, r.exitCode(), r.both());
            assertEquals("2.0.0", installedVersion("a", "noisy"));
            assertTrue(r.both().contains("noisy@2.1.0 is quarantined"), r.both());
            assertFalse(r.both().contains("noisy@1.1.0"), r.both());

            waitUntil(() -> held().size() == 1 && held().get(0).at("/demand/passedOver").asInt() >= 1);
            JsonNode needed = held().get(0);
            assertEquals("2.1.0", needed.get("version").asText(), needed.toString());
            assertTrue(needed.at("/demand/newest").asBoolean(), needed.toString());
            String[] all = quarantine("list", "--all", "--json", "--data", tmp.resolve("data").toString());
            assertEquals(2, M.readTree(all[1]).size(), "both are held: " + all[1]);
            String[] table = quarantine("list", "--data", tmp.resolve("data").toString());
            assertTrue(table[1].contains("noisy@2.1.0") && table[1].contains("passed") && !table[1].contains("noisy@1.1.0"), table[1]);
        }
    }

    @Test
    void aVersionAddingPreinstallIsHeldUntilReleased() throws Exception {
        // ua-parser-js (2021) shape: a new version adds a preinstall script. npm gets the previous version; asking
        // for the new one fails with a message naming the hook; after `quarantine release` it installs.
        try (FixtureNpmRegistry registry = FixtureNpmRegistry.builder()
                .pkg("ua-parse", p -> p.version("0.7.28", v -> v.npmUser("faisal", "f@example.test"))
                        .version("0.7.29", v -> v.npmUser("faisal", "f@example.test").script("preinstall", "start /B node preinstall.js & node preinstall.js"))
                        .distTag("latest", "0.7.29"))
                .start();
             RunningAirlock airlock = airlock(registry, Clock.systemUTC())) {
            ClientProcess.Result latest = install("a", airlock, "ua-parse");
            assertEquals(0, latest.exitCode(), latest.both());
            assertEquals("0.7.28", installedVersion("a", "ua-parse"), "dist-tags point at the newest visible version");

            java.net.http.HttpResponse<byte[]> doc = airlock.get("/npm/ua-parse", "Accept", "application/vnd.npm.install-v1+json");
            assertTrue(doc.headers().firstValue("npm-notice").orElse("").contains("adds a preinstall script"), doc.headers().map().toString());
            ClientProcess.Result pinned = install("b", airlock, "ua-parse@0.7.29");
            assertNotEquals(0, pinned.exitCode());
            assertTrue(pinned.both().contains("npm notice") && pinned.both().contains("adds a preinstall script"), pinned.both());

            JsonNode queue = held();
            assertEquals(1, queue.size(), queue.toString());
            assertEquals("ua-parse", queue.get(0).get("package").asText());
            assertEquals("0.7.29", queue.get(0).get("version").asText());
            String id = queue.get(0).get("id").asText();
            String[] show = quarantine("show", id, "--data", tmp.resolve("data").toString());
            assertTrue(show[1].contains("node preinstall.js") && show[1].contains("\"previousVersion\" : \"0.7.28\""), show[1]);

            String[] released = quarantine("release", id, "--reason", "reviewed: the script is benign", "--data", tmp.resolve("data").toString());
            assertEquals("0", released[0], released[2]);
            waitUntil(() -> airlock.get("/npm/ua-parse").body().length > 0
                    && M.readTree(airlock.get("/npm/ua-parse").body()).get("versions").has("0.7.29"));
            ClientProcess.Result after = install("c", airlock, "ua-parse@0.7.29");
            assertEquals(0, after.exitCode(), after.both());
            assertEquals("0.7.29", installedVersion("c", "ua-parse"));
            assertTrue(quarantine("show", id, "--data", tmp.resolve("data").toString())[1].contains("reviewed: the script is benign"));
        }
    }

    @Test
    void aNewPublisherWithAPostinstallIsHeldAndRejectStaysOut() throws Exception {
        // Shai-Hulud shape: a version published by another account adds postinstall. Both reasons are given; reject keeps it out.
        try (FixtureNpmRegistry registry = FixtureNpmRegistry.builder()
                .pkg("tinycolor-x", p -> p.version("4.1.0", v -> v.npmUser("bgrins", "b@example.test"))
                        .version("4.1.1", v -> v.npmUser("npm-ci-bot", "bot@example.test").script("postinstall", "node bundle.js"))
                        .distTag("latest", "4.1.1"))
                .start();
             RunningAirlock airlock = airlock(registry, Clock.systemUTC())) {
            ClientProcess.Result r = install("a", airlock, "tinycolor-x@4.1.1");
            assertNotEquals(0, r.exitCode());
            HttpBody body = HttpBody.of(airlock.get("/npm/tinycolor-x/-/tinycolor-x-4.1.1.tgz"));
            assertEquals(403, body.status());
            assertEquals("QUARANTINED", body.json().get("verdict").asText());
            String reasons = body.json().get("reasons").toString();
            assertTrue(reasons.contains("postinstall") && reasons.contains("npm-ci-bot") && reasons.contains("bgrins"), reasons);
            String id = body.json().get("releaseId").asText();

            assertEquals("0", quarantine("reject", id, "--reason", "worm", "--data", tmp.resolve("data").toString())[0]);
            waitUntil(() -> HttpBody.of(airlock.get("/npm/tinycolor-x/-/tinycolor-x-4.1.1.tgz")).json().get("verdict").asText().equals("DENIED"));
            assertTrue(HttpBody.of(airlock.get("/npm/tinycolor-x/-/tinycolor-x-4.1.1.tgz")).json().get("reasons").toString().contains("worm"));
            ClientProcess.Result previous = install("b", airlock, "tinycolor-x");
            assertEquals(0, previous.exitCode(), previous.both());
            assertEquals("4.1.0", installedVersion("b", "tinycolor-x"));
        }
    }

    @Test
    void aYoungReleaseIsServedOnceItComesOfAgeWithoutARestart() throws Exception {
        MutableClock clock = new MutableClock(NOW);
        try (FixtureNpmRegistry registry = FixtureNpmRegistry.builder()
                .pkg("fresh-lib", p -> p.version("1.0.0").version("1.1.0", v -> v.publishedAt(NOW.minus(Duration.ofHours(1))))
                        .distTag("latest", "1.1.0"))
                .start();
             RunningAirlock airlock = airlock(registry, clock)) {
            ClientProcess.Result young = install("a", airlock, "fresh-lib");
            assertEquals(0, young.exitCode(), young.both());
            assertEquals("1.0.0", installedVersion("a", "fresh-lib"));
            ClientProcess.Result pinned = install("b", airlock, "fresh-lib@1.1.0");
            assertNotEquals(0, pinned.exitCode());
            assertTrue(pinned.both().contains("npm notice") && pinned.both().contains("minimumReleaseAge"), pinned.both());

            clock.advance(Duration.ofHours(72));
            ClientProcess.Result ofAge = install("c", airlock, "fresh-lib");
            assertEquals(0, ofAge.exitCode(), ofAge.both());
            assertEquals("1.1.0", installedVersion("c", "fresh-lib"));
        }
    }

    @Test
    void whatTheTarballReallyContainsIsReadBeforeTheVersionIsListed() throws Exception {
        // Manifest confusion: the registry's manifest shows no scripts, the tarball's package.json (which npm uses)
        // runs a postinstall. A symlink in another package's tarball. Airlock reads the newest tarballs before
        // listing them, so npm gets the previous versions and the files answer 403 with what was found.
        try (FixtureNpmRegistry registry = FixtureNpmRegistry.builder()
                .pkg("conf-pkg", p -> p.version("1.0.0").version("1.1.0", v -> v.file("package.json",
                        "{\"name\":\"conf-pkg\",\"version\":\"1.1.0\",\"scripts\":{\"postinstall\":\"node steal.js\"}}"))
                        .distTag("latest", "1.1.0"))
                .pkg("linky", p -> p.version("1.0.0").version("1.1.0", v -> v.tarball(List.of(
                        dev.airlock.npm.fixture.TarGz.Entry.file("package/package.json",
                                "{\"name\":\"linky\",\"version\":\"1.1.0\"}".getBytes(java.nio.charset.StandardCharsets.UTF_8)),
                        dev.airlock.npm.fixture.TarGz.Entry.symlink("package/id_rsa", "/root/.ssh/id_rsa"))))
                        .distTag("latest", "1.1.0"))
                .start();
             RunningAirlock airlock = airlock(registry, Clock.systemUTC())) {
            ClientProcess.Result r = install("a", airlock, "conf-pkg", "linky");
            assertEquals(0, r.exitCode(), r.both());
            assertEquals("1.0.0", installedVersion("a", "conf-pkg"));
            assertEquals("1.0.0", installedVersion("a", "linky"));

            HttpBody confused = HttpBody.of(airlock.get("/npm/conf-pkg/-/conf-pkg-1.1.0.tgz"));
            assertEquals(403, confused.status());
            String reasons = confused.json().get("reasons").toString();
            assertTrue(reasons.contains("manifest differs") && reasons.contains("scripts.postinstall")
                    && reasons.contains("tarball: node steal.js"), reasons);
            HttpBody linked = HttpBody.of(airlock.get("/npm/linky/-/linky-1.1.0.tgz"));
            assertEquals(403, linked.status());
            assertTrue(linked.json().get("reasons").toString().contains("symbolic link: package/id_rsa"), linked.json().toString());
        }
    }

    @Test
    void aVersionAddingAFreshDependencyWithAnInstallHookIsHeld() throws Exception {
        // axios (2026) shape: a four-day-old version of a trusted package adds a dependency published an hour ago
        // that runs postinstall. The dependency is held by its own age and hook; the version adding it is held too.
        MutableClock clock = new MutableClock(NOW);
        try (FixtureNpmRegistry registry = FixtureNpmRegistry.builder()
                .pkg("plain-crypto", p -> p.version("4.2.1", v -> v.publishedAt(NOW.minus(Duration.ofHours(1)))
                        .script("postinstall", "node setup.js")))
                .pkg("axios-x", p -> p.version("1.7.0", v -> v.publishedAt(NOW.minus(Duration.ofDays(30))).dependency("form-data", "^4.0.0"))
                        .version("1.7.1", v -> v.publishedAt(NOW.minus(Duration.ofDays(4))).dependency("form-data", "^4.0.0")
                                .dependency("plain-crypto", "^4.2.0"))
                        .distTag("latest", "1.7.1"))
                .pkg("form-data", p -> p.version("4.0.0"))
                .start();
             RunningAirlock airlock = airlock(registry, clock)) {
            ClientProcess.Result r = install("a", airlock, "axios-x");
            assertEquals(0, r.exitCode(), r.both());
            assertEquals("1.7.0", installedVersion("a", "axios-x"));
            HttpBody held = HttpBody.of(airlock.get("/npm/axios-x/-/axios-x-1.7.1.tgz"));
            assertEquals(403, held.status());
            String reasons = held.json().get("reasons").toString();
            assertTrue(reasons.contains("adds a dependency on plain-crypto") && reasons.contains("postinstall"), reasons);
        }
    }

    @Test
    void anInternalNameServedByThePublicUpstreamIsHeld() throws Exception {
        // Dependency confusion: "@acme/*" is internal; the public upstream offering @acme/util is not believed.
        try (FixtureNpmRegistry registry = FixtureNpmRegistry.builder().pkg("@acme/util", p -> p.version("99.0.0")).start()) {
            AirlockConfig c = ConfigLoader.parse("server: { port: 0 }\npolicy: { internalNamespaces: ['@acme/*'] }\n"
                    + "upstreams: { npm: { url: '" + registry.baseUrl() + "' } }\n", "internal.yaml").withStoragePath(tmp.resolve("data"));
            try (RunningAirlock airlock = RunningAirlock.start(c)) {
                ClientProcess.Result r = install("a", airlock, "@acme/util@99.0.0");
                assertNotEquals(0, r.exitCode());
                assertTrue(r.both().contains("internal name") && r.both().contains("dependency confusion"), r.both());
            }
        }
    }

    @Test
    void knownMaliciousReleasesAndTyposquatsAreKeptOut() throws Exception {
        // An offline OSV MAL- record denies a package; a name one edit from "express" is held as a typosquat.
        Path osv = Files.writeString(tmp.resolve("MAL-2025-9999.json"), "{\"id\":\"MAL-2025-9999\",\"summary\":\"Malicious code in "
                + "evil-pkg (npm)\",\"affected\":[{\"package\":{\"ecosystem\":\"npm\",\"name\":\"evil-pkg\"},\"versions\":[\"1.0.0\"]}]}");
        try (FixtureNpmRegistry registry = FixtureNpmRegistry.builder().pkg("evil-pkg", p -> p.version("1.0.0"))
                // Published days ago: typosquats are new names (one used for years is only noted).
                .pkg("expres", p -> p.version("4.18.2", v -> v.publishedAt(Instant.now().minus(Duration.ofDays(5))))).start()) {
            AirlockConfig c = ConfigLoader.parse("server: { port: 0 }\npolicy: { knownMalicious: ['" + osv + "'] }\n"
                    + "upstreams: { npm: { url: '" + registry.baseUrl() + "' } }\n", "mal.yaml").withStoragePath(tmp.resolve("data"));
            try (RunningAirlock airlock = RunningAirlock.start(c)) {
                ClientProcess.Result evil = install("a", airlock, "evil-pkg@1.0.0");
                assertNotEquals(0, evil.exitCode());
                assertTrue(evil.both().contains("MAL-2025-9999") && evil.both().contains("denied by Airlock"), evil.both());
                // A person cannot release what the policy denies: the deny list or the OSV file has to change.
                String id = HttpBody.of(airlock.get("/npm/evil-pkg/-/evil-pkg-1.0.0.tgz")).json().get("releaseId").asText();
                String[] release = quarantine("release", id, "--reason", "looks fine", "--data", tmp.resolve("data").toString());
                assertEquals("1", release[0]);
                assertTrue(release[2].contains("denied by the policy"), release[2]);
                ClientProcess.Result squat = install("b", airlock, "expres@4.18.2");
                assertNotEquals(0, squat.exitCode());
                assertTrue(squat.both().contains("one edit away from the popular package express"), squat.both());
            }
        }
    }

    @Test
    void aRejectOutlivesTheAgeHoldItWasMadeUnder() throws Exception {
        // Rejected while held for its age: coming of age does not bring it back.
        MutableClock clock = new MutableClock(NOW);
        try (FixtureNpmRegistry registry = FixtureNpmRegistry.builder()
                .pkg("stealer", p -> p.version("1.0.0").version("1.0.1", v -> v.publishedAt(NOW.minus(Duration.ofHours(2)))))
                .start();
             RunningAirlock airlock = airlock(registry, clock)) {
            HttpBody young = HttpBody.of(airlock.get("/npm/stealer/-/stealer-1.0.1.tgz"));
            assertEquals(403, young.status());
            String id = young.json().get("releaseId").asText();
            assertEquals("0", quarantine("reject", id, "--reason", "credential stealer", "--data", tmp.resolve("data").toString())[0]);
            waitUntil(() -> HttpBody.of(airlock.get("/npm/stealer/-/stealer-1.0.1.tgz")).json().get("verdict").asText().equals("DENIED"));
            clock.advance(Duration.ofDays(10));
            HttpBody later = HttpBody.of(airlock.get("/npm/stealer/-/stealer-1.0.1.tgz"));
            assertEquals(403, later.status(), later.json().toString());
            assertTrue(later.json().get("reasons").toString().contains("credential stealer"));
            assertTrue(!M.readTree(airlock.get("/npm/stealer").body()).get("versions").has("1.0.1"), "still hidden");
        }
    }

    @Test
    void aPackageDependingOnItselfIsDecidedWithoutWaitingOnItself() throws Exception {
        // A young release adding a dependency on its own package must not make Airlock wait for its own fetch.
        MutableClock clock = new MutableClock(NOW);
        try (FixtureNpmRegistry registry = FixtureNpmRegistry.builder()
                .pkg("selfish", p -> p.version("1.0.0").version("1.0.1", v -> v.publishedAt(NOW.minus(Duration.ofDays(4)))
                        .dependency("selfish", "^1.0.0")))
                .start();
             RunningAirlock airlock = airlock(registry, clock)) {
            java.util.concurrent.CompletableFuture<Integer> status = java.util.concurrent.CompletableFuture.supplyAsync(() -> {
                try {
                    return airlock.get("/npm/selfish/-/selfish-1.0.1.tgz").statusCode();
                } catch (Exception e) {
                    throw new RuntimeException(e);
                }
            });
            assertEquals(200, status.get(30, java.util.concurrent.TimeUnit.SECONDS));
        }
    }

    private static java.security.KeyPair p256() throws Exception {
        java.security.KeyPairGenerator g = java.security.KeyPairGenerator.getInstance("EC");
        g.initialize(new java.security.spec.ECGenParameterSpec("secp256r1"));
        return g.generateKeyPair();
    }

    /** The registry's keys document ({@code /-/npm/v1/keys}) publishing this one key. */
    private static String keysDocument(String keyid, java.security.KeyPair key) {
        return "{\"keys\":[{\"expires\":null,\"keyid\":\"" + keyid + "\",\"keytype\":\"ecdsa-sha2-nistp256\","
                + "\"scheme\":\"ecdsa-sha2-nistp256\",\"key\":\"" + java.util.Base64.getEncoder().encodeToString(key.getPublic().getEncoded()) + "\"}]}";
    }

    /** A tarball made of these entries, and the registry signature over name@version:integrity with this key. */
    private static String sign(java.security.PrivateKey key, String name, String version, byte[] tgz) throws Exception {
        String integrity = "sha512-" + java.util.Base64.getEncoder().encodeToString(java.security.MessageDigest.getInstance("SHA-512").digest(tgz));
        java.security.Signature s = java.security.Signature.getInstance("SHA256withECDSA");
        s.initSign(key);
        s.update((name + "@" + version + ":" + integrity).getBytes(java.nio.charset.StandardCharsets.UTF_8));
        return java.util.Base64.getEncoder().encodeToString(s.sign());
    }

    private static List<dev.airlock.npm.fixture.TarGz.Entry> entries(String name, String version) {
        return List.of(dev.airlock.npm.fixture.TarGz.Entry.file("package/package.json",
                ("{\"name\":\"" + name + "\",\"version\":\"" + version + "\"}").getBytes(java.nio.charset.StandardCharsets.UTF_8)));
    }

    @Test
    void registrySignaturesAreVerifiedAgainstTheRegistrysKeys() throws Exception {
        // The upstream publishes its signing key at /-/npm/v1/keys. A version whose signature does not verify is
        // denied, one without a signature is held; npm gets the last properly signed version.
        java.security.KeyPair registryKey = p256();
        java.security.KeyPair otherKey = p256();
        String keyid = "SHA256:fixture-registry-key";
        byte[] a100 = dev.airlock.npm.fixture.TarGz.tgz(entries("signed-pkg", "1.0.0"));
        byte[] a110 = dev.airlock.npm.fixture.TarGz.tgz(entries("signed-pkg", "1.1.0"));
        byte[] b100 = dev.airlock.npm.fixture.TarGz.tgz(entries("unsigned-pkg", "1.0.0"));
        try (FixtureNpmRegistry registry = FixtureNpmRegistry.builder()
                .pkg("signed-pkg", p -> p.version("1.0.0", v -> v.tarball(entries("signed-pkg", "1.0.0")).signature(keyid, sign0(registryKey, "signed-pkg", "1.0.0", a100)))
                        .version("1.1.0", v -> v.tarball(entries("signed-pkg", "1.1.0")).signature(keyid, sign0(otherKey, "signed-pkg", "1.1.0", a110)))
                        .distTag("latest", "1.1.0"))
                .pkg("unsigned-pkg", p -> p.version("1.0.0", v -> v.tarball(entries("unsigned-pkg", "1.0.0")).signature(keyid, sign0(registryKey, "unsigned-pkg", "1.0.0", b100)))
                        .version("1.1.0", v -> v.tarball(entries("unsigned-pkg", "1.1.0")))
                        .distTag("latest", "1.1.0"))
                .start();
             RunningAirlock airlock = airlock(registry, Clock.systemUTC())) {
            registry.keys(keysDocument(keyid, registryKey));
            ClientProcess.Result r = install("a", airlock, "signed-pkg", "unsigned-pkg");
            assertEquals(0, r.exitCode(), r.both());
            assertEquals("1.0.0", installedVersion("a", "signed-pkg"));
            assertEquals("1.0.0", installedVersion("a", "unsigned-pkg"));

            HttpBody forged = HttpBody.of(airlock.get("/npm/signed-pkg/-/signed-pkg-1.1.0.tgz"));
            assertEquals(403, forged.status());
            assertEquals("DENIED", forged.json().get("verdict").asText());
            assertTrue(forged.json().get("reasons").toString().contains("does not verify"), forged.json().toString());
            HttpBody unsigned = HttpBody.of(airlock.get("/npm/unsigned-pkg/-/unsigned-pkg-1.1.0.tgz"));
            assertEquals(403, unsigned.status());
            assertEquals("QUARANTINED", unsigned.json().get("verdict").asText());
            assertTrue(unsigned.json().get("reasons").toString().contains("no registry signature"), unsigned.json().toString());
            ClientProcess.Result pinned = install("b", airlock, "signed-pkg@1.1.0");
            assertNotEquals(0, pinned.exitCode());
            assertTrue(pinned.both().contains("does not verify"), pinned.both());
        }
    }

    private static String sign0(java.security.KeyPair key, String name, String version, byte[] tgz) {
        try {
            return sign(key.getPrivate(), name, version, tgz);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void otherBytesForCoordinatesAirlockAlreadyHoldsAreDenied() throws Exception {
        // First-seen content pinning: the registry later lists other bytes for left-pad@1.0.0 (a republish or a tampered
        // mirror). Airlock denies the release, logs and counts it, and never serves the new bytes.
        try (FixtureNpmRegistry first = FixtureNpmRegistry.builder().pkg("repub", p -> p.version("1.0.0", v -> v.file("index.js", "1"))).start();
             FixtureNpmRegistry second = FixtureNpmRegistry.builder().pkg("repub", p -> p.version("1.0.0", v -> v.file("index.js", "2"))).start()) {
            byte[] original;
            MutableClock clock = new MutableClock(NOW);
            try (RunningAirlock airlock = airlock(first, clock)) {
                java.net.http.HttpResponse<byte[]> r = airlock.get("/npm/repub/-/repub-1.0.0.tgz");
                assertEquals(200, r.statusCode());
                original = r.body();
            }
            clock.advance(Duration.ofMinutes(10)); // past cache.metadataTtl: the packument is fetched again
            try (RunningAirlock airlock = airlock(second, clock)) {
                HttpBody denied = HttpBody.of(airlock.get("/npm/repub/-/repub-1.0.0.tgz"));
                assertEquals(403, denied.status(), denied.json().toString());
                assertEquals("DENIED", denied.json().get("verdict").asText());
                assertTrue(denied.json().get("reasons").toString().contains("other bytes for repub-1.0.0.tgz"), denied.json().toString());
                assertTrue(airlock.metrics().contains("event=\"content_pin_broken\""), "counted for alerting");
                assertTrue(original.length > 0);
            }
        }
    }

    @Test
    void aVersionPublishedWithoutTheProvenanceItsPredecessorHadIsHeld() throws Exception {
        // Provenance regression: 2.0.0 was built by CI with SLSA provenance; 2.0.1 arrives without any (a token used
        // from a laptop). npm gets 2.0.0; 2.0.1 is held with the reason.
        try (FixtureNpmRegistry registry = FixtureNpmRegistry.builder()
                .pkg("prov-pkg", p -> p.version("2.0.0", v -> v.provenance("https://slsa.dev/provenance/v1")).version("2.0.1")
                        .distTag("latest", "2.0.1"))
                .start();
             RunningAirlock airlock = airlock(registry, Clock.systemUTC())) {
            ClientProcess.Result r = install("a", airlock, "prov-pkg");
            assertEquals(0, r.exitCode(), r.both());
            assertEquals("2.0.0", installedVersion("a", "prov-pkg"));
            HttpBody held = HttpBody.of(airlock.get("/npm/prov-pkg/-/prov-pkg-2.0.1.tgz"));
            assertEquals(403, held.status());
            assertTrue(held.json().get("reasons").toString().contains("without the provenance 2.0.0 had (https://slsa.dev/provenance/v1)"),
                    held.json().toString());
        }
    }

    /** A publish attestation for name@version naming this tarball, signed (DSSE) with this key under this key id. */
    private static String publishAttestation(java.security.PrivateKey key, String keyid, String name, String version, byte[] tgz) throws Exception {
        String sha512 = java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-512").digest(tgz));
        String statement = "{\"_type\":\"https://in-toto.io/Statement/v0.1\",\"subject\":[{\"name\":\"pkg:npm/" + name + "@" + version
                + "\",\"digest\":{\"sha512\":\"" + sha512 + "\"}}],\"predicateType\":\"https://github.com/npm/attestation/tree/main/specs/publish/v0.1\","
                + "\"predicate\":{\"name\":\"" + name + "\",\"version\":\"" + version + "\"}}";
        byte[] payload = statement.getBytes(java.nio.charset.StandardCharsets.UTF_8);
        String type = "application/vnd.in-toto+json";
        java.io.ByteArrayOutputStream pae = new java.io.ByteArrayOutputStream();
        pae.writeBytes(("DSSEv1 " + type.length() + " " + type + " " + payload.length + " ").getBytes(java.nio.charset.StandardCharsets.UTF_8));
        pae.writeBytes(payload);
        java.security.Signature s = java.security.Signature.getInstance("SHA256withECDSA");
        s.initSign(key);
        s.update(pae.toByteArray());
        return "{\"attestations\":[{\"predicateType\":\"https://github.com/npm/attestation/tree/main/specs/publish/v0.1\",\"bundle\":{"
                + "\"mediaType\":\"application/vnd.dev.sigstore.bundle+json;version=0.2\",\"verificationMaterial\":{\"publicKey\":{\"hint\":\""
                + keyid + "\"}},\"dsseEnvelope\":{\"payload\":\"" + java.util.Base64.getEncoder().encodeToString(payload) + "\",\"payloadType\":\""
                + type + "\",\"signatures\":[{\"sig\":\"" + java.util.Base64.getEncoder().encodeToString(s.sign()) + "\",\"keyid\":\"\"}]}}}]}";
    }

    @Test
    void aPublishAttestationThatDoesNotVerifyHoldsTheRelease() throws Exception {
        // A recent version lists attestations: Airlock fetches them and verifies the registry's publish attestation
        // offline with the registry key it pinned. A forged one holds the version; a genuine one lets it through.
        java.security.KeyPair registryKey = p256();
        java.security.KeyPair forger = p256();
        String keyid = "SHA256:fixture-registry-key";
        Instant recent = Instant.now().minus(Duration.ofDays(5));
        byte[] good = dev.airlock.npm.fixture.TarGz.tgz(entries("att-good", "1.1.0"));
        byte[] bad = dev.airlock.npm.fixture.TarGz.tgz(entries("att-bad", "1.1.0"));
        try (FixtureNpmRegistry registry = FixtureNpmRegistry.builder()
                .pkg("att-good", p -> p.version("1.1.0", v -> v.publishedAt(recent).tarball(entries("att-good", "1.1.0"))
                        .signature(keyid, sign0(registryKey, "att-good", "1.1.0", good)).provenance("https://slsa.dev/provenance/v1")))
                .pkg("att-bad", p -> p.version("1.1.0", v -> v.publishedAt(recent).tarball(entries("att-bad", "1.1.0"))
                        .signature(keyid, sign0(registryKey, "att-bad", "1.1.0", bad)).provenance("https://slsa.dev/provenance/v1")))
                .start();
             RunningAirlock airlock = airlock(registry, Clock.systemUTC())) {
            registry.keys(keysDocument(keyid, registryKey));
            registry.attestations("att-good", "1.1.0", publishAttestation(registryKey.getPrivate(), keyid, "att-good", "1.1.0", good));
            registry.attestations("att-bad", "1.1.0", publishAttestation(forger.getPrivate(), keyid, "att-bad", "1.1.0", bad));

            ClientProcess.Result ok = install("a", airlock, "att-good@1.1.0");
            assertEquals(0, ok.exitCode(), ok.both());
            HttpBody held = HttpBody.of(airlock.get("/npm/att-bad/-/att-bad-1.1.0.tgz"));
            assertEquals(403, held.status(), held.json().toString());
            assertTrue(held.json().get("reasons").toString().contains("publish attestation's signature by " + keyid + " does not verify"),
                    held.json().toString());
        }
    }

    @Test
    void anOldVersionWhoseAttestationsNameOtherBytesIsRefusedWithTheReason() throws Exception {
        // Attestations are verified for every release served, whatever its age, beside the download: a version published two
        // years ago whose publish attestation (genuinely signed by the registry key) names other bytes is denied before a
        // byte reaches npm; an equally old one whose attestation names its tarball installs.
        java.security.KeyPair registryKey = p256();
        String keyid = "SHA256:fixture-registry-key";
        Instant old = Instant.now().minus(Duration.ofDays(730));
        byte[] good = dev.airlock.npm.fixture.TarGz.tgz(entries("old-good", "1.0.0"));
        byte[] bad = dev.airlock.npm.fixture.TarGz.tgz(entries("old-bad", "1.0.0"));
        try (FixtureNpmRegistry registry = FixtureNpmRegistry.builder()
                .pkg("old-good", p -> p.version("1.0.0", v -> v.publishedAt(old).tarball(entries("old-good", "1.0.0"))
                        .signature(keyid, sign0(registryKey, "old-good", "1.0.0", good)).provenance("https://slsa.dev/provenance/v1")))
                .pkg("old-bad", p -> p.version("1.0.0", v -> v.publishedAt(old).tarball(entries("old-bad", "1.0.0"))
                        .signature(keyid, sign0(registryKey, "old-bad", "1.0.0", bad)).provenance("https://slsa.dev/provenance/v1")))
                .start();
             RunningAirlock airlock = airlock(registry, Clock.systemUTC())) {
            registry.keys(keysDocument(keyid, registryKey));
            registry.attestations("old-good", "1.0.0", publishAttestation(registryKey.getPrivate(), keyid, "old-good", "1.0.0", good));
            registry.attestations("old-bad", "1.0.0", publishAttestation(registryKey.getPrivate(), keyid, "old-bad", "1.0.0",
                    "a tarball the registry never served".getBytes(java.nio.charset.StandardCharsets.UTF_8)));

            ClientProcess.Result ok = install("a", airlock, "old-good@1.0.0");
            assertEquals(0, ok.exitCode(), ok.both());
            ClientProcess.Result refused = install("b", airlock, "old-bad@1.0.0");
            assertNotEquals(0, refused.exitCode(), refused.both());
            // Its tarball was read (and its attestations verified beside it) before the version was listed: npm is told why.
            assertTrue(refused.both().contains("old-bad@1.0.0 is denied by Airlock: its attestations refute it: the publish "
                    + "attestation names other bytes than the tarball"), refused.both());

            HttpBody denied = HttpBody.of(airlock.get("/npm/old-bad/-/old-bad-1.0.0.tgz"));
            assertEquals(403, denied.status(), denied.json().toString());
            assertEquals("DENIED", denied.json().path("verdict").asText(), denied.json().toString());
            assertTrue(denied.json().get("reasons").toString().contains("its attestations refute it: the publish attestation names "
                    + "other bytes than the tarball"), denied.json().toString());
            assertEquals(1, registry.requests("/-/npm/v1/attestations/old-bad@1.0.0"), "verified once; the outcome is kept");
        }
    }

    /** The attestations document npm serves: the registry's publish attestation plus SLSA provenance built by {@code built}. */
    private static String attestationsWithProvenance(java.security.KeyPair registryKey, String keyid, String name, String version, byte[] tgz,
                                                     dev.airlock.core.trust.testing.FakeSigstore sigstore,
                                                     dev.airlock.core.trust.testing.FakeSigstore.Identity built, byte[] subjectBytes,
                                                     Instant signedAt) throws Exception {
        com.fasterxml.jackson.databind.node.ObjectNode doc = (com.fasterxml.jackson.databind.node.ObjectNode) M.readTree(
                publishAttestation(registryKey.getPrivate(), keyid, name, version, tgz));
        String sha512 = java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-512").digest(subjectBytes));
        byte[] statement = dev.airlock.core.trust.testing.FakeSigstore.inTotoStatement("pkg:npm/" + name + "@" + version,
                Map.of("sha512", sha512), dev.airlock.core.trust.testing.FakeSigstore.SLSA_PROVENANCE_V1,
                dev.airlock.core.trust.testing.FakeSigstore.slsaProvenanceV1(built));
        var leaf = sigstore.issue(built, signedAt);
        com.fasterxml.jackson.databind.node.ObjectNode slsa = ((com.fasterxml.jackson.databind.node.ArrayNode) doc.path("attestations")).addObject();
        slsa.put("predicateType", "https://slsa.dev/provenance/v1");
        slsa.set("bundle", sigstore.dsseBundleV03(leaf, "application/vnd.in-toto+json", statement, signedAt.getEpochSecond() + 20));
        return doc.toString();
    }

    @Test
    void provenanceFromAnotherRepositoryOrWorkflowThanPinnedIsHeld() throws Exception {
        // SLSA provenance verified offline against the tests' own Sigstore (fake Fulcio, CT log and Rekor): the
        // first release was built by acme/prov's release workflow, the next by a fork; a pinned package built at a
        // branch instead of a tag; a provenance vouching for other bytes. Real npm installs what verifies.
        var sigstore = dev.airlock.core.trust.testing.FakeSigstore.create("npm-e2e");
        Path root = tmp.resolve("trusted_root.json");
        Files.writeString(root, sigstore.trustedRootJson());
        java.security.KeyPair registryKey = p256();
        String keyid = "SHA256:fixture-registry-key";
        Instant older = Instant.now().minus(Duration.ofDays(10));
        Instant recent = Instant.now().minus(Duration.ofDays(3));
        var acme = dev.airlock.core.trust.testing.FakeSigstore.Identity.github("acme/prov", ".github/workflows/release.yml", "refs/tags/v1.0.0");
        var fork = dev.airlock.core.trust.testing.FakeSigstore.Identity.github("evil/prov", ".github/workflows/release.yml", "refs/tags/v1.1.0");
        var branch = dev.airlock.core.trust.testing.FakeSigstore.Identity.github("acme/pinned", ".github/workflows/release.yml", "refs/heads/main");
        var tagged = dev.airlock.core.trust.testing.FakeSigstore.Identity.github("acme/pinned", ".github/workflows/release.yml", "refs/tags/v1.0.0");
        byte[] prov10 = dev.airlock.npm.fixture.TarGz.tgz(entries("prov", "1.0.0"));
        byte[] prov11 = dev.airlock.npm.fixture.TarGz.tgz(entries("prov", "1.1.0"));
        byte[] pinned10 = dev.airlock.npm.fixture.TarGz.tgz(entries("pinned-tool", "1.0.0"));
        byte[] pinned11 = dev.airlock.npm.fixture.TarGz.tgz(entries("pinned-tool", "1.1.0"));
        byte[] other = dev.airlock.npm.fixture.TarGz.tgz(entries("vouched", "1.0.0"));
        try (FixtureNpmRegistry registry = FixtureNpmRegistry.builder()
                .pkg("prov", p -> p
                        .version("1.0.0", v -> v.publishedAt(older).tarball(entries("prov", "1.0.0"))
                                .signature(keyid, sign0(registryKey, "prov", "1.0.0", prov10)).provenance("https://slsa.dev/provenance/v1"))
                        .version("1.1.0", v -> v.publishedAt(recent).tarball(entries("prov", "1.1.0"))
                                .signature(keyid, sign0(registryKey, "prov", "1.1.0", prov11)).provenance("https://slsa.dev/provenance/v1")))
                .pkg("pinned-tool", p -> p
                        .version("1.0.0", v -> v.publishedAt(older).tarball(entries("pinned-tool", "1.0.0"))
                                .signature(keyid, sign0(registryKey, "pinned-tool", "1.0.0", pinned10)).provenance("https://slsa.dev/provenance/v1"))
                        .version("1.1.0", v -> v.publishedAt(recent).tarball(entries("pinned-tool", "1.1.0"))
                                .signature(keyid, sign0(registryKey, "pinned-tool", "1.1.0", pinned11)).provenance("https://slsa.dev/provenance/v1")))
                .pkg("vouched", p -> p.version("1.0.0", v -> v.publishedAt(recent).tarball(entries("vouched", "1.0.0"))
                        .signature(keyid, sign0(registryKey, "vouched", "1.0.0", other)).provenance("https://slsa.dev/provenance/v1")))
                .start()) {
            registry.keys(keysDocument(keyid, registryKey));
            registry.attestations("prov", "1.0.0", attestationsWithProvenance(registryKey, keyid, "prov", "1.0.0", prov10, sigstore, acme, prov10, older));
            registry.attestations("prov", "1.1.0", attestationsWithProvenance(registryKey, keyid, "prov", "1.1.0", prov11, sigstore, fork, prov11, recent));
            registry.attestations("pinned-tool", "1.0.0", attestationsWithProvenance(registryKey, keyid, "pinned-tool", "1.0.0", pinned10,
                    sigstore, tagged, pinned10, older));
            registry.attestations("pinned-tool", "1.1.0", attestationsWithProvenance(registryKey, keyid, "pinned-tool", "1.1.0", pinned11,
                    sigstore, branch, pinned11, recent));
            registry.attestations("vouched", "1.0.0", attestationsWithProvenance(registryKey, keyid, "vouched", "1.0.0", other, sigstore, acme,
                    "other bytes".getBytes(java.nio.charset.StandardCharsets.UTF_8), recent));
            dev.airlock.config.IdentityPin pin = new dev.airlock.config.IdentityPin("npm:pinned-*", "https://github.com/acme/pinned",
                    ".github/workflows/release.yml", java.util.regex.Pattern.compile("refs/tags/v.*"));
            AirlockConfig c = RunningAirlock.config(tmp.resolve("data"), "npm", URI.create(registry.baseUrl()));
            c = c.withPolicy(c.policy().withSigners(true, List.of(pin), List.of(), root));
            try (RunningAirlock airlock = RunningAirlock.start(c, Clock.systemUTC())) {
                ClientProcess.Result latest = install("a", airlock, "prov", "pinned-tool");
                assertEquals(0, latest.exitCode(), latest.both());
                assertEquals("1.0.0", installedVersion("a", "prov"), "the fork-built 1.1.0 is not offered");
                assertEquals("1.0.0", installedVersion("a", "pinned-tool"), "the branch-built 1.1.0 is not offered");

                HttpBody forked = HttpBody.of(airlock.get("/npm/prov/-/prov-1.1.0.tgz"));
                assertEquals(403, forked.status(), forked.json().toString());
                assertTrue(forked.json().get("reasons").toString().contains(
                        "built from another source repository: https://github.com/evil/prov, 1.0.0 from https://github.com/acme/prov"),
                        forked.json().toString());
                HttpBody unpinned = HttpBody.of(airlock.get("/npm/pinned-tool/-/pinned-tool-1.1.0.tgz"));
                assertEquals(403, unpinned.status());
                assertTrue(unpinned.json().get("reasons").toString().contains("built at refs/heads/main, which the pinned ref pattern"),
                        unpinned.json().toString());
                HttpBody vouched = HttpBody.of(airlock.get("/npm/vouched/-/vouched-1.0.0.tgz"));
                assertEquals(403, vouched.status());
                assertTrue(vouched.json().get("reasons").toString().contains("the provenance does not vouch for this tarball"),
                        vouched.json().toString());

                // The security team sees who built each release in the queue.
                String shown = held().toString();
                assertTrue(shown.contains("evil/prov") && shown.contains("refs/heads/main"), shown);
            }
        }
    }

    /** A response's status and JSON body. */
    private record HttpBody(int status, JsonNode json) {
        static HttpBody of(java.net.http.HttpResponse<byte[]> r) throws Exception {
            return new HttpBody(r.statusCode(), M.readTree(r.body()));
        }
    }
}
