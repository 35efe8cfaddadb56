package dev.airlock.npm.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.airlock.config.AirlockConfig;
import dev.airlock.config.PolicyConfig;
import dev.airlock.config.PolicyMode;
import dev.airlock.core.testing.ClientProcess;
import dev.airlock.core.testing.NettyLeaks;
import dev.airlock.core.testing.RunningAirlock;
import dev.airlock.npm.fixture.FixtureNpmRegistry;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code airlock prefetch} fills a running Airlock from a lockfile the real npm wrote, through
 * the same routes and checks as npm itself: what the policy allows is cached and stays served
 * with the registry gone; what it holds is reported with its reasons and release id, and the
 * command exits 1.
 */
class PrefetchEndToEndTest {

    private static final ObjectMapper M = new ObjectMapper();

    @AfterAll
    static void noBufferLeaked() throws InterruptedException {
        NettyLeaks.assertNone();
    }

    @TempDir
    Path tmp;

    private static AirlockConfig config(Path data, FixtureNpmRegistry registry, PolicyMode mode) {
        AirlockConfig c = RunningAirlock.config(data, "npm", URI.create(registry.baseUrl()));
        PolicyConfig p = c.policy();
        return c.withPolicy(new PolicyConfig(mode, p.minimumReleaseAge(), p.installHooks(), p.publisherChange(),
                p.provenanceRegression(), p.internalNamespaces(), p.allow(), p.deny(), p.holdUnknownAge(), p.typosquats(),
                p.knownMalicious(), p.holdUnsigned(), p.registryKeys(), p.signerChange(), p.identities(), p.pgpKeyrings(),
                p.sigstoreTrustedRoot()));
    }

    private static String[] airlock(String... args) {
        return dev.airlock.cli.testing.Cli.run(args);
    }

    @Test
    void aLockWithOneHeldReleaseCachesTheRestReportsTheHoldAndExitsOne() throws Exception {
        try (FixtureNpmRegistry registry = FixtureNpmRegistry.builder()
                .pkg("ua-parse", p -> p.version("0.7.28", v -> v.npmUser("faisal", "f@example.test"))
                        .version("0.7.29", v -> v.npmUser("faisal", "f@example.test").script("preinstall", "node preinstall.js"))
                        .distTag("latest", "0.7.29"))
                .pkg("@acme/pad", p -> p.version("1.0.0").version("1.1.0", v -> v.file("index.js", "module.exports = 1;")))
                .start()) {
            // The lock is written where nothing is held (an Airlock in audit mode, as on a developer's machine),
            // by the real npm: it pins the release the gate will hold.
            Path project = tmp.resolve("project");
            Files.createDirectories(project);
            Files.writeString(project.resolve("package.json"),
                    "{\"name\":\"app\",\"version\":\"1.0.0\",\"private\":true,\"dependencies\":{\"ua-parse\":\"0.7.29\",\"@acme/pad\":\"^1.0.0\"}}");
            try (RunningAirlock dev = RunningAirlock.start(config(tmp.resolve("dev-data"), registry, PolicyMode.AUDIT))) {
                ClientProcess.Result lock = ClientProcess.run(project, NpmClient.env(tmp.resolve("home"), dev, true), 300,
                        List.of("npm", "install", "--package-lock-only"));
                assertEquals(0, lock.exitCode(), lock.both());
            }
            Path lockfile = project.resolve("package-lock.json");
            JsonNode written = M.readTree(lockfile.toFile());
            assertEquals(3, written.get("lockfileVersion").asInt(), written.toString());
            assertEquals("0.7.29", written.at("/packages/node_modules~1ua-parse/version").asText(), written.toString());
            byte[] padTarball = registry.tarball("@acme/pad", "1.1.0");

            try (RunningAirlock gate = RunningAirlock.start(config(tmp.resolve("data"), registry, PolicyMode.ENFORCE))) {
                String server = "http://127.0.0.1:" + gate.port();
                String[] r = airlock("prefetch", lockfile.toString(), "--server", server);
                assertEquals("1", r[0], r[1] + r[2]);
                assertTrue(r[1].contains("npm @acme/pad 1.1.0 pad-1.1.0.tgz: cached"), r[1]);
                String held = r[1].lines().filter(l -> l.startsWith("npm ua-parse 0.7.29")).findFirst().orElseThrow(() -> new AssertionError(r[1]));
                assertTrue(held.contains("ua-parse-0.7.29.tgz: held: ") && held.contains("preinstall") && held.contains("(release "), held);
                assertTrue(r[1].contains("prefetch: 1 cached, 1 held, 0 failed"), r[1]);

                String[] asJson = airlock("prefetch", lockfile.toString(), "--server", server, "--json");
                assertEquals("1", asJson[0], asJson[2]);
                JsonNode summary = M.readTree(asJson[1]);
                assertEquals(1, summary.get("cached").asInt(), asJson[1]);
                assertEquals(0, summary.get("failed").size(), asJson[1]);
                JsonNode hold = summary.get("held").get(0);
                assertEquals("ua-parse", hold.get("package").asText());
                assertEquals("ua-parse/-/ua-parse-0.7.29.tgz", hold.get("path").asText());
                assertTrue(hold.get("reasons").toString().contains("preinstall"), hold.toString());
                // The id is the one the security team sees in the queue.
                JsonNode queue = M.readTree(gate.admin("GET", "quarantine", gate.adminToken(), null).body());
                assertTrue(queue.toString().contains(hold.get("releaseId").asText()), queue + " / " + hold);

                // A lock pinning other bytes than Airlock serves is a failure, not a cache hit.
                Path tampered = tmp.resolve("tampered/package-lock.json");
                Files.createDirectories(tampered.getParent());
                String padIntegrity = written.at("/packages/node_modules~1@acme~1pad/integrity").asText();
                Files.writeString(tampered, Files.readString(lockfile).replace(padIntegrity,
                        "sha512-" + java.util.Base64.getEncoder().encodeToString(new byte[64])));
                String[] other = airlock("prefetch", tampered.toString(), "--server", server);
                assertEquals("1", other[0], other[1] + other[2]);
                assertTrue(other[1].contains("npm @acme/pad 1.1.0 pad-1.1.0.tgz: failed: Airlock served other bytes than the lockfile pins"),
                        other[1]);

                registry.stop();
                java.net.http.HttpResponse<byte[]> cached = gate.get("/npm/@acme/pad/-/pad-1.1.0.tgz");
                assertEquals(200, cached.statusCode());
                assertArrayEquals(padTarball, cached.body());
            }
        }
    }

    @Test
    void usageErrorsExitTwoAndAnAbsentServerExitsOne() throws Exception {
        Path lock = tmp.resolve("package-lock.json");
        Files.writeString(lock, "{\"lockfileVersion\":3,\"packages\":{\"node_modules/a\":{\"version\":\"1.0.0\",}}}");
        String[] broken = airlock("prefetch", lock.toString(), "--server", "http://127.0.0.1:9");
        assertEquals("2", broken[0]);
        assertTrue(broken[2].contains(lock + ": not valid JSON at line 1"), broken[2]);

        Path unknown = tmp.resolve("Gemfile.lock");
        Files.writeString(unknown, "GEM\n  remote: https://gems.example.test/\n");
        String[] notALock = airlock("prefetch", unknown.toString(), "--server", "http://127.0.0.1:9");
        assertEquals("2", notALock[0]);
        assertTrue(notALock[2].contains("not a lockfile prefetch knows"), notALock[2]);

        Files.writeString(lock, "{\"lockfileVersion\":3,\"packages\":{}}");
        assertEquals("2", airlock("prefetch", lock.toString())[0], "--server is required");
        String[] down = airlock("prefetch", lock.toString(), "--server", "http://127.0.0.1:9");
        assertEquals("1", down[0]);
        assertTrue(down[2].contains("cannot reach Airlock"), down[2]);
    }
}
