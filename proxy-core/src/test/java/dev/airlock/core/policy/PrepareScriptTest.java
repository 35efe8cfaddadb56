package dev.airlock.core.policy;

import dev.airlock.config.InstallHooks;
import dev.airlock.config.PolicyConfig;
import dev.airlock.config.PolicyMode;
import dev.airlock.core.ecosystem.ReleaseFacts;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** npm's prepare script runs for git and local installs only: recorded, never a reason to hold a registry release. */
class PrepareScriptTest {

    @Test
    void prepareIsNotedNotHeldEvenUnderAll() {
        PolicyConfig all = new PolicyConfig(PolicyMode.ENFORCE, Duration.ZERO, InstallHooks.ALL, true, false, List.of(), List.of(), List.of());
        Instant t = Instant.parse("2024-01-01T00:00:00Z");
        List<Evaluation> e = new PolicyEngine(all, false).evaluate("npm", "lib", List.of(
                new ReleaseFacts("1.0.0", t, null, null, Map.of(), Map.of()),
                new ReleaseFacts("1.1.0", t.plusSeconds(60), null, null, Map.of("prepare", "tsc"), Map.of())), Map.of(), t.plusSeconds(3600));
        assertEquals(Verdict.APPROVED, e.get(1).verdict());
        assertTrue(e.get(1).findings().stream().anyMatch(f -> !f.holds() && f.message().contains("prepare")), e.get(1).toString());
    }
}
