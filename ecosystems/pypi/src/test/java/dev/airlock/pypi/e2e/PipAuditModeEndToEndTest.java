package dev.airlock.pypi.e2e;

import dev.airlock.config.AirlockConfig;
import dev.airlock.config.PolicyMode;
import dev.airlock.core.testing.ClientProcess;
import dev.airlock.core.testing.MutableClock;
import dev.airlock.core.testing.NettyLeaks;
import dev.airlock.core.testing.RunningAirlock;
import dev.airlock.pypi.fixture.FixturePypiIndex;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code policy.mode: audit} records the verdict {@code enforce} records for every release, and only
 * serves differently: the same pip workload runs through each mode (separate data directories), and
 * the queues are compared release by release.
 */
class PipAuditModeEndToEndTest {

    private static final Instant NOW = Instant.parse("2026-11-20T12:00:00Z");

    /** The releases enforce holds, each asked for by its own install (which enforce refuses and audit serves). */
    private static final List<String> HELD = List.of("litellm-x==1.1", "fresh-py==1.1", "reqests==1.0");

    @AfterAll
    static void noBufferLeaked() throws InterruptedException {
        NettyLeaks.assertNone();
    }

    @TempDir
    Path tmp;

    /** Held: a wheel adding a .pth file, a young release, a typosquat of requests. Approved: the rest. */
    private static FixturePypiIndex index() {
        return FixturePypiIndex.builder()
                .project("litellm-x", p -> p.release("1.0", r -> r.wheel())
                        .release("1.1", r -> r.wheel().extraFile("litellm_init.pth", "import os; exec('print(1)')\n")))
                .project("fresh-py", p -> p.release("1.0", r -> r.wheel())
                        .release("1.1", r -> r.wheel().uploadTime(NOW.minus(Duration.ofHours(1)))))
                .project("reqests", p -> p.release("1.0", r -> r.wheel()))
                .project("plain-py", p -> p.release("1.0", r -> r.wheel()).release("2.0", r -> r.wheel().sdist()))
                .project("uses-plain-py", p -> p.release("1.0", r -> r.wheel().dependency("plain-py>=2.0")))
                .start();
    }

    private RunningAirlock airlock(FixturePypiIndex index, String data, PolicyMode mode) throws Exception {
        AirlockConfig c = RunningAirlock.config(tmp.resolve(data), "pypi", URI.create(index.simpleUrl()));
        return RunningAirlock.start(c.withPolicy(c.policy().withMode(mode)), new MutableClock(NOW));
    }

    private ClientProcess.Result pip(RunningAirlock airlock, String target, String... specs) throws Exception {
        List<String> cmd = new ArrayList<>(List.of("python3", "-m", "pip", "install", "--index-url", airlock.uri("/pypi/simple/").toString(),
                "--target", tmp.resolve(target).toString()));
        cmd.addAll(List.of(specs));
        cmd.addAll(List.of("--isolated", "--no-cache-dir", "--disable-pip-version-check", "--no-input"));
        Map<String, String> env = new HashMap<>();
        env.put("PIP_CONFIG_FILE", "/dev/null");
        env.put("PIP_NO_INPUT", "1");
        return ClientProcess.run(tmp, env, 300, cmd);
    }

    private boolean installed(String target, String distInfo) {
        return Files.isDirectory(tmp.resolve(target).resolve(distInfo + ".dist-info"));
    }

    /** The same client commands in either mode: the unpinned install, then one install per held release. */
    private List<ClientProcess.Result> workload(RunningAirlock airlock, String mode) throws Exception {
        List<ClientProcess.Result> out = new ArrayList<>();
        out.add(pip(airlock, mode + "-latest", "litellm-x", "fresh-py", "uses-plain-py"));
        for (String spec : HELD) {
            out.add(pip(airlock, mode + "-" + spec.replace("==", "-"), spec));
        }
        return out;
    }

    @Test
    void auditModeDecidesWhatEnforceDecidesAndOnlyServesDifferently() throws Exception {
        Map<String, String> enforced;
        try (FixturePypiIndex index = index();
             RunningAirlock airlock = airlock(index, "data-enforce", PolicyMode.ENFORCE)) {
            List<ClientProcess.Result> runs = workload(airlock, "enforce");
            assertEquals(0, runs.get(0).exitCode(), runs.get(0).both());
            assertTrue(installed("enforce-latest", "litellm_x-1.0") && installed("enforce-latest", "fresh_py-1.0")
                    && installed("enforce-latest", "plain_py-2.0"), "enforce lists the versions before the held ones");
            for (int i = 1; i < runs.size(); i++) {
                assertNotEquals(0, runs.get(i).exitCode(), HELD.get(i - 1) + ": " + runs.get(i).both());
            }
            enforced = airlock.verdicts();
        }

        try (FixturePypiIndex index = index();
             RunningAirlock airlock = airlock(index, "data-audit", PolicyMode.AUDIT)) {
            List<ClientProcess.Result> runs = workload(airlock, "audit");
            for (ClientProcess.Result r : runs) {
                assertEquals(0, r.exitCode(), "audit mode refuses nothing: " + r.both());
            }
            assertTrue(installed("audit-latest", "litellm_x-1.1") && installed("audit-latest", "fresh_py-1.1"), "audit lists every version");
            assertTrue(installed("audit-reqests-1.0", "reqests-1.0"));
            Map<String, String> audited = airlock.verdicts();

            for (String held : HELD) {
                String release = held.replace("==", "@");
                assertTrue(enforced.getOrDefault(release, "").startsWith("QUARANTINED"), release + ": " + enforced);
            }
            // The queue lists what was not approved: the dependency and its user are not in it.
            assertTrue(enforced.keySet().stream().noneMatch(r -> r.startsWith("plain-py@") || r.startsWith("uses-plain-py@")), enforced.toString());
            assertEquals(enforced, audited);
        }
    }
}
