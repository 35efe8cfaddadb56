package dev.airlock.core.policy;

import dev.airlock.config.IdentityPin;
import dev.airlock.config.PolicyConfig;
import dev.airlock.core.ecosystem.ContentFacts;
import dev.airlock.core.ecosystem.RegistryKey;
import dev.airlock.core.ecosystem.ReleaseFacts;
import dev.airlock.core.ecosystem.VersionOrder;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The checks, as a pure function of a package's release history, what Airlock observed and the
 * clock: no I/O, so that a package with thousands of versions is decided in one pass and every
 * rule can be tested on its own.
 *
 * <p>"Previous version" is the release upstream had published before this one that users
 * upgrade from: the highest lower version in the ecosystem's order (see {@link #previous}), never
 * the one Airlock happened to see before. A fact a document does not state is unknown and never
 * counts as a change.
 *
 * <p>About 870 lines, because it is the policy itself: one pass over a package's history with
 * each check a method of a few dozen lines, reading the same per-release context. Splitting
 * checks into classes would spread that context without making any check shorter.
 */
public final class PolicyEngine {

    private final PolicyConfig config;
    private final boolean holdUnknownAge;
    private final List<Pattern[]> allow;
    private final List<Pattern[]> deny;
    private final List<Pin> pins;
    private final List<Pattern> internal;
    private final String baseVersion;
    private volatile String version;
    /** Rules added at run time (admin API), beside the configured ones; replaced whole. */
    private volatile RuntimeRules runtime = new RuntimeRules(List.of(), List.of(), List.of());

    private record RuntimeRules(List<Pattern[]> allow, List<Pattern[]> deny, List<String> described) {
    }

    /**
     * @param holdUnknownAge whether a release whose age nothing tells (no publish time, present
     *                       since Airlock first saw the package) is held while the age rule is on
     */
    public PolicyEngine(PolicyConfig config, boolean holdUnknownAge) {
        this(config, holdUnknownAge, KnownMalicious.none(), Typosquats.none());
    }

    private final KnownMalicious malicious;
    private final Typosquats typosquats;

    /**
     * @param malicious  releases OSV lists as malicious (denied)
     * @param typosquats each ecosystem's popular names, for {@code policy.typosquats}
     */
    public PolicyEngine(PolicyConfig config, boolean holdUnknownAge, KnownMalicious malicious, Typosquats typosquats) {
        this.config = config;
        this.holdUnknownAge = holdUnknownAge;
        this.malicious = malicious;
        this.typosquats = typosquats;
        this.allow = config.allow().stream().map(PolicyEngine::releasePattern).toList();
        this.deny = config.deny().stream().map(PolicyEngine::releasePattern).toList();
        this.internal = config.internalNamespaces().stream().map(PolicyEngine::glob).toList();
        this.pins = config.identities().stream().map(p -> {
            Pattern[] r = releasePattern(p.packages() + "@*");
            return new Pin(new Pattern[]{r[0], r[1]}, p);
        }).toList();
        this.baseVersion = sha256(config + "|" + holdUnknownAge + "|" + malicious.size()).substring(0, 16);
        this.version = baseVersion;
    }

    /**
     * Replaces the rules added at run time. The engine's version changes with them, so every
     * stored verdict is decided again when its package is next used.
     *
     * @param rules "allow" or "deny" to a pattern in the {@code policy.allow} form, with an id for the findings
     */
    public void runtimeRules(List<Map.Entry<String, String>> rules) {
        List<Pattern[]> a = new ArrayList<>();
        List<Pattern[]> d = new ArrayList<>();
        List<String> described = new ArrayList<>();
        for (Map.Entry<String, String> r : rules) {
            (r.getKey().equals("deny") ? d : a).add(releasePattern(r.getValue()));
            described.add(r.getKey() + " " + r.getValue());
        }
        runtime = new RuntimeRules(List.copyOf(a), List.copyOf(d), List.copyOf(described));
        version = described.isEmpty() ? baseVersion : sha256(baseVersion + "|" + described).substring(0, 16);
    }

    /** Checks a pattern in the {@code policy.allow} form; throws IllegalArgumentException naming what is wrong. */
    public static void checkRulePattern(String pattern) {
        if (pattern == null || pattern.isBlank() || pattern.length() > 300 || pattern.chars().anyMatch(Character::isWhitespace)) {
            throw new IllegalArgumentException("a rule pattern is ecosystem:name@version with * globs, e.g. npm:esbuild@*, "
                    + "without spaces, at most 300 characters");
        }
        releasePattern(pattern);
    }

    /** Each ecosystem's registry keys by keyid (pinned, fetched or from files); empty when its registry does not sign. */
    private volatile Function<String, Map<String, RegistryKey>> registryKeys =
            eco -> Map.of();

    public void registryKeys(Function<String, Map<String, RegistryKey>> keys) {
        this.registryKeys = keys;
    }

    /** The registry keys the engine checks an ecosystem's signatures with. */
    public Map<String, RegistryKey> registryKeysOf(String ecosystem) {
        return registryKeys.apply(ecosystem);
    }

    /** Changes whenever a setting that decides verdicts changes; stored with each verdict. */
    public String version() {
        return version;
    }

    public PolicyConfig config() {
        return config;
    }

    /**
     * Decides every release of a package.
     *
     * @param history  the releases in upstream publish order
     * @param observed when Airlock first saw each version listed; a version first seen after the
     *                 package itself cannot be older than that, whatever upstream claims
     */
    public List<Evaluation> evaluate(String ecosystem, String packageName, List<ReleaseFacts> history, Map<String, Instant> observed,
                                     Instant now) {
        return evaluate(ecosystem, packageName, history, observed, Map.of(), now);
    }

    /**
     * @param content what inspected files of each version contain (merged over its files); a
     *                version absent from the map was not inspected
     */
    public List<Evaluation> evaluate(String ecosystem, String packageName, List<ReleaseFacts> history, Map<String, Instant> observed,
                                     Map<String, ContentFacts> content, Instant now) {
        return evaluate(ecosystem, packageName, history, observed, content, dep -> null, now);
    }

    /** How a dependency stands: why its newest release is held, or null when it is not (or is unknown). */
    public interface Dependencies {
        String held(String dependency);
    }

    /**
     * How long a package must have been published before a release for a name one edit from a
     * popular one to be noted rather than held. Publish times are the registry's, which a
     * publisher cannot set.
     */
    static final Duration ESTABLISHED = Duration.ofDays(365);

    /** Whether the package's first release was published {@link #ESTABLISHED} or more before {@code release}; false when a time is unknown. */
    private static boolean established(Instant firstPublished, ReleaseFacts release) {
        return firstPublished != null && release.publishedAt() != null && !firstPublished.plus(ESTABLISHED).isAfter(release.publishedAt());
    }

    /** How far back a release is young enough for the dependencies it adds to be looked at. */
    static final Duration DEPENDENCY_WINDOW = Duration.ofDays(30);

    /**
     * @param dependencies looks at a dependency a young release adds (the ecosystem's own policy
     *                     decides that package); consulted only for releases within
     *                     {@link #DEPENDENCY_WINDOW}
     */
    public List<Evaluation> evaluate(String ecosystem, String packageName, List<ReleaseFacts> history, Map<String, Instant> observed,
                                     Map<String, ContentFacts> content, Dependencies dependencies, Instant now) {
        return evaluate(ecosystem, packageName, history, observed, content, dependencies, null, now);
    }

    /**
     * @param order the ecosystem's version order, or null: with it, "previous" is chosen as
     *              {@link #previous} says; without it, it is the release before in {@code history}
     */
    public List<Evaluation> evaluate(String ecosystem, String packageName, List<ReleaseFacts> history, Map<String, Instant> observed,
                                     Map<String, ContentFacts> content, Dependencies dependencies, VersionOrder order,
                                     Instant now) {
        Instant packageFirstSeen = observed.values().stream().min(Instant::compareTo).orElse(now);
        Instant firstPublished = history.stream().map(ReleaseFacts::publishedAt).filter(Objects::nonNull)
                .min(Instant::compareTo).orElse(null);
        List<Evaluation> out = new ArrayList<>(history.size());
        ReleaseFacts[] previousOf = previous(history, order);
        for (int i = 0; i < history.size(); i++) {
            ReleaseFacts release = history.get(i);
            ReleaseFacts previous = previousOf[i];
            Evaluation e = evaluate(ecosystem, packageName, release, previous, observed.get(release.version()), packageFirstSeen,
                    firstPublished, content.get(release.version()), previous == null ? null : content.get(previous.version()), now);
            List<Finding> added = addedDependencies(release, previous, dependencies, now);
            if (!added.isEmpty() && e.verdict() != Verdict.DENIED) {
                List<Finding> all = new ArrayList<>(e.findings());
                all.addAll(added);
                boolean allowed = all.stream().anyMatch(f -> f.check().equals("allow"));
                e = new Evaluation(e.version(), allowed ? Verdict.APPROVED : Verdict.QUARANTINED, all, null,
                        e.factsDigest() + ":" + sha256(added.toString()).substring(0, 8));
            }
            out.add(e);
        }
        return out;
    }

    /**
     * The release each release of {@code history} is compared with, by index (null for none).
     *
     * <p>It is the highest version lower than the release, in the ecosystem's order, among those
     * published before it. For a final release pre-releases are passed over (3.51.0 is compared
     * with 3.50.0, never with 3.0.0-beta.20), unless only pre-releases are lower; a pre-release
     * is compared with whatever is just below it. Publish times only pass over a lower version
     * published after the release (a backport to an old line such as 2.5.0 after 3.0.0 is not
     * what 3.0.0 upgraded from). Where they cannot say (a time missing on
     * either side) or contradict the versions (no lower version has a time before the release),
     * version order alone decides: mirrors rewrite times and migrated packages carry odd ones,
     * while version order is what users upgrade along.
     *
     * <p>Without an order, the previous release is the one before in {@code history}.
     */
    static ReleaseFacts[] previous(List<ReleaseFacts> history, VersionOrder order) {
        int n = history.size();
        ReleaseFacts[] out = new ReleaseFacts[n];
        if (order == null) {
            for (int i = 1; i < n; i++) {
                out[i] = history.get(i - 1);
            }
            return out;
        }
        Integer[] byVersion = new Integer[n];
        boolean[] pre = new boolean[n];
        for (int i = 0; i < n; i++) {
            byVersion[i] = i;
            pre[i] = order.preRelease(history.get(i).version());
        }
        Arrays.sort(byVersion, (a, b) -> order.compare(history.get(a).version(), history.get(b).version()));
        for (int p = 0; p < n; p++) {
            int i = byVersion[p];
            ReleaseFacts release = history.get(i);
            int k = p - 1;
            while (k >= 0 && order.compare(history.get(byVersion[k]).version(), release.version()) == 0) {
                k--; // an equal spelling ("1.0" and "1.0.0" in Maven) is not lower
            }
            int highest = -1;
            int highestPre = -1;
            int chosen = -1;
            for (; k >= 0 && chosen < 0; k--) {
                int j = byVersion[k];
                if (pre[j] && !pre[i]) {
                    highestPre = highestPre < 0 ? j : highestPre;
                    continue;
                }
                highest = highest < 0 ? j : highest;
                Instant at = history.get(j).publishedAt();
                if (at == null || release.publishedAt() == null || !at.isAfter(release.publishedAt())) {
                    chosen = j;
                }
            }
            chosen = chosen >= 0 ? chosen : highest >= 0 ? highest : highestPre;
            out[i] = chosen < 0 ? null : history.get(chosen);
        }
        return out;
    }

    private Evaluation evaluate(String ecosystem, String packageName, ReleaseFacts release, ReleaseFacts previous, Instant observedAt,
                                Instant packageFirstSeen, Instant firstPublished, ContentFacts content, ContentFacts previousContent, Instant now) {
        List<Finding> findings = new ArrayList<>();
        String coordinates = ecosystem + ":" + packageName + "@" + release.version();
        KnownMalicious.Entry mal = malicious.find(ecosystem, packageName, release.version());
        RuntimeRules rt = runtime;
        boolean runtimeDeny = matches(rt.deny(), ecosystem, packageName, release.version());
        boolean denied = matches(deny, ecosystem, packageName, release.version()) || runtimeDeny || mal != null;
        boolean denyRule = denied;
        if (mal != null) {
            findings.add(Finding.hold("known-malicious", "listed as malicious by OSV " + mal.id() + (mal.summary().isEmpty() ? ""
                    : ": " + mal.summary()), Map.of("osv", mal.id())));
        }
        boolean runtimeAllow = !denied && matches(rt.allow(), ecosystem, packageName, release.version());
        boolean allowed = !denied && (matches(allow, ecosystem, packageName, release.version()) || runtimeAllow);
        if (denyRule && mal == null) {
            findings.add(Finding.hold("deny", runtimeDeny ? "denied by a rule added by the security team" : "denied by policy.deny",
                    Map.of("release", coordinates)));
        }
        if (config.typosquats()) {
            String imitated = typosquats.imitates(ecosystem, packageName);
            if (imitated != null && established(firstPublished, release)) {
                // A squat does its harm while it is new; color (beside colors) and mquery (beside jquery) have been
                // published for a decade and are installed by builds everywhere.
                findings.add(Finding.note("typosquat", packageName + " is one edit away from the popular package " + imitated
                        + ", but has been published since " + firstPublished + ", over " + ESTABLISHED.toDays()
                        + " days before this release", Map.of("popular", imitated, "firstPublished", firstPublished.toString())));
            } else if (imitated != null) {
                findings.add(Finding.hold("typosquat", packageName + " is one edit away from the popular package " + imitated
                        + " (possible typosquat)", Map.of("popular", imitated)));
            }
        }
        if (allowed) {
            findings.add(Finding.note("allow", runtimeAllow && !matches(allow, ecosystem, packageName, release.version())
                    ? "allowed by a rule added by the security team" : "allowed by policy.allow", Map.of("release", coordinates)));
        }
        if (registrySignature(ecosystem, release, findings)) {
            denied = true;
        }
        namespace(packageName, findings);
        installHooks(release, previous, findings);
        publisher(release, previous, findings);
        provenance(release, previous, findings);
        content(release, previous, content, previousContent, findings);
        if (signer(ecosystem, packageName, release, previous, content, previousContent, observedAt, packageFirstSeen, now, findings)) {
            denied = true;
        }
        Instant comesOfAge = age(release, observedAt, packageFirstSeen, now, findings);

        Verdict verdict;
        Instant heldUntil = null;
        if (denied) {
            verdict = Verdict.DENIED;
        } else if (allowed || findings.stream().noneMatch(Finding::holds)) {
            verdict = Verdict.APPROVED;
        } else {
            verdict = Verdict.QUARANTINED;
            boolean onlyAge = findings.stream().filter(Finding::holds).allMatch(f -> f.check().equals("age"));
            heldUntil = onlyAge ? comesOfAge : null;
        }
        return new Evaluation(release.version(), verdict, findings, heldUntil, digest(release, previous) + digest(content));
    }

    /**
     * A young release that adds a dependency whose own newest release the policy holds (too
     * young, an install hook): the axios 2026 shape, where the attack lived in a dependency
     * published an hour before. Only dependencies absent from the previous version count.
     */
    private List<Finding> addedDependencies(ReleaseFacts release, ReleaseFacts previous, Dependencies dependencies, Instant now) {
        if (previous == null || release.dependencies() == null || previous.dependencies() == null || release.publishedAt() == null
                || release.publishedAt().isBefore(now.minus(DEPENDENCY_WINDOW))) {
            return List.of();
        }
        List<Finding> out = new ArrayList<>();
        for (String dep : release.dependencies().keySet()) {
            if (previous.dependencies().containsKey(dep)) {
                continue;
            }
            String why = dependencies.held(dep);
            if (why != null) {
                out.add(Finding.hold("new-dependency", "adds a dependency on " + dep + ", which Airlock holds: " + why,
                        Map.of("dependency", dep, "range", release.dependencies().get(dep), "previousVersion", previous.version())));
            }
        }
        return out;
    }

    /**
     * What the release's files contain. Unsafe archive entries and contradictions with the
     * registry manifest always hold. A hook found in the content (a .pth file, an annotation
     * processor, an undeclared binding.gyp) holds under {@code new} unless the previous version's
     * files are known to have the same kind: content nobody read is no evidence that it was there.
     */
    private void content(ReleaseFacts release, ReleaseFacts previous, ContentFacts content, ContentFacts previousContent,
                         List<Finding> findings) {
        if (content == null) {
            return;
        }
        for (String anomaly : content.anomalies()) {
            findings.add(Finding.hold("archive", anomaly, Map.of("finding", anomaly)));
        }
        for (Map.Entry<String, String> m : content.mismatches().entrySet()) {
            findings.add(Finding.hold("manifest-confusion", "the archive's manifest differs from the registry's: " + m.getKey() + " ("
                    + m.getValue() + ")", Map.of("field", m.getKey(), "difference", m.getValue())));
        }
        for (Map.Entry<String, String> h : content.installHooks().entrySet()) {
            boolean hadIt = previousContent != null && previousContent.installHooks().containsKey(h.getKey());
            Map<String, String> evidence = new LinkedHashMap<>();
            evidence.put("hook", h.getKey());
            evidence.put("evidence", h.getValue());
            if (previous != null) {
                evidence.put("previousVersion", previous.version());
                evidence.put("previousContent", previousContent == null ? "not inspected" : hadIt ? "has it" : "does not have it");
            }
            String what = hadIt ? "ships " + h.getKey() + " as " + previous.version() + " did: " + h.getValue()
                    : "ships " + h.getKey() + " (" + h.getValue() + ")" + (previous == null ? ", in the first version"
                    : previousContent == null ? ", which " + previous.version() + " is not known to have"
                    : ", which " + previous.version() + " did not have");
            boolean hold = switch (config.installHooks()) {
                case ALL -> true;
                case NEW, STRICT -> !hadIt;
                case OFF -> false;
            };
            findings.add(hold ? Finding.hold("install-hooks", what, evidence) : Finding.note("install-hooks", what, evidence));
        }
    }

    private static String digest(ContentFacts content) {
        if (content == null) {
            return "";
        }
        // The reading as it printed before signers were recorded: a person's decision on a
        // release is kept against this digest, so an upgrade alone must not change it.
        String base = "ContentFacts[installHooks=" + content.installHooks() + ", mismatches=" + content.mismatches()
                + ", anomalies=" + content.anomalies() + "]";
        if (!content.signer().isEmpty() || !content.signatureFailures().isEmpty()) {
            base += content.signer() + "" + content.signatureFailures();
        }
        return ":" + sha256(base).substring(0, 16);
    }

    /**
     * Who signed a release, against the previous release and the operator's pins: a signature
     * over the bytes that does not verify denies it; a different source repository, workflow or
     * OpenPGP key than the previous release's holds it ({@code policy.signerChange}), as does a
     * signature or provenance the previous release had and this one lacks
     * ({@code policy.provenanceRegression}); a pinned package built elsewhere is held.
     *
     * @return whether the release is denied
     */
    private boolean signer(String ecosystem, String packageName, ReleaseFacts release, ReleaseFacts previous, ContentFacts content,
                           ContentFacts previousContent, Instant observedAt, Instant packageFirstSeen, Instant now, List<Finding> findings) {
        boolean denied = false;
        if (content != null) {
            for (String f : content.signatureFailures()) {
                findings.add(Finding.hold("signature", f, Map.of()));
                denied = true;
            }
        }
        Map<String, String> cur = content == null ? Map.of() : content.signer();
        Map<String, String> prev = previousContent == null ? Map.of() : previousContent.signer();
        Instant signedAt = instant(cur.get(ContentFacts.PGP_SIGNED_AT));
        signatureHash(release, cur, signedAt, findings);
        if (config.signerChange() && nonEmpty(cur.get(ContentFacts.PGP_KEY_FIRST))) {
            When when = when(release, observedAt, packageFirstSeen, signedAt);
            Duration window = config.newSigningKeyWindow();
            boolean young = !window.isZero() && (when == null || when.at().isAfter(now.minus(window)));
            String what = "signed by " + cur.get(ContentFacts.PGP_KEY) + ", a key new to its group, which was signed by "
                    + cur.get(ContentFacts.PGP_KEY_FIRST) + " before; "
                    + (when == null ? "when it was published is unknown" : when.how() + " " + when.at())
                    + (young ? ", within policy.newSigningKeyWindow (" + human(window) + ")"
                    : ", longer ago than policy.newSigningKeyWindow (" + human(window) + "), so only noted");
            Map<String, String> evidence = new TreeMap<>();
            evidence.put("now", cur.get(ContentFacts.PGP_KEY));
            evidence.put("known", cur.get(ContentFacts.PGP_KEY_FIRST));
            evidence.put("newSigningKeyWindow", window.toString());
            if (when != null) {
                evidence.put(when.how().replace(" ", "-"), when.at().toString());
            }
            findings.add(young ? Finding.hold("signer", what, evidence) : Finding.note("signer", what, evidence));
        }
        if (previous != null) {
            Map<String, String> evidence = new TreeMap<>();
            evidence.put("previousVersion", previous.version());
            if (config.signerChange()) {
                for (String key : List.of(ContentFacts.REPOSITORY, ContentFacts.WORKFLOW, ContentFacts.PGP_KEY)) {
                    String a = prev.get(key);
                    String b = cur.get(key);
                    if (a != null && b != null && !a.isEmpty() && !b.isEmpty() && !a.equals(b)) {
                        Map<String, String> ev = new TreeMap<>(evidence);
                        ev.put("previous", a);
                        ev.put("now", b);
                        String what = switch (key) {
                            case ContentFacts.PGP_KEY -> "signed by " + b + ", " + previous.version() + " by " + a;
                            case ContentFacts.REPOSITORY -> "built from another source repository: " + b + ", " + previous.version()
                                    + " from " + a;
                            default -> "built by another workflow: " + b + ", " + previous.version() + " by " + a;
                        };
                        // OpenPGP keys are judged per group (a key new to it, above): projects sign
                        // each release with its release manager's key, so a change alone is routine.
                        findings.add(key.equals(ContentFacts.PGP_KEY) ? Finding.note("signer", what, ev) : Finding.hold("signer", what, ev));
                    }
                }
            }
            if (config.provenanceRegression()) {
                if (nonEmpty(prev.get(ContentFacts.PGP_KEY)) && "".equals(cur.get(ContentFacts.PGP_KEY))) {
                    findings.add(Finding.hold("signer", "published without the .asc signature " + previous.version() + " had (by "
                            + prev.get(ContentFacts.PGP_KEY) + ")", evidence));
                }
                // Registries that list provenance in metadata (npm) are checked from the listing instead.
                if (release.provenance() == null && nonEmpty(prev.get(ContentFacts.PROVENANCE)) && "".equals(cur.get(ContentFacts.PROVENANCE))) {
                    findings.add(Finding.hold("provenance", "published without the provenance " + previous.version() + " had ("
                            + prev.get(ContentFacts.PROVENANCE) + ")", evidence));
                }
            }
        }
        for (Pin pin : pins) {
            if (!pin.packages()[0].matcher(ecosystem).matches() || !pin.packages()[1].matcher(packageName).matches()) {
                continue;
            }
            String why = pin.mismatch(cur, release);
            boolean young = release.publishedAt() == null || release.publishedAt().isAfter(now.minus(DEPENDENCY_WINDOW));
            // Releases older than the window were published before anyone looked; their provenance is not fetched.
            if (why != null && (cur.containsKey(ContentFacts.PROVENANCE) || young)) {
                findings.add(Finding.hold("identity", why, pin.evidence()));
            }
        }
        return denied;
    }

    private static boolean nonEmpty(String s) {
        return s != null && !s.isEmpty();
    }

    /** Hashes whose collisions can be computed but whose second preimages cannot (SHA-1 since 2020). */
    private static final Set<String> COLLISION_WEAK = Set.of("SHA-1", "RIPEMD-160");
    /** Hashes no signature is accepted over at any date. */
    private static final Set<String> BROKEN = Set.of("MD5");

    /**
     * The hash of a signature a trusted key verified, judged as the OpenPGP world judges it
     * (docs/TRUST.md): collision-weak hashes are accepted, with a note, for releases published
     * before {@code policy.sha1SignaturesUntil}, because moving a signature to other bytes of an
     * already published file needs a second preimage; after it they hold, since a collision
     * prepared with the file could let it cover other bytes. MD5 always holds. Never a denial:
     * the signature does verify, its quality is what a person judges.
     */
    private void signatureHash(ReleaseFacts release, Map<String, String> signer, Instant signedAt, List<Finding> findings) {
        String hash = signer.get(ContentFacts.PGP_HASH);
        String key = signer.get(ContentFacts.PGP_KEY);
        if (hash == null || !nonEmpty(key) || !COLLISION_WEAK.contains(hash) && !BROKEN.contains(hash)) {
            return;
        }
        Instant reference = release.publishedAt() != null ? release.publishedAt() : signedAt;
        String basis = release.publishedAt() != null ? "published " : "signed (by its own date) ";
        Instant cutoff = config.sha1SignaturesUntil();
        Map<String, String> evidence = new TreeMap<>();
        evidence.put("hash", hash);
        evidence.put("key", key);
        evidence.put("sha1SignaturesUntil", cutoff.toString());
        if (reference != null) {
            evidence.put(release.publishedAt() != null ? "publishedAt" : "signedAt", reference.toString());
        }
        String by = "the .asc signature by " + key + " uses " + hash;
        if (BROKEN.contains(hash)) {
            findings.add(Finding.hold("signature", by + ", which no signature is accepted over", evidence));
        } else if (reference != null && reference.isBefore(cutoff)) {
            findings.add(Finding.note("signature", by + "; accepted because the file was " + basis + reference
                    + ", before policy.sha1SignaturesUntil (" + cutoff + "): moving it to other bytes needs a second preimage", evidence));
        } else {
            findings.add(Finding.hold("signature", by + " and the file was " + (reference == null ? "published at an unknown time"
                    : basis + reference) + ", not before policy.sha1SignaturesUntil (" + cutoff + "): a collision prepared with the file "
                    + "could make the signature cover other bytes", evidence));
        }
    }

    /** When a release came out, and how that is known. */
    private record When(Instant at, String how) {
    }

    /**
     * The best statement of when a release came out: its publish time; else, for a version that
     * appeared after Airlock first saw the package, that first sighting; else the signature's own
     * date. Never Airlock's first sighting of a package already there: on a cold cache that would
     * make every old release look new.
     */
    private static When when(ReleaseFacts release, Instant observedAt, Instant packageFirstSeen, Instant signedAt) {
        if (release.publishedAt() != null) {
            return new When(release.publishedAt(), "published");
        }
        if (observedAt != null && packageFirstSeen != null && observedAt.isAfter(packageFirstSeen)) {
            return new When(observedAt, "first seen by Airlock");
        }
        return signedAt == null ? null : new When(signedAt, "signed (by its own date)");
    }

    private static Instant instant(String iso) {
        try {
            return iso == null || iso.isEmpty() ? null : Instant.parse(iso);
        } catch (DateTimeParseException e) {
            return null;
        }
    }

    private static String human(Duration d) {
        return d.toDays() > 0 && d.toHoursPart() == 0 && d.toMinutesPart() == 0 ? d.toDays() + "d" : d.toString().substring(2).toLowerCase();
    }

    /** A pinned identity from {@code policy.identities}, compiled. */
    private record Pin(Pattern[] packages, IdentityPin pin) {
        /** Why a release's verified signer is not the pinned one, or null when it is. */
        String mismatch(Map<String, String> signer, ReleaseFacts release) {
            String p = signer.get(ContentFacts.PROVENANCE);
            if (p == null && "".equals(release.provenance())) {
                p = ""; // the registry lists none
            }
            if (p == null) {
                return "its provenance is not verified yet, and policy.identities pins who builds " + pin.packages();
            }
            if (p.isEmpty()) {
                return "it has no provenance, but policy.identities pins who builds " + pin.packages();
            }
            if (pin.repository() != null && !pin.repository().equals(signer.get(ContentFacts.REPOSITORY))) {
                return "built from " + signer.get(ContentFacts.REPOSITORY) + ", not the pinned repository " + pin.repository();
            }
            if (pin.workflow() != null && !pin.workflow().equals(signer.get(ContentFacts.WORKFLOW))) {
                return "built by " + signer.get(ContentFacts.WORKFLOW) + ", not the pinned workflow " + pin.workflow();
            }
            String ref = signer.get(ContentFacts.REF);
            if (pin.ref() != null && (ref == null || !pin.ref().matcher(ref).matches())) {
                return "built at " + ref + ", which the pinned ref pattern " + pin.ref() + " does not match";
            }
            return null;
        }

        Map<String, String> evidence() {
            Map<String, String> e = new TreeMap<>();
            e.put("pin", pin.packages());
            if (pin.repository() != null) {
                e.put("repository", pin.repository());
            }
            if (pin.workflow() != null) {
                e.put("workflow", pin.workflow());
            }
            if (pin.ref() != null) {
                e.put("ref", pin.ref().pattern());
            }
            return e;
        }
    }

    /**
     * Provenance regression: the previous release was built with provenance (a CI workflow signed
     * where it came from) and this one has none, the shape of a release pushed with a stolen token
     * from a laptop. Unknown on either side is no change.
     */
    private void provenance(ReleaseFacts release, ReleaseFacts previous, List<Finding> findings) {
        if (previous == null || release.provenance() == null || previous.provenance() == null) {
            return;
        }
        if (!previous.provenance().isEmpty() && release.provenance().isEmpty()) {
            String what = "published without the provenance " + previous.version() + " had (" + previous.provenance() + ")";
            Map<String, String> evidence = Map.of("previousVersion", previous.version(), "previousProvenance", previous.provenance());
            findings.add(config.provenanceRegression() ? Finding.hold("provenance", what, evidence) : Finding.note("provenance", what, evidence));
        }
    }

    /**
     * The registry's signature over the release: a signature by a known key that does not verify
     * (or whose key had expired when the release was published) denies it; none at all, while
     * the registry signs, holds it ({@code policy.holdUnsigned}); one only by keys Airlock does
     * not know holds it.
     *
     * @return whether the release is denied
     */
    private boolean registrySignature(String ecosystem, ReleaseFacts release, List<Finding> findings) {
        Map<String, RegistryKey> keys = registryKeys.apply(ecosystem);
        if (release.signatures() == null || keys.isEmpty()) {
            return false;
        }
        if (release.signatures().isEmpty()) {
            String what = "carries no registry signature, while the registry signs its releases";
            findings.add(config.holdUnsigned() ? Finding.hold("registry-signature", what, Map.of())
                    : Finding.note("registry-signature", what, Map.of()));
            return false;
        }
        boolean verified = false;
        List<String> unknown = new ArrayList<>();
        List<String> expired = new ArrayList<>();
        for (ReleaseFacts.RegistrySignature sig : release.signatures()) {
            RegistryKey key = keys.get(sig.keyid());
            if (key == null) {
                unknown.add(sig.keyid());
                continue;
            }
            if (key.expires() != null && release.publishedAt() != null && release.publishedAt().isAfter(key.expires())) {
                expired.add(sig.keyid() + " (expired " + key.expires() + ")");
                continue;
            }
            if (!Signatures.verifyEcdsa(key.spki(), sig.signature(), sig.message())) {
                findings.add(Finding.hold("registry-signature", "its registry signature by " + sig.keyid() + " does not verify over "
                        + sig.message(), Map.of("keyid", sig.keyid(), "message", sig.message(), "signature", sig.signature())));
                return true;
            }
            verified = true;
        }
        if (!verified && !expired.isEmpty()) {
            findings.add(Finding.hold("registry-signature", "signed only with registry keys that had expired before it was published: "
                    + String.join(", ", expired), Map.of("keys", String.join(",", expired))));
            return true;
        }
        if (!verified) {
            findings.add(Finding.hold("registry-signature", "signed only by registry keys Airlock does not know: " + String.join(", ", unknown),
                    Map.of("keyids", String.join(",", unknown))));
        }
        return false;
    }

    /** Internal names must never come from a public upstream: that is dependency confusion. */
    private void namespace(String packageName, List<Finding> findings) {
        for (int i = 0; i < internal.size(); i++) {
            if (internal.get(i).matcher(packageName).matches()) {
                findings.add(Finding.hold("namespace", packageName + " is an internal name (policy.internalNamespaces: "
                        + config.internalNamespaces().get(i) + ") served by a public upstream: possible dependency confusion",
                        Map.of("pattern", config.internalNamespaces().get(i))));
                return;
            }
        }
    }

    private void installHooks(ReleaseFacts release, ReleaseFacts previous, List<Finding> findings) {
        Map<String, String> hooks = release.installHooks();
        if (hooks == null || hooks.isEmpty()) {
            return;
        }
        Map<String, String> before = previous == null ? Map.of() : previous.installHooks();
        for (Map.Entry<String, String> h : hooks.entrySet()) {
            if (h.getKey().equals("prepare")) {
                // npm runs prepare only for git and local installs, never for a registry tarball: recorded, not held.
                findings.add(Finding.note("install-hooks", "has a prepare script (runs for git and local installs only, not from "
                        + "the registry): " + h.getValue(), Map.of("hook", "prepare", "script", h.getValue())));
                continue;
            }
            Map<String, String> evidence = new LinkedHashMap<>();
            evidence.put("hook", h.getKey());
            evidence.put("script", h.getValue());
            String was = before == null ? null : before.get(h.getKey());
            boolean isNew = before != null && was == null;
            boolean changed = was != null && !was.equals(h.getValue());
            boolean nativeBuildMove = changed && NativeBuilds.isKnown(was) && NativeBuilds.isKnown(h.getValue());
            if (changed) {
                evidence.put("previousScript", was);
            }
            if (nativeBuildMove) {
                evidence.put("nativeBuild", "both are well-known native-build commands");
            }
            if (previous != null) {
                evidence.put("previousVersion", previous.version());
            }
            String what = previous == null ? "the first version runs " + h.getKey() + ": " + h.getValue()
                    : isNew ? "adds " + (h.getKey().startsWith("i") ? "an " : "a ") + h.getKey() + " script, which " + previous.version()
                    + " did not have: " + h.getValue()
                    : changed ? "changes its " + h.getKey() + " script from '" + was + "' to '" + h.getValue() + "'"
                    + (nativeBuildMove ? " (one well-known native-build command for another)" : "")
                    : before == null ? "runs " + h.getKey() + ": " + h.getValue() + " (the previous version's scripts are unknown)"
                    : "runs " + h.getKey() + " as " + previous.version() + " did: " + h.getValue();
            boolean hold = switch (config.installHooks()) {
                case ALL -> true;
                case NEW -> previous == null || isNew || changed && !nativeBuildMove;
                case STRICT -> previous == null || isNew || changed;
                case OFF -> false;
            };
            findings.add(hold ? Finding.hold("install-hooks", what, evidence) : Finding.note("install-hooks", what, evidence));
        }
    }

    private void publisher(ReleaseFacts release, ReleaseFacts previous, List<Finding> findings) {
        if (previous == null) {
            return;
        }
        if (release.publisher() != null && previous.publisher() != null && !release.publisher().equals(previous.publisher())) {
            String what = "published by " + release.publisher() + ", while " + previous.version() + " was published by " + previous.publisher();
            Map<String, String> evidence = Map.of("publisher", release.publisher(), "previousPublisher", previous.publisher(),
                    "previousVersion", previous.version());
            findings.add(config.publisherChange() ? Finding.hold("publisher", what, evidence) : Finding.note("publisher", what, evidence));
        }
        if (release.maintainers() != null && previous.maintainers() != null) {
            Set<String> added = new TreeSet<>(release.maintainers());
            added.removeAll(previous.maintainers());
            if (!added.isEmpty()) {
                findings.add(Finding.note("publisher", "new maintainers since " + previous.version() + ": " + String.join(", ", added),
                        Map.of("added", String.join(",", added), "previousVersion", previous.version())));
            }
        }
    }

    /**
     * Holds releases younger than the minimum age. The age counts from upstream's publish time,
     * but never from earlier than Airlock's own first sighting when the version appeared after
     * Airlock first saw the package (a backdated publish time cannot make it older).
     *
     * @return when it comes of age, or null when it is of age or its age is unknown
     */
    private Instant age(ReleaseFacts release, Instant observedAt, Instant packageFirstSeen, Instant now, List<Finding> findings) {
        Duration minimum = config.minimumReleaseAge();
        if (minimum.isZero()) {
            return null;
        }
        Instant published = release.publishedAt();
        boolean appearedLater = observedAt != null && observedAt.isAfter(packageFirstSeen);
        Instant since = published;
        if (appearedLater && (since == null || since.isBefore(observedAt))) {
            since = observedAt;
        }
        if (since == null) {
            if (holdUnknownAge) {
                findings.add(Finding.hold("age", "publish time unknown (policy holds releases of unknown age)", Map.of()));
            }
            return null;
        }
        Instant ofAge = since.plus(minimum);
        if (now.isBefore(ofAge)) {
            Map<String, String> evidence = new LinkedHashMap<>();
            evidence.put("publishedAt", published == null ? "unknown" : published.toString());
            if (observedAt != null) {
                evidence.put("firstSeenByAirlock", observedAt.toString());
            }
            evidence.put("age", Duration.between(since, now).toString());
            evidence.put("minimumReleaseAge", minimum.toString());
            evidence.put("releasedAt", ofAge.toString());
            findings.add(Finding.hold("age", "younger than policy.minimumReleaseAge (" + minimum.toString().substring(2).toLowerCase()
                    + "): " + (since == published ? "published " : "first seen by Airlock ") + since + ", released at " + ofAge, evidence));
            return ofAge;
        }
        return null;
    }

    private static String digest(ReleaseFacts release, ReleaseFacts previous) {
        StringBuilder b = new StringBuilder(400);
        release.append(b);
        b.append('|');
        if (previous == null) {
            b.append("null");
        } else {
            previous.append(b);
        }
        return sha256(b.toString()).substring(0, 32);
    }

    /** "eco:name@version" with '*' globs; the ecosystem and the version part are optional. */
    private static Pattern[] releasePattern(String spec) {
        String eco = "*";
        String rest = spec;
        // The ecosystem part is an id or '*'. A Maven name has a ':' of its own, so Maven
        // patterns are written with their ecosystem: "maven:com.acme:*".
        Matcher m = Pattern.compile("^([a-z][a-z0-9-]*|\\*):(.+)$").matcher(spec);
        if (m.matches()) {
            eco = m.group(1);
            rest = m.group(2);
        }
        int at = rest.lastIndexOf('@');
        String name = at > 0 ? rest.substring(0, at) : rest;
        String version = at > 0 ? rest.substring(at + 1) : "*";
        return new Pattern[]{glob(eco), glob(name), glob(version)};
    }

    private static boolean matches(List<Pattern[]> patterns, String ecosystem, String name, String version) {
        for (Pattern[] p : patterns) {
            if (p[0].matcher(ecosystem).matches() && p[1].matcher(name).matches() && p[2].matcher(version).matches()) {
                return true;
            }
        }
        return false;
    }

    static Pattern glob(String glob) {
        StringBuilder re = new StringBuilder();
        String[] parts = glob.split("\\*", -1);
        for (int k = 0; k < parts.length; k++) {
            if (k > 0) {
                re.append(".*");
            }
            re.append(Pattern.quote(parts[k]));
        }
        return Pattern.compile(re.toString());
    }

    static String sha256(String text) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Opaque, stable id of a release, for the quarantine commands and the 403 body. */
    public static String releaseId(String ecosystem, String packageName, String version) {
        return sha256(ecosystem + "\0" + packageName + "\0" + version).substring(0, 12);
    }
}
