package dev.airlock.core.policy;

import dev.airlock.core.ecosystem.ArtifactRef;
import dev.airlock.core.ecosystem.PackageMetadata;
import dev.airlock.core.metrics.AirlockMetrics;
import dev.airlock.core.store.ArtifactIndex;
import dev.airlock.core.store.ArtifactRecord;

import java.lang.System.Logger.Level;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/** First-seen content pinning, applied to a package's evaluations. */
final class ContentPins {

    private static final System.Logger LOG = System.getLogger("airlock.policy");

    private ContentPins() {
    }

    /**
     * First-seen content pinning: once Airlock holds a file, the registry listing other bytes
     * for the same name (a republish, a tampered mirror) denies that release, with an alert.
     * Airlock keeps serving nothing but what it first verified.
     */
    static List<Evaluation> pinned(ArtifactIndex state, AirlockMetrics metrics, String ecosystem, PackageMetadata metadata,
                                   List<Evaluation> evaluations) {
        Map<String, List<String>> changedByVersion = new HashMap<>();
        for (ArtifactRecord r : state.artifacts(ecosystem, metadata.packageName())) {
            if (r.derivedFrom() != null || r.upstreamDigest() == null || !r.upstreamDigest().contains("-")) {
                continue; // derived, unverified or path-addressed (digest in another form): nothing listed to compare
            }
            Optional<ArtifactRef> listed = metadata.artifact(r.filename());
            if (listed.isPresent() && listed.get().expected().algorithm().equals(algorithmOf(r.upstreamDigest()))
                    && !listed.get().expected().sri().equals(r.upstreamDigest())) {
                String what = "the registry now lists other bytes for " + r.filename() + " than Airlock first verified ("
                        + r.upstreamDigest() + ", now " + listed.get().expected().sri() + "): a republish or a tampered upstream";
                changedByVersion.computeIfAbsent(r.version(), v -> new ArrayList<>()).add(what);
                LOG.log(Level.WARNING, "content pin broken: " + ecosystem + " " + metadata.packageName() + " " + what);
                metrics.event("content_pin_broken", ecosystem);
            }
        }
        if (changedByVersion.isEmpty()) {
            return evaluations;
        }
        List<Evaluation> out = new ArrayList<>(evaluations.size());
        for (Evaluation e : evaluations) {
            List<String> changes = changedByVersion.get(e.version());
            if (changes == null) {
                out.add(e);
                continue;
            }
            List<Finding> findings = new ArrayList<>(e.findings());
            changes.forEach(c -> findings.add(new Finding("content-pin", true, c, Map.of())));
            out.add(new Evaluation(e.version(), Verdict.DENIED, findings, null, e.factsDigest() + ":pin"));
        }
        return out;
    }

    /** "sha512-..." to "SHA-512". */
    private static String algorithmOf(String sri) {
        String a = sri.substring(0, sri.indexOf('-')).toUpperCase(Locale.ROOT);
        return a.startsWith("SHA") ? "SHA-" + a.substring(3) : a;
    }
}
