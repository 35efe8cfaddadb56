package dev.airlock.core.policy;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.airlock.core.ecosystem.ContentFacts;
import dev.airlock.core.ecosystem.Ecosystem;
import dev.airlock.core.metrics.AirlockMetrics;
import dev.airlock.core.store.Ledgers;
import dev.airlock.core.store.Observations;

import java.lang.System.Logger.Level;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;

/**
 * What Airlock learnt from a release's files and from its repository: the content readings
 * (install hooks, mismatches, signers), the signing keys trusted on first use per scope, and
 * publish times stated outside the metadata. The artifact path records here when it commits a
 * file; the policy reads here when it decides. Every new fact tells {@link PackageEvents}, so the
 * package is decided again.
 */
public final class ContentLedger {

    private static final System.Logger LOG = System.getLogger("airlock.policy");
    /** Stored JSON is read leniently: a reading written by a newer release may carry more fields. */
    private static final ObjectMapper JSON = JsonMapper.builder().disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES).build();

    private final Ledgers store;
    private final Observations observations;
    private final Clock clock;
    private final Function<String, Ecosystem> ecosystems;
    private final AirlockMetrics metrics;
    private final PackageEvents events;

    public ContentLedger(Ledgers store, Observations observations, Clock clock, Function<String, Ecosystem> ecosystems,
                         AirlockMetrics metrics, PackageEvents events) {
        this.store = store;
        this.observations = observations;
        this.clock = clock;
        this.ecosystems = ecosystems;
        this.metrics = metrics;
        this.events = events;
    }

    /**
     * What the policy reads of a stored reading: the evidence for reviewers (file listings, hook
     * file texts) is skipped, since a decision never needs it and it is the bulk of the JSON.
     */
    private record PolicyReading(Map<String, String> installHooks, Map<String, String> mismatches, List<String> anomalies,
                                 Map<String, String> signer, List<String> signatureFailures) {
    }

    /**
     * What was read from a package's files, merged per version: what decisions use, or with
     * {@code evidence} also what reviewers see (file listings, hook file texts).
     *
     * @param evidence whether to read the reviewers' evidence too (a release's page), not only what
     *                 decisions use
     */
    public Map<String, ContentFacts> readings(String ecosystem, String pkg, boolean evidence) {
        Map<String, ContentFacts> out = new HashMap<>();
        for (Map.Entry<String, Map<String, String>> v : store.contentFacts(ecosystem, pkg).entrySet()) {
            Map<String, String> hooks = new TreeMap<>();
            Map<String, String> mismatches = new TreeMap<>();
            List<String> anomalies = new ArrayList<>();
            Map<String, String> signer = new TreeMap<>();
            List<String> failures = new ArrayList<>();
            Map<String, String> hookFiles = new TreeMap<>();
            Map<String, ContentFacts.Listed> files = new TreeMap<>();
            for (String json : v.getValue().values()) {
                try {
                    ContentFacts f;
                    if (evidence) {
                        f = JSON.readValue(json, ContentFacts.class);
                        hookFiles.putAll(f.hookFiles());
                        files.putAll(f.files());
                    } else {
                        PolicyReading r = JSON.readValue(json, PolicyReading.class);
                        f = new ContentFacts(r.installHooks() == null ? Map.of() : r.installHooks(),
                                r.mismatches() == null ? Map.of() : r.mismatches(), r.anomalies() == null ? List.of() : r.anomalies(),
                                r.signer(), r.signatureFailures());
                    }
                    hooks.putAll(f.installHooks());
                    mismatches.putAll(f.mismatches());
                    anomalies.addAll(f.anomalies());
                    // A file found unsigned does not erase its sibling's signer; both are kept apart
                    // only by the regression check, which looks for an empty value alone.
                    f.signer().forEach((k, val) -> signer.merge(k, val, (a, b) -> a.isEmpty() ? b : a));
                    failures.addAll(f.signatureFailures());
                } catch (JsonProcessingException e) {
                    anomalies.add("the stored reading of a file is unreadable");
                }
            }
            out.put(v.getKey(), new ContentFacts(hooks, mismatches, anomalies, signer,
                    failures, hookFiles, files));
        }
        return out;
    }

    /**
     * Records what a release's file contains (blocking; called when the file is committed) and
     * makes the package be decided again.
     */
    public void recordContent(String ecosystem, String packageName, String version, String filename, String sha256,
                              ContentFacts facts) {
        facts = scopePinned(ecosystem, packageName, facts);
        try {
            store.putContentFacts(ecosystem, packageName, version, filename, sha256, JSON.writeValueAsString(facts), clock.instant());
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
        events.changed(ecosystem, packageName);
    }

    /**
     * Trust on first use per signer scope, learnt as a set: one Maven groupId is signed by many
     * release managers' keys. A file signed by a key new to a scope that had keys already carries
     * those keys, for the engine to weigh (held while the release is young, a note after).
     */
    private ContentFacts scopePinned(String ecosystem, String packageName,
                                                                ContentFacts facts) {
        String key = facts.signer().get(ContentFacts.PGP_KEY);
        Ecosystem eco = ecosystems.apply(ecosystem);
        String scope = eco == null || key == null || key.isEmpty() ? null : eco.signerScope(packageName);
        if (scope == null) {
            return facts;
        }
        List<String> known = store.learnSigner(ecosystem, scope, "pgp", key, clock.instant());
        if (known.isEmpty() || known.contains(key)) {
            return facts;
        }
        LOG.log(Level.INFO, "signing key new to " + scope + ": " + ecosystem + " " + packageName + " signed by " + key + "; "
                + scope + " was signed by " + String.join(", ", known) + " before");
        metrics.event("signing_key_new", ecosystem);
        Map<String, String> signer = new TreeMap<>(facts.signer());
        signer.put(ContentFacts.PGP_KEY_FIRST, String.join(", ", known) + " (known for " + scope + ")");
        return new ContentFacts(facts.installHooks(), facts.mismatches(), facts.anomalies(), signer,
                facts.signatureFailures(), facts.hookFiles(), facts.files());
    }

    /**
     * Records when a release was published, as the repository states it where its metadata does
     * not (a Maven POM's {@code Last-Modified}); the package is decided again with it.
     */
    public void recordPublished(String ecosystem, String packageName, String version, Instant publishedAt) {
        observations.putReleaseTime(ecosystem, packageName, version, publishedAt);
        events.changed(ecosystem, packageName);
    }
}
