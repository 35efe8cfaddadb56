package dev.airlock.config;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * The rules every release passes before clients may have it. Lists are unmodifiable and hold
 * patterns as written; their syntax belongs to the policy engine.
 *
 * @param mode                 whether verdicts block or are only recorded
 * @param minimumReleaseAge    releases younger than this are held; {@link Duration#ZERO} turns the rule off
 * @param installHooks         which releases with install scripts are held
 * @param publisherChange      hold a release published by someone other than the previous version's publisher
 * @param provenanceRegression hold a release that lacks provenance its previous version had
 * @param internalNamespaces   names that must never come from a public upstream, e.g. {@code @acme/*}
 * @param allow                releases always let through, e.g. {@code npm:esbuild@*}
 * @param deny                 releases always kept out
 * @param holdUnknownAge       hold a release whose age nothing tells (no publish time, present since
 *                             Airlock first saw the package) while the age rule is on
 * @param typosquats           hold a package whose name is one edit from a popular one of its ecosystem
 * @param knownMalicious       OSV files (or folders of them) whose {@code MAL-} records deny releases,
 *                             read at start-up; no network
 * @param holdUnsigned         hold a release that carries no registry signature while its registry
 *                             publishes signing keys
 * @param registryKeys         registry key files (npm's keys.json format) for registries whose keys
 *                             endpoint cannot be reached (air-gapped networks); pinned like fetched keys
 * @param signerChange         hold a release whose verified signer (provenance source repository or
 *                             workflow, OpenPGP key) differs from the previous version's
 * @param identities           per-package pinned build identities
 * @param pgpKeyrings          OpenPGP public keyrings the operator trusts for detached {@code .asc}
 *                             signatures (Maven); keys not in them are trusted on first use per group
 * @param sigstoreTrustedRoot  a Sigstore {@code trusted_root.json} replacing the shipped one, or null
 * @param sha1SignaturesUntil  a verified OpenPGP signature over SHA-1 (or RIPEMD-160) is accepted, with a
 *                             note, for a release published before this instant and held after it: forging
 *                             one means finding a second preimage, which nobody can (docs/TRUST.md)
 * @param newSigningKeyWindow  a release signed by an OpenPGP key new to its signer scope (a Maven groupId) is
 *                             held only when it was published within this window; older ones get a note
 */
public record PolicyConfig(PolicyMode mode, Duration minimumReleaseAge, InstallHooks installHooks,
        boolean publisherChange, boolean provenanceRegression, List<String> internalNamespaces,
        List<String> allow, List<String> deny, boolean holdUnknownAge, boolean typosquats, List<Path> knownMalicious,
        boolean holdUnsigned, List<Path> registryKeys, boolean signerChange, List<IdentityPin> identities,
        List<Path> pgpKeyrings, Path sigstoreTrustedRoot, Instant sha1SignaturesUntil,
        Duration newSigningKeyWindow) {

    /** Sequoia's cut-off for SHA-1 where only a second preimage would forge a signature (docs/TRUST.md). */
    public static final Instant SHA1_SECOND_PREIMAGE_CUTOFF = Instant.parse("2023-02-01T00:00:00Z");
    /** The default {@code newSigningKeyWindow}: as long as a young release's added dependencies are looked at. */
    public static final Duration NEW_SIGNING_KEY_WINDOW = Duration.ofDays(30);

    /** The rules with the default signature-time settings. */
    public PolicyConfig(PolicyMode mode, Duration minimumReleaseAge, InstallHooks installHooks,
                        boolean publisherChange, boolean provenanceRegression, List<String> internalNamespaces,
                        List<String> allow, List<String> deny, boolean holdUnknownAge, boolean typosquats,
                        List<Path> knownMalicious, boolean holdUnsigned, List<Path> registryKeys,
                        boolean signerChange, List<IdentityPin> identities, List<Path> pgpKeyrings,
                        Path sigstoreTrustedRoot) {
        this(mode, minimumReleaseAge, installHooks, publisherChange, provenanceRegression, internalNamespaces, allow, deny,
                holdUnknownAge, typosquats, knownMalicious, holdUnsigned, registryKeys, signerChange, identities, pgpKeyrings,
                sigstoreTrustedRoot, SHA1_SECOND_PREIMAGE_CUTOFF, NEW_SIGNING_KEY_WINDOW);
    }

    /** The rules without the signer settings (changes held, no pins, no keyrings, the shipped Sigstore root). */
    public PolicyConfig(PolicyMode mode, Duration minimumReleaseAge, InstallHooks installHooks, boolean publisherChange,
                        boolean provenanceRegression, List<String> internalNamespaces, List<String> allow, List<String> deny,
                        boolean holdUnknownAge, boolean typosquats, List<Path> knownMalicious, boolean holdUnsigned,
                        List<Path> registryKeys) {
        this(mode, minimumReleaseAge, installHooks, publisherChange, provenanceRegression, internalNamespaces, allow, deny,
                holdUnknownAge, typosquats, knownMalicious, holdUnsigned, registryKeys, true, List.of(), List.of(), null);
    }

    /** The rules without the registry-signature settings (unsigned releases held, no key files). */
    public PolicyConfig(PolicyMode mode, Duration minimumReleaseAge, InstallHooks installHooks, boolean publisherChange,
                        boolean provenanceRegression, List<String> internalNamespaces, List<String> allow, List<String> deny,
                        boolean holdUnknownAge, boolean typosquats, List<Path> knownMalicious) {
        this(mode, minimumReleaseAge, installHooks, publisherChange, provenanceRegression, internalNamespaces, allow, deny,
                holdUnknownAge, typosquats, knownMalicious, true, List.of());
    }

    /** The rules without the unknown-age, typosquat and known-malicious settings (off, on, none). */
    public PolicyConfig(PolicyMode mode, Duration minimumReleaseAge, InstallHooks installHooks, boolean publisherChange,
                        boolean provenanceRegression, List<String> internalNamespaces, List<String> allow, List<String> deny) {
        this(mode, minimumReleaseAge, installHooks, publisherChange, provenanceRegression, internalNamespaces, allow, deny, false, true,
                List.of(), true, List.of());
    }

    public PolicyConfig {
        knownMalicious = List.copyOf(knownMalicious);
        registryKeys = List.copyOf(registryKeys);
        identities = List.copyOf(identities);
        pgpKeyrings = List.copyOf(pgpKeyrings);
        Objects.requireNonNull(mode, "mode");
        Checks.nonNegative("minimumReleaseAge", minimumReleaseAge);
        Objects.requireNonNull(installHooks, "installHooks");
        Objects.requireNonNull(sha1SignaturesUntil, "sha1SignaturesUntil");
        Checks.nonNegative("newSigningKeyWindow", newSigningKeyWindow);
        internalNamespaces = List.copyOf(internalNamespaces);
        allow = List.copyOf(allow);
        deny = List.copyOf(deny);
    }

    /** These rules with other signer settings. */
    public PolicyConfig withSigners(boolean signerChange, List<IdentityPin> identities, List<Path> pgpKeyrings,
                                    Path sigstoreTrustedRoot) {
        return new PolicyConfig(mode, minimumReleaseAge, installHooks, publisherChange, provenanceRegression, internalNamespaces, allow,
                deny, holdUnknownAge, typosquats, knownMalicious, holdUnsigned, registryKeys, signerChange, identities, pgpKeyrings,
                sigstoreTrustedRoot, sha1SignaturesUntil, newSigningKeyWindow);
    }

    /** These rules in another mode: {@code audit} decides exactly as {@code enforce} does, and only serves differently. */
    public PolicyConfig withMode(PolicyMode mode) {
        return new PolicyConfig(mode, minimumReleaseAge, installHooks, publisherChange, provenanceRegression, internalNamespaces, allow,
                deny, holdUnknownAge, typosquats, knownMalicious, holdUnsigned, registryKeys, signerChange, identities, pgpKeyrings,
                sigstoreTrustedRoot, sha1SignaturesUntil, newSigningKeyWindow);
    }
}
