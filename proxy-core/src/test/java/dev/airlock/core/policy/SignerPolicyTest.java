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

        assertEquals(Verdict.APPROVED, second(policy(false, List.of()), provenance(repo, ".github/workflows/release.yml", "refs/tags/v1.0"),
                provenance("https://github.com/evil/tool", ".github/workflows/release.yml", "refs/tags/v1.1")).verdict(),
                "policy.signerChange: false lets it through");
    }

    @Test
    void anOpenPgpKeyOtherThanThePreviousReleasesButKnownToTheGroupIsANote() {
        // Apache and Google sign each release with the release manager's key: a key the group is known for is routine.
        Evaluation key = second(policy(true, List.of()), pgp("AAAA1111"), pgp("BBBB2222"));
        assertEquals(Verdict.APPROVED, key.verdict(), reasons(key));
        assertTrue(key.findings().stream().anyMatch(f -> !f.holds() && f.message().equals("signed by BBBB2222, 1.0 by AAAA1111")),
                reasons(key));
    }

    private static ContentFacts newKey(Instant signedAt) {
        Map<String, String> signer = new java.util.HashMap<>(Map.of(ContentFacts.PGP_KEY, "BBBB2222",
                ContentFacts.PGP_KEY_FIRST, "AAAA1111 (known for org.acme)"));
        if (signedAt != null) {
            signer.put(ContentFacts.PGP_SIGNED_AT, signedAt.toString());
        }
        return ContentFacts.signed(signer, List.of());
    }

    private static Evaluation only(PolicyConfig config, ReleaseFacts release, ContentFacts content, Map<String, Instant> observed) {
        return new PolicyEngine(config, false).evaluate("maven", "org.acme:tool", List.of(release), observed,
                Map.of(release.version(), content), NOW).get(0);
    }

    @Test
    void aKeyNewToTheGroupHoldsOnlyAYoungRelease() {
        Evaluation young = only(policy(true, List.of()), release("1.1", 2), newKey(null), Map.of());
        assertEquals(Verdict.QUARANTINED, young.verdict());
        assertTrue(reasons(young).contains("signed by BBBB2222, a key new to its group, which was signed by AAAA1111 (known for org.acme) "
                + "before; published 2026-05-30T00:00:00Z, within policy.newSigningKeyWindow (30d)"), reasons(young));

        Evaluation old = only(policy(true, List.of()), release("1.1", 400), newKey(null), Map.of());
        assertEquals(Verdict.APPROVED, old.verdict(), reasons(old));
        assertTrue(reasons(old).contains("longer ago than policy.newSigningKeyWindow (30d), so only noted"), reasons(old));

        // No publish time: the signature's date tells, never Airlock's first sighting on a cold cache.
        ReleaseFacts undated = new ReleaseFacts("1.1", null, null, null, null, null);
        Instant firstSight = NOW.minus(Duration.ofHours(1));
        Evaluation signedLongAgo = only(policy(true, List.of()), undated, newKey(NOW.minus(Duration.ofDays(900))), Map.of("1.1", firstSight));
        assertEquals(Verdict.APPROVED, signedLongAgo.verdict(), reasons(signedLongAgo));
        assertTrue(reasons(signedLongAgo).contains("signed (by its own date) 2023-12-14"), reasons(signedLongAgo));

        // A version that appeared after Airlock first saw the package is as young as that sighting, whatever its signature claims.
        List<Evaluation> appeared = new PolicyEngine(policy(true, List.of()), false).evaluate("maven", "org.acme:tool",
                List.of(new ReleaseFacts("1.0", null, null, null, null, null), undated),
                Map.of("1.0", NOW.minus(Duration.ofDays(5)), "1.1", firstSight),
                Map.of("1.1", newKey(NOW.minus(Duration.ofDays(900)))), NOW);
        assertEquals(Verdict.QUARANTINED, appeared.get(1).verdict(), reasons(appeared.get(1)));
        assertTrue(reasons(appeared.get(1)).contains("first seen by Airlock " + firstSight), reasons(appeared.get(1)));

        PolicyConfig never = policy(true, List.of());
        never = new PolicyConfig(never.mode(), never.minimumReleaseAge(), never.installHooks(), never.publisherChange(),
                never.provenanceRegression(), never.internalNamespaces(), never.allow(), never.deny(), never.holdUnknownAge(),
                never.typosquats(), never.knownMalicious(), never.holdUnsigned(), never.registryKeys(), never.signerChange(),
                never.identities(), never.pgpKeyrings(), never.sigstoreTrustedRoot(), never.sha1SignaturesUntil(), Duration.ZERO);
        assertEquals(Verdict.APPROVED, only(never, release("1.1", 2), newKey(null), Map.of()).verdict(), "a window of 0 never holds");
        assertEquals(Verdict.APPROVED, only(policy(false, List.of()), release("1.1", 2), newKey(null), Map.of()).verdict(),
                "policy.signerChange: false lets it through");
    }

    private static ContentFacts hashed(String key, String hash, Instant signedAt) {
        return ContentFacts.signed(Map.of(ContentFacts.PGP_KEY, key, ContentFacts.PGP_HASH, hash,
                ContentFacts.PGP_SIGNED_AT, signedAt.toString()), List.of());
    }

    @Test
    void aVerifiedSha1SignatureIsANoteBeforeTheCutOffAndAHoldAfterNeverADenial() {
        Instant signed2012 = Instant.parse("2012-07-09T05:50:46Z");
        ReleaseFacts published2012 = new ReleaseFacts("1.3", Instant.parse("2012-07-09T06:00:00Z"), null, null, null, null);
        Evaluation hamcrest = only(policy(true, List.of()), published2012, hashed("4DB1A49729B053CAF015CEE9A6ADFC93EF34893E", "SHA-1",
                signed2012), Map.of());
        assertEquals(Verdict.APPROVED, hamcrest.verdict(), reasons(hamcrest));
        assertTrue(reasons(hamcrest).contains("uses SHA-1; accepted because the file was published 2012-07-09T06:00:00Z, before "
                + "policy.sha1SignaturesUntil (2023-02-01T00:00:00Z)"), reasons(hamcrest));

        // A publish time wins over the signature's own (attacker-chosen) date.
        ReleaseFacts published2024 = new ReleaseFacts("2.0", Instant.parse("2024-03-01T00:00:00Z"), null, null, null, null);
        Evaluation backdated = only(policy(true, List.of()), published2024, hashed("K", "SHA-1", signed2012), Map.of());
        assertEquals(Verdict.QUARANTINED, backdated.verdict(), "held, not denied: the signature does verify");
        assertTrue(reasons(backdated).contains("the file was published 2024-03-01T00:00:00Z, not before policy.sha1SignaturesUntil"),
                reasons(backdated));

        // Without a publish time the signature's date is the reference.
        ReleaseFacts undated = new ReleaseFacts("1.3", null, null, null, null, null);
        assertEquals(Verdict.APPROVED, only(policy(true, List.of()), undated, hashed("K", "SHA-1", signed2012), Map.of()).verdict());
        assertEquals(Verdict.QUARANTINED, only(policy(true, List.of()), undated, hashed("K", "SHA-1", Instant.parse("2023-06-01T00:00:00Z")),
                Map.of()).verdict());

        assertEquals(Verdict.QUARANTINED, only(policy(true, List.of()), published2012, hashed("K", "MD5", signed2012), Map.of()).verdict(),
                "MD5 is held at any date");
        assertEquals(Verdict.APPROVED, only(policy(true, List.of()), published2024, hashed("K", "SHA-512", signed2012), Map.of()).verdict());
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
    void aStoredFirstKeyReadingStillHoldsAndABadSignatureDenies() {
        // Readings stored before keys were learnt as a set name the group's first key: a young release is still held.
        Map<String, String> signer = Map.of(ContentFacts.PGP_KEY, "BBBB2222", ContentFacts.PGP_KEY_FIRST, "AAAA1111 (first seen for org.acme)");
        Evaluation e = second(policy(true, List.of()), ContentFacts.NONE, ContentFacts.signed(signer, List.of()));
        assertEquals(Verdict.QUARANTINED, e.verdict());
        assertTrue(reasons(e).contains("which was signed by AAAA1111 (first seen for org.acme) before"), reasons(e));

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
