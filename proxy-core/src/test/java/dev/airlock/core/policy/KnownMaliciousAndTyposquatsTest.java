package dev.airlock.core.policy;

import dev.airlock.config.InstallHooks;
import dev.airlock.config.PolicyConfig;
import dev.airlock.config.PolicyMode;
import dev.airlock.core.ecosystem.ReleaseFacts;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** OSV MAL- records read from files, and names one edit from popular packages. */
class KnownMaliciousAndTyposquatsTest {

    private static final Instant NOW = Instant.parse("2026-06-01T00:00:00Z");
    private static final Instant OLD = Instant.parse("2024-01-01T00:00:00Z");

    @TempDir
    Path tmp;

    private static PolicyConfig config(boolean typosquats) {
        return new PolicyConfig(PolicyMode.ENFORCE, Duration.ofHours(72), InstallHooks.NEW, true, false, List.of(), List.of(), List.of(),
                false, typosquats, List.of());
    }

    private static Evaluation only(PolicyEngine engine, String eco, String name, String version) {
        return engine.evaluate(eco, name, List.of(new ReleaseFacts(version, OLD, null, null, Map.of(), Map.of())), Map.of(), NOW).get(0);
    }

    @Test
    void malRecordsDenyTheirVersionsOrEveryVersion() throws Exception {
        Path dir = Files.createDirectories(tmp.resolve("osv/npm"));
        Files.writeString(dir.resolve("MAL-2025-0001.json"), """
                {"id":"MAL-2025-0001","summary":"Malicious code in evil-pkg (npm)\\nsteals tokens","affected":[
                  {"package":{"ecosystem":"npm","name":"evil-pkg"},"ranges":[{"type":"SEMVER","events":[{"introduced":"0"}]}]}]}""");
        Files.writeString(dir.resolve("MAL-2025-0002.json"), """
                {"id":"MAL-2025-0002","affected":[{"package":{"ecosystem":"PyPI","name":"good-pkg"},"versions":["1.2.3"]}]}""");
        Files.writeString(dir.resolve("GHSA-xxxx.json"), """
                {"id":"GHSA-xxxx-yyyy-zzzz","affected":[{"package":{"ecosystem":"npm","name":"left-pad"},"versions":["1.0.0"]}]}""");
        KnownMalicious mal = KnownMalicious.load(List.of(tmp.resolve("osv")));
        assertEquals(2, mal.size(), "only MAL- records count");
        PolicyEngine engine = new PolicyEngine(config(false), false, mal, Typosquats.none());

        Evaluation evil = only(engine, "npm", "evil-pkg", "9.9.9");
        assertEquals(Verdict.DENIED, evil.verdict());
        assertEquals("known-malicious", evil.findings().get(0).check());
        assertTrue(evil.findings().get(0).message().contains("MAL-2025-0001: Malicious code in evil-pkg (npm)"), evil.toString());
        assertEquals(Verdict.DENIED, only(engine, "pypi", "good-pkg", "1.2.3").verdict());
        assertEquals(Verdict.APPROVED, only(engine, "pypi", "good-pkg", "1.2.4").verdict());
        assertEquals(Verdict.APPROVED, only(engine, "npm", "left-pad", "1.0.0").verdict(), "a vulnerability is not a MAL- record");
        assertEquals(Verdict.APPROVED, only(engine, "pypi", "evil-pkg", "9.9.9").verdict(), "ecosystems are kept apart");
        assertFalse(engine.version().equals(new PolicyEngine(config(false), false).version()), "the list is part of the policy version");
    }

    @Test
    void unreadableFilesNameThemselves() throws IOException {
        Path bad = Files.writeString(tmp.resolve("bad.json"), "{not json");
        IOException e = assertThrows(IOException.class, () -> KnownMalicious.load(List.of(bad)));
        assertTrue(e.getMessage().contains("policy.knownMalicious") && e.getMessage().contains("bad.json"), e.getMessage());
    }

    @Test
    void namesOneEditFromPopularOnesAreHeld() {
        Typosquats t = new Typosquats(Map.of("npm", Set.of("express", "lodash", "react", "vue", "vuex"), "pypi", Set.of("requests")));
        assertEquals("express", t.imitates("npm", "expres"), "deletion");
        assertEquals("express", t.imitates("npm", "expresss"), "insertion");
        assertEquals("lodash", t.imitates("npm", "1odash"), "substitution");
        assertEquals("lodash", t.imitates("npm", "lodahs"), "swap of neighbours");
        assertEquals("requests", t.imitates("pypi", "reqests"), "the PyPI list");
        assertNull(t.imitates("npm", "express"), "the popular name itself");
        assertNull(t.imitates("npm", "vuez"), "short popular names are not compared");
        assertNull(t.imitates("npm", "lodash-es"), "two edits or more");
        assertNull(t.imitates("pypi", "expres"), "another ecosystem's list");
        assertTrue(Typosquats.oneEditApart("python_dateutil", "python-dateutil2"));

        PolicyEngine on = new PolicyEngine(config(true), false, KnownMalicious.none(), t);
        Evaluation squat = only(on, "npm", "expres", "1.0.0");
        assertEquals(Verdict.QUARANTINED, squat.verdict());
        assertTrue(squat.findings().stream().anyMatch(f -> f.check().equals("typosquat") && f.message().contains("express")));
        assertEquals(Verdict.APPROVED, only(new PolicyEngine(config(false), false, KnownMalicious.none(), t), "npm", "expres", "1.0.0").verdict(),
                "policy.typosquats: false");
    }

    @Test
    void aNameBesideAPopularOneIsHeldOnlyWhileThePackageIsNew() {
        // Issue 13: mongoose pins mquery (one edit from jquery), and color sits beside colors; both published since 2012.
        Typosquats t = new Typosquats(Map.of("npm", Set.of("jquery")));
        PolicyEngine engine = new PolicyEngine(config(true), false, KnownMalicious.none(), t);
        ReleaseFacts first = new ReleaseFacts("0.1.0", Instant.parse("2012-06-01T00:00:00Z"), null, null, Map.of(), Map.of());
        ReleaseFacts later = new ReleaseFacts("5.0.1", OLD, null, null, Map.of(), Map.of());
        Evaluation established = engine.evaluate("npm", "mquery", List.of(first, later), Map.of(), NOW).get(1);
        assertEquals(Verdict.APPROVED, established.verdict(), established.findings().toString());
        assertTrue(established.findings().stream().anyMatch(f -> !f.holds() && f.check().equals("typosquat")
                && f.message().contains("jquery") && f.message().contains("2012-06-01")), established.findings().toString());

        // Its first release, and every release within a year of it, are still held; so is a release of unknown time.
        assertEquals(Verdict.QUARANTINED, engine.evaluate("npm", "mquery", List.of(first, later), Map.of(), NOW).get(0).verdict());
        ReleaseFacts soon = new ReleaseFacts("0.2.0", Instant.parse("2013-05-31T00:00:00Z"), null, null, Map.of(), Map.of());
        assertEquals(Verdict.QUARANTINED, engine.evaluate("npm", "mquery", List.of(first, soon), Map.of(), NOW).get(1).verdict());
        ReleaseFacts undated = new ReleaseFacts("6.0.0", null, null, null, Map.of(), Map.of());
        assertEquals(Verdict.QUARANTINED, engine.evaluate("npm", "mquery", List.of(first, undated), Map.of(), NOW).get(1).verdict());
    }
}
