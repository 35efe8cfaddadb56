package dev.airlock.npm.e2e;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.airlock.config.AirlockConfig;
import dev.airlock.config.PolicyMode;
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
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code policy.mode: audit} records the verdict {@code enforce} records for every release, and only
 * serves differently: the same npm workload runs through each mode (separate data directories), and
 * the queues are compared release by release.
 */
class NpmAuditModeEndToEndTest {

    private static final ObjectMapper M = new ObjectMapper();
    private static final Instant NOW = Instant.parse("2026-11-20T12:00:00Z");

    /** The releases enforce holds, each asked for by its own install (which enforce refuses and audit serves). */
    private static final List<String> HELD = List.of("hook-lib@1.1.0", "shai-lib@4.1.1", "fresh-lib@1.1.0", "conf-pkg@1.1.0", "expresss@1.0.0");

    @AfterAll
    static void noBufferLeaked() throws InterruptedException {
        NettyLeaks.assertNone();
    }

    @TempDir
    Path tmp;

    /**
     * Held: an added postinstall, a new publisher adding one, a young release, manifest confusion, a typosquat, and
     * old-hooks 1.0.0 (a first version running a script). Approved: the rest.
     */
    private static FixtureNpmRegistry registry() {
        return FixtureNpmRegistry.builder()
                .pkg("hook-lib", p -> p.version("1.0.0").version("1.1.0", v -> v.script("postinstall", "node steal.js"))
                        .distTag("latest", "1.1.0"))
                .pkg("shai-lib", p -> p.version("4.1.0", v -> v.npmUser("bgrins", "b@example.test"))
                        .version("4.1.1", v -> v.npmUser("npm-ci-bot", "bot@example.test").script("postinstall", "node bundle.js"))
                        .distTag("latest", "4.1.1"))
                .pkg("fresh-lib", p -> p.version("1.0.0").version("1.1.0", v -> v.publishedAt(NOW.minus(Duration.ofHours(1))))
                        .distTag("latest", "1.1.0"))
                .pkg("conf-pkg", p -> p.version("1.0.0").version("1.1.0", v -> v.file("package.json",
                        "{\"name\":\"conf-pkg\",\"version\":\"1.1.0\",\"scripts\":{\"postinstall\":\"node steal.js\"}}"))
                        .distTag("latest", "1.1.0"))
                .pkg("expresss", p -> p.version("1.0.0").distTag("latest", "1.0.0"))
                .pkg("plain-lib", p -> p.version("1.0.0").version("2.0.0").distTag("latest", "2.0.0"))
                .pkg("uses-plain", p -> p.version("1.0.0", v -> v.dependency("plain-lib", "^2.0.0")).distTag("latest", "1.0.0"))
                .pkg("old-hooks", p -> p.version("1.0.0", v -> v.script("install", "node-gyp rebuild"))
                        .version("1.1.0", v -> v.script("install", "node-gyp rebuild")).distTag("latest", "1.1.0"))
                .start();
    }

    private RunningAirlock airlock(FixtureNpmRegistry registry, String data, PolicyMode mode) throws Exception {
        AirlockConfig c = RunningAirlock.config(tmp.resolve(data), "npm", URI.create(registry.baseUrl()));
        return RunningAirlock.start(c.withPolicy(c.policy().withMode(mode)), new MutableClock(NOW));
    }

    private ClientProcess.Result install(String dirName, RunningAirlock airlock, String... specs) throws Exception {
        Path dir = Files.createDirectories(tmp.resolve(dirName));
        Files.writeString(dir.resolve("package.json"), "{\"name\":\"app\",\"version\":\"1.0.0\",\"private\":true}");
        List<String> cmd = new ArrayList<>(List.of("npm", "install", "--no-save"));
        cmd.addAll(List.of(specs));
        return ClientProcess.run(dir, NpmClient.env(tmp.resolve("home-" + dirName), airlock, true), 300, cmd);
    }

    private String installedVersion(String dirName, String pkg) throws Exception {
        return M.readTree(tmp.resolve(dirName).resolve("node_modules").resolve(pkg).resolve("package.json").toFile()).get("version").asText();
    }

    /** The same client commands in either mode: the unpinned install, then one install per held release. */
    private List<ClientProcess.Result> workload(RunningAirlock airlock, String mode) throws Exception {
        List<ClientProcess.Result> out = new ArrayList<>();
        out.add(install(mode + "-latest", airlock, "hook-lib", "shai-lib", "fresh-lib", "conf-pkg", "uses-plain", "old-hooks"));
        for (String spec : HELD) {
            out.add(install(mode + "-" + spec.replace('@', '-'), airlock, spec));
        }
        return out;
    }

    @Test
    void auditModeDecidesWhatEnforceDecidesAndOnlyServesDifferently() throws Exception {
        Map<String, String> enforced;
        try (FixtureNpmRegistry registry = registry();
             RunningAirlock airlock = airlock(registry, "data-enforce", PolicyMode.ENFORCE)) {
            List<ClientProcess.Result> runs = workload(airlock, "enforce");
            assertEquals(0, runs.get(0).exitCode(), runs.get(0).both());
            assertEquals("1.0.0", installedVersion("enforce-latest", "hook-lib"), "enforce lists the version before the held one");
            for (int i = 1; i < runs.size(); i++) {
                assertNotEquals(0, runs.get(i).exitCode(), HELD.get(i - 1) + ": " + runs.get(i).both());
            }
            enforced = airlock.verdicts();
        }

        try (FixtureNpmRegistry registry = registry();
             RunningAirlock airlock = airlock(registry, "data-audit", PolicyMode.AUDIT)) {
            List<ClientProcess.Result> runs = workload(airlock, "audit");
            for (ClientProcess.Result r : runs) {
                assertEquals(0, r.exitCode(), "audit mode refuses nothing: " + r.both());
            }
            assertEquals("1.1.0", installedVersion("audit-latest", "hook-lib"), "audit lists every version");
            assertEquals("4.1.1", installedVersion("audit-latest", "shai-lib"));
            assertEquals("1.1.0", installedVersion("audit-conf-pkg-1.1.0", "conf-pkg"));
            assertEquals("1.0.0", installedVersion("audit-expresss-1.0.0", "expresss"));
            Map<String, String> audited = airlock.verdicts();

            for (String held : HELD) {
                assertTrue(enforced.getOrDefault(held, "").startsWith("QUARANTINED"), held + ": " + enforced);
            }
            // The queue lists what was not approved: the dependency and its user are not in it.
            assertTrue(enforced.keySet().stream().noneMatch(r -> r.startsWith("plain-lib@") || r.startsWith("uses-plain@")), enforced.toString());
            assertEquals(enforced, audited);
        }
    }
}
