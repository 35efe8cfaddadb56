package dev.airlock.core.policy;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.airlock.core.ecosystem.AttestationCheck;
import dev.airlock.core.ecosystem.ContentFacts;
import dev.airlock.core.ecosystem.Ecosystem;
import dev.airlock.core.ecosystem.PackageMetadata;
import dev.airlock.core.ecosystem.ReleaseFacts;
import dev.airlock.core.store.Ledgers;
import dev.airlock.core.store.Observations;

import java.lang.System.Logger.Level;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * The attestations a registry lists for releases (npm's publish attestation and SLSA
 * provenance): fetched from the upstream, verified offline with the ecosystem's verifier, and
 * the outcome kept. Who verifiably built a release is stored with its content readings (it never
 * changes for those bytes); a refutation is stored too and denies the release; failures to read
 * are kept in memory and asked again.
 */
public final class Attestations {

    private static final System.Logger LOG = System.getLogger("airlock.policy");
    private static final ObjectMapper JSON = new ObjectMapper();
    /** Attestation documents fetched in one decision at most; the rest wait for the next (held meanwhile). */
    static final int MAX_ATTESTATION_FETCHES = 8;

    private final Source source;
    private final Function<String, Ecosystem> ecosystems;
    private final PolicyEngine engine;
    private final Ledgers state;
    private final Observations observations;
    private final Clock clock;
    private final PackageEvents events;
    /** Verification results, by release: a release's attestations are fetched and checked once. */
    private final Cache<String, String> attestationResults = Caffeine.newBuilder().maximumSize(100_000).build();

    public Attestations(Source source, Function<String, Ecosystem> ecosystems, PolicyEngine engine, Ledgers state, Observations observations,
                        Clock clock, PackageEvents events) {
        this.source = source;
        this.ecosystems = ecosystems;
        this.engine = engine;
        this.state = state;
        this.observations = observations;
        this.clock = clock;
        this.events = events;
    }

    /** Forgets the results kept in memory for a package's releases: they are fetched and checked again. */
    void forget(String ecosystem, String packageName) {
        attestationResults.asMap().keySet().removeIf(k -> k.startsWith(key(ecosystem, packageName) + "\0"));
    }

    private static String key(String ecosystem, String pkg) {
        return ecosystem + "\0" + pkg;
    }

    /** Fetches a release's attestations document (relative path on the ecosystem's upstream), null when absent. */
    public interface Source {
        byte[] fetch(String ecosystem, String path) throws Exception;
    }

    /**
     * Young releases that list attestations get them verified offline (the npm publish
     * attestation with the registry's pinned key, SLSA provenance against the Sigstore root), and
     * so does the release before each, to compare who built them. Who verifiably built a release
     * is stored with its content facts (it never changes for those bytes); failures are kept in
     * memory and asked again after a restart.
     *
     * @return why a release's attestations fail, by version
     */
    Map<String, String> attest(String ecosystem, PackageMetadata metadata, Instant now) {
        Ecosystem eco = ecosystems.apply(ecosystem);
        if (eco == null) {
            return Map.of();
        }
        List<ReleaseFacts> history = metadata.releaseFacts();
        Map<String, Instant> observed = observations.observedReleases(ecosystem, metadata.packageName());
        Instant packageFirstSeen = observed.values().stream().min(Instant::compareTo).orElse(now);
        // Young ones first (their failures hold them), then the ones before them (for comparison).
        LinkedHashSet<String> young = new LinkedHashSet<>();
        LinkedHashSet<String> before = new LinkedHashSet<>();
        ReleaseFacts[] previousOf = PolicyEngine.previous(history, metadata.versionOrder());
        for (int i = 0; i < history.size(); i++) {
            ReleaseFacts f = history.get(i);
            // Young by the later of upstream's time and Airlock's own first sighting (a backdated time does not skip it).
            Instant seen = observed.get(f.version());
            Instant since = seen != null && seen.isAfter(packageFirstSeen) ? latest(f.publishedAt(), seen) : f.publishedAt();
            if (f.provenance() == null || f.provenance().isEmpty() || since == null
                    || since.isBefore(now.minus(PolicyEngine.DEPENDENCY_WINDOW))) {
                continue;
            }
            young.add(f.version());
            ReleaseFacts previous = previousOf[i];
            if (previous != null && previous.provenance() != null && !previous.provenance().isEmpty()) {
                before.add(previous.version());
            }
        }
        before.removeAll(young);
        if (young.isEmpty()) {
            return Map.of();
        }
        Map<String, String> failures = new HashMap<>();
        Map<String, Map<String, String>> stored = state.contentFacts(ecosystem, metadata.packageName());
        int fetched = 0;
        List<String> all = new ArrayList<>(young);
        all.addAll(before);
        for (String version : all) {
            if (stored.getOrDefault(version, Map.of()).containsKey(attestationsFile(version))) {
                continue; // verified before: who built it (or that it vouches for other bytes) is on record
            }
            String key = key(ecosystem, metadata.packageName()) + "\0" + version;
            String failure = attestationResults.getIfPresent(key);
            if (failure == null && ++fetched > MAX_ATTESTATION_FETCHES) {
                failure = young.contains(version) ? "its attestations are not read yet; held until they are" : null;
            } else if (failure == null) {
                failure = verifyAttestations(eco, ecosystem, metadata, version, now);
            }
            if (failure != null && !failure.isEmpty()) {
                failures.put(version, failure);
            }
        }
        return failures;
    }

    /**
     * Verifies the attestations a release lists before its first byte is served, whatever its age
     * (blocking: call on a worker, beside the download). Done once per release: the outcome is
     * kept with its content facts, so a release whose attestations vouch for other bytes stays
     * denied, and one that verified keeps who built it.
     */
    public void attestRelease(String ecosystem, PackageMetadata metadata, String version) {
        Ecosystem eco = ecosystems.apply(ecosystem);
        if (eco == null || !metadata.governsReleases()) {
            return;
        }
        boolean lists = metadata.releaseFacts().stream()
                .anyMatch(f -> f.version().equals(version) && f.provenance() != null && !f.provenance().isEmpty());
        if (!lists || state.contentFacts(ecosystem, metadata.packageName()).getOrDefault(version, Map.of())
                .containsKey(attestationsFile(version))) {
            return;
        }
        String key = key(ecosystem, metadata.packageName()) + "\0" + version;
        if (attestationResults.getIfPresent(key) == null) {
            // A refutation is stored and denies the release; attestations that cannot be checked
            // (a key Airlock does not know, the registry not serving them now) hold young releases
            // only, as attest() decides: an old release is not refused for what proves nothing.
            String failure = verifyAttestations(eco, ecosystem, metadata, version, clock.instant());
            if (!failure.isEmpty()) {
                LOG.log(Level.DEBUG, "attestations of " + ecosystem + " " + metadata.packageName() + "@" + version + ": " + failure);
            }
            events.changed(ecosystem, metadata.packageName());
        }
    }

    /**
     * Fetches and verifies one release's attestations. A verification failure (a signature that
     * does not verify, a statement about other bytes) is stored as a signature failure of the
     * release, which denies it; one that cannot be read now is returned and not remembered.
     *
     * @return "" when they verify, else why not
     */
    private String verifyAttestations(Ecosystem eco, String ecosystem, PackageMetadata metadata, String version,
                                      Instant now) {
        String path = eco.attestationsPath(metadata, version);
        if (path == null) {
            return "";
        }
        String key = key(ecosystem, metadata.packageName()) + "\0" + version;
        try {
            byte[] doc = source.fetch(ecosystem, path);
            if (doc == null) {
                // Not remembered: a registry that lists attestations and does not serve them may be
                // having a bad minute; the release is held until it does.
                return "the registry lists attestations but serves none";
            }
            AttestationCheck check = eco.verifyAttestations(metadata, version, doc,
                    engine.registryKeysOf(ecosystem));
            String failure = check.failure() == null ? "" : check.failure();
            attestationResults.put(key, failure);
            if (check.failure() == null || check.refuted()) {
                // Kept for good: who built it, or that what the registry attested is not these bytes (denied).
                ContentFacts outcome = check.failure() == null
                        ? ContentFacts.signed(check.signer(), List.of())
                        : ContentFacts.signed(Map.of(), List.of("its attestations refute it: " + failure));
                state.putContentFacts(ecosystem, metadata.packageName(), version, attestationsFile(version),
                        HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(doc)),
                        JSON.writeValueAsString(outcome), now);
            }
            return failure;
        } catch (Exception ex) {
            // Fail closed: a stalled, oversized or refused answer holds the release (not remembered).
            return "its attestations could not be read (" + ex.getMessage() + "); held until they can";
        }
    }

    /**
     * The content-facts "file" under which a release's verified attestation signer is kept (file
     * names are unique per package, so it names the version).
     */
    static String attestationsFile(String version) {
        return "(attestations of " + version + ")";
    }

    /** A release whose attestations do not verify is held (or stays denied). */
    static List<Evaluation> attested(List<Evaluation> evaluations, Map<String, String> failures) {
        if (failures.isEmpty()) {
            return evaluations;
        }
        List<Evaluation> out = new ArrayList<>(evaluations.size());
        for (Evaluation e : evaluations) {
            String failure = failures.get(e.version());
            if (failure == null) {
                out.add(e);
                continue;
            }
            List<Finding> findings = new ArrayList<>(e.findings());
            findings.add(new Finding("attestation", true, failure, Map.of()));
            boolean allowed = findings.stream().anyMatch(x -> x.check().equals("allow"));
            out.add(new Evaluation(e.version(), e.verdict() == Verdict.DENIED ? Verdict.DENIED : allowed ? Verdict.APPROVED : Verdict.QUARANTINED,
                    findings, null, e.factsDigest() + ":att"));
        }
        return out;
    }

    private static Instant latest(Instant a, Instant b) {
        return a == null ? b : b == null ? a : a.isAfter(b) ? a : b;
    }
}
