package dev.airlock.core.policy;

import dev.airlock.config.ConfigLoader;
import dev.airlock.config.IdentityPin;
import dev.airlock.config.PolicyConfig;
import dev.airlock.core.ecosystem.ContentFacts;
import dev.airlock.core.ecosystem.ReleaseFacts;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Who signed a release, compared with the release before it, the signer scope's first key and the operator's pins. */
class SignerPolicyTest {

    private static final Instant NOW = Instant.parse("2026-06-01T00:00:00Z");

    private static PolicyConfig policy(boolean signerChange, List<IdentityPin> pins) {
        PolicyConfig d = ConfigLoader.defaults().policy();
        return new PolicyConfig(d.mode(), Duration.ZERO, d.installHooks(), true, true, List.of(), List.of(), List.of(), false, false,
                List.of(), true, List.of()).withSigners(signerChange, pins, List.of(), null);
    }

    private static ReleaseFacts release(String version, int daysAgo) {
        return new ReleaseFacts(version, NOW.minus(Duration.ofDays(daysAgo)), null, null, null, null);
    }

    private static ContentFacts provenance(String repository, String workflow, String ref) {
        return ContentFacts.signed(Map.of(ContentFacts.PROVENANCE, repository + "/" + workflow + "@" + ref, ContentFacts.REPOSITORY, repository,
                ContentFacts.WORKFLOW, workflow, ContentFacts.REF, ref), List.of());
    }

    private static ContentFacts pgp(String key) {
        return ContentFacts.signed(Map.of(ContentFacts.PGP_KEY, key), List.of());
    }

    private static Evaluation second(PolicyConfig config, ContentFacts first, ContentFacts second) {
        List<Evaluation> out = new PolicyEngine(config, false).evaluate("maven", "org.acme:tool",
                List.of(release("1.0", 60), release("1.1", 2)), Map.of(), Map.of("1.0", first, "1.1", second), NOW);
        assertEquals(Verdict.APPROVED, out.get(0).verdict(), out.get(0).toString());
        return out.get(1);
    }

    private static String reasons(Evaluation e) {
        return e.findings().toString();
    }

    @Test
    void anotherSourceRepositoryOrWorkflowOrKeyIsHeld() {
        String repo = "https://github.com/acme/tool";
        Evaluation same = second(policy(true, List.of()), provenance(repo, ".github/workflows/release.yml", "refs/tags/v1.0"),
                provenance(repo, ".github/workflows/release.yml", "refs/tags/v1.1"));
        assertEquals(Verdict.APPROVED, same.verdict(), "a new ref of the same workflow is the normal case");

        Evaluation fork = second(policy(true, List.of()), provenance(repo, ".github/workflows/release.yml", "refs/tags/v1.0"),
                provenance("https://github.com/evil/tool", ".github/workflows/release.yml", "refs/tags/v1.1"));
        assertEquals(Verdict.QUARANTINED, fork.verdict());
        assertTrue(reasons(fork).contains("built from another source repository: https://github.com/evil/tool"), reasons(fork));

        Evaluation workflow = second(policy(true, List.of()), provenance(repo, ".github/workflows/release.yml", "refs/tags/v1.0"),
                provenance(repo, ".github/workflows/test.yml", "refs/heads/pr"));
        assertTrue(reasons(workflow).contains("built by another workflow: .github/workflows/test.yml"), reasons(workflow));

        Evaluation key = second(policy(true, List.of()), pgp("AAAA1111"), pgp("BBBB2222"));
        assertEquals(Verdict.QUARANTINED, key.verdict());
        assertTrue(reasons(key).contains("signing key changed: signed by BBBB2222, 1.0 by AAAA1111"), reasons(key));

        assertEquals(Verdict.APPROVED, second(policy(false, List.of()), pgp("AAAA1111"), pgp("BBBB2222")).verdict(),
                "policy.signerChange: false lets it through");
    }

    @Test
    void aSignatureThePreviousReleaseHadAndThisOneLacksIsHeld() {
        Evaluation e = second(policy(true, List.of()), pgp("AAAA1111"), pgp(""));
        assertEquals(Verdict.QUARANTINED, e.verdict());
        assertTrue(reasons(e).contains("published without the .asc signature 1.0 had (by AAAA1111)"), reasons(e));

        Evaluation p = second(policy(true, List.of()), provenance("https://github.com/acme/tool", "w.yml", "refs/tags/v1"),
                ContentFacts.signed(Map.of(ContentFacts.PROVENANCE, ""), List.of()));
        assertTrue(reasons(p).contains("published without the provenance 1.0 had"), reasons(p));

        assertEquals(Verdict.APPROVED, second(policy(true, List.of()), pgp(""), pgp("")).verdict(), "never signed: nothing regressed");
    }

    @Test
    void aKeyOtherThanTheScopesFirstIsHeldAndABadSignatureDenies() {
        Map<String, String> signer = Map.of(ContentFacts.PGP_KEY, "BBBB2222", ContentFacts.PGP_KEY_FIRST, "AAAA1111 (first seen for org.acme)");
        Evaluation e = second(policy(true, List.of()), ContentFacts.NONE, ContentFacts.signed(signer, List.of()));
        assertEquals(Verdict.QUARANTINED, e.verdict());
        assertTrue(reasons(e).contains("but AAAA1111 (first seen for org.acme)"), reasons(e));

        Evaluation bad = second(policy(true, List.of()), ContentFacts.NONE,
                ContentFacts.signed(Map.of(), List.of("the .asc signature by key 00E008229F5DAF37 does not verify over these bytes")));
        assertEquals(Verdict.DENIED, bad.verdict());
        assertTrue(reasons(bad).contains("does not verify over these bytes"));
    }

    @Test
    void pinnedIdentitiesHoldReleasesBuiltElsewhereOrWithoutProvenance() {
        IdentityPin pin = new IdentityPin("maven:org.acme:*", "https://github.com/acme/tool", ".github/workflows/release.yml",
                Pattern.compile("refs/tags/v.*"));
        PolicyConfig pinned = policy(true, List.of(pin));
        ContentFacts good = provenance("https://github.com/acme/tool", ".github/workflows/release.yml", "refs/tags/v1.0");
        assertEquals(Verdict.APPROVED, second(pinned, good, provenance("https://github.com/acme/tool", ".github/workflows/release.yml",
                "refs/tags/v1.1")).verdict());

        Evaluation branch = second(pinned, good, provenance("https://github.com/acme/tool", ".github/workflows/release.yml", "refs/heads/dev"));
        assertTrue(reasons(branch).contains("built at refs/heads/dev, which the pinned ref pattern refs/tags/v.* does not match"),
                reasons(branch));

        Evaluation none = second(pinned, good, ContentFacts.signed(Map.of(ContentFacts.PROVENANCE, ""), List.of()));
        assertTrue(reasons(none).contains("it has no provenance, but policy.identities pins who builds maven:org.acme:*"), reasons(none));

        Evaluation unknown = second(pinned, good, ContentFacts.NONE);
        assertEquals(Verdict.QUARANTINED, unknown.verdict(), "a young release of a pinned package is held until its provenance is verified");

        PolicyEngine other = new PolicyEngine(pinned, false);
        Evaluation elsewhere = other.evaluate("maven", "org.other:lib", List.of(release("1.0", 2)), Map.of(),
                Map.of("1.0", ContentFacts.signed(Map.of(ContentFacts.PROVENANCE, ""), List.of())), NOW).get(0);
        assertEquals(Verdict.APPROVED, elsewhere.verdict(), "the pin is about org.acme only");
    }

    @Test
    void readingsWithoutSignersKeepTheirDigest() {
        // A person's decision is kept against the facts digest: upgrading must not change it for old readings.
        ContentFacts old = new ContentFacts(Map.of("binding.gyp", "binding.gyp"), Map.of(), List.of());
        List<Evaluation> a = new PolicyEngine(policy(true, List.of()), false).evaluate("npm", "x", List.of(release("1.0", 60)), Map.of(),
                Map.of("1.0", old), NOW);
        String expected = PolicyEngine.sha256("ContentFacts[installHooks={binding.gyp=binding.gyp}, mismatches={}, anomalies=[]]").substring(0, 16);
        assertTrue(a.get(0).factsDigest().endsWith(":" + expected), a.get(0).factsDigest());
    }
}
