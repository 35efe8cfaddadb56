package dev.airlock.core.policy;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.airlock.core.ecosystem.ContentFacts;
import dev.airlock.core.store.DecisionRecord;
import dev.airlock.core.store.DemandRecord;
import dev.airlock.core.store.StateStore;
import dev.airlock.core.store.VerdictRecord;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/**
 * The security team's operations on held releases: the queue, one release's facts and findings,
 * and people's decisions. Used by the command line against a data directory (a running server
 * picks decisions up within seconds) and, later, by the admin API.
 */
public final class Quarantine {

    /** Stored readings are read leniently: one written by a newer release may carry more fields. */
    private static final ObjectMapper READINGS = JsonMapper.builder()
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES).build();

    private final StateStore state;
    private final Clock clock;

    public Quarantine(StateStore state, Clock clock) {
        this.state = state;
        this.clock = clock;
    }

    /**
     * One held release as the team sees it.
     *
     * @param status    "held", "denied", "released" (by a person, until {@code decision.expiresAt}),
     *                  "rejected", or "of age" (an age hold that has ended)
     * @param decision  the person's decision in force, if any
     * @param need      how much clients need it
     */
    public record Entry(VerdictRecord verdict, List<Finding> findings, String status, DecisionRecord decision, Need need) {

        public List<String> reasons() {
            return findings.stream().filter(Finding::holds).map(Finding::message).toList();
        }

        /** The version its findings compared it with, or null. */
        public String comparedWith() {
            return findings.stream().map(f -> f.evidence().get("previousVersion")).filter(Objects::nonNull).findFirst()
                    .orElse(null);
        }
    }

    /**
     * How much clients need a release.
     *
     * @param asked      how often its files were requested
     * @param passedOver how often it was held while a lower version of its package was downloaded
     * @param tokens     the names of the tokens that asked, where known
     * @param lastAsked  when last, or null
     * @param newest     whether it is its package's newest release
     */
    public record Need(long asked, long passedOver, List<String> tokens, Instant lastAsked, boolean newest) {
        static final Need NONE = new Need(0, 0, List.of(), null, false);

        public Need {
            tokens = List.copyOf(tokens);
        }

        public long demand() {
            return asked + passedOver;
        }

        /** In the default view: someone asked for it or passed it over, or it is what an upgrade would get. */
        public boolean needed() {
            return demand() > 0 || newest;
        }
    }

    /** Held and denied releases, newest first; those an age hold no longer keeps are left out. */
    public List<Entry> list(String ecosystem) {
        Map<String, Need> needs = needs(ecosystem, null);
        List<Entry> out = new ArrayList<>();
        for (VerdictRecord v : state.held(ecosystem)) {
            Entry e = entry(v, needs.getOrDefault(release(v.ecosystem(), v.packageName(), v.version()), Need.NONE));
            if (!e.status().equals("of age")) {
                out.add(e);
            }
        }
        return out;
    }

    /**
     * The default view: what clients need (asked for, passed over by a resolution, or a package's
     * newest release), the packages most in demand first and each package's releases together,
     * those most in demand first. {@link #list} reaches the rest.
     */
    public List<Entry> needed(String ecosystem) {
        List<Entry> needed = list(ecosystem).stream().filter(e -> e.need().needed()).toList();
        Map<String, Long> byPackage = new HashMap<>();
        needed.forEach(e -> byPackage.merge(packageKey(e.verdict()), e.need().demand(), Long::sum));
        return needed.stream().sorted(Comparator
                .comparing((Entry e) -> -byPackage.get(packageKey(e.verdict())))
                .thenComparing(e -> packageKey(e.verdict()))
                .thenComparing(e -> -e.need().demand())
                .thenComparing(e -> e.need().lastAsked() == null ? Instant.MIN : e.need().lastAsked(), Comparator.reverseOrder())
                .thenComparing(e -> e.verdict().version())).toList();
    }

    private static String packageKey(VerdictRecord v) {
        return v.ecosystem() + "\0" + v.packageName();
    }

    private static String release(String ecosystem, String packageName, String version) {
        return ecosystem + "\0" + packageName + "\0" + version;
    }

    /** Each release's need (of one ecosystem and package, either null for all), by ecosystem, package and version joined with NULs. */
    private Map<String, Need> needs(String ecosystem, String packageName) {
        Map<String, long[]> counts = new HashMap<>();
        Map<String, LinkedHashSet<String>> tokens = new HashMap<>();
        Map<String, Instant> last = new HashMap<>();
        for (DemandRecord d : state.demand(ecosystem, packageName)) {
            String id = release(d.ecosystem(), d.packageName(), d.version());
            counts.computeIfAbsent(id, x -> new long[2])[d.kind().equals(DemandRecord.ASKED) ? 0 : 1] += d.count();
            tokens.computeIfAbsent(id, x -> new LinkedHashSet<>()).addAll(d.tokens());
            last.merge(id, d.lastAsked(), (a, b) -> a.isAfter(b) ? a : b);
        }
        Set<String> newest = new HashSet<>();
        state.newest(ecosystem, packageName).forEach((k, version) -> {
            int nul = k.indexOf('\0');
            newest.add(release(k.substring(0, nul), k.substring(nul + 1), version));
        });
        Map<String, Need> out = new HashMap<>();
        Set<String> ids = new HashSet<>(counts.keySet());
        ids.addAll(newest);
        for (String id : ids) {
            long[] c = counts.getOrDefault(id, new long[2]);
            out.put(id, new Need(c[0], c[1], List.copyOf(tokens.getOrDefault(id, new LinkedHashSet<>())), last.get(id),
                    newest.contains(id)));
        }
        return out;
    }

    public Optional<Entry> show(String id) {
        return state.verdict(id).map(this::entry);
    }

    /**
     * What Airlock read in a version's files (merged over them, the reviewers' evidence included),
     * or null when none was read: for {@code quarantine show} on a data directory.
     */
    public ContentFacts read(String ecosystem, String packageName, String version) {
        Map<String, String> stored = version == null ? null : state.contentFacts(ecosystem, packageName).get(version);
        if (stored == null || stored.isEmpty()) {
            return null;
        }
        Map<String, String> hookFiles = new TreeMap<>();
        Map<String, ContentFacts.Listed> files = new TreeMap<>();
        Map<String, String> hooks = new TreeMap<>();
        for (String reading : stored.values()) {
            try {
                ContentFacts f = READINGS.readValue(reading, ContentFacts.class);
                hookFiles.putAll(f.hookFiles());
                files.putAll(f.files());
                hooks.putAll(f.installHooks());
            } catch (JsonProcessingException e) {
                // An unreadable reading shows nothing; the verdict already says so.
            }
        }
        return new ContentFacts(hooks, Map.of(), List.of()).withEvidence(hookFiles, files);
    }

    /** Lets a held release through, for its current facts; {@code expires} null for good. */
    public Entry release(String id, String reason, Duration expires, String actor) {
        return decide(id, "release", reason, expires, actor);
    }

    /** Keeps a release out for good (for its current facts). */
    public Entry reject(String id, String reason, String actor) {
        return decide(id, "reject", reason, null, actor);
    }

    private Entry decide(String id, String action, String reason, Duration expires, String actor) {
        if (reason == null || reason.isBlank()) {
            throw new IllegalArgumentException("a reason is required");
        }
        Instant now = clock.instant();
        // One unit of work: the verdict the decision is made on, the decision, its audit entry and
        // its notification. The notification waits in the outbox for whichever server delivers
        // it, so a decision made from the command line is delivered too.
        return state.inTransaction(() -> {
            VerdictRecord v = state.verdict(id).orElseThrow(() -> new IllegalArgumentException("no release with id " + id));
            if (action.equals("release") && v.verdict().equals("DENIED")) {
                throw new IllegalArgumentException(v.packageName() + "@" + v.version() + " is denied by the policy (policy.deny or "
                        + "policy.knownMalicious), not held: change the policy to let it through");
            }
            ObjectNode details = READINGS.createObjectNode()
                    .put("ecosystem", v.ecosystem()).put("package", v.packageName()).put("version", v.version())
                    .put("verdict", v.verdict()).put("factsDigest", v.factsDigest());
            if (expires != null) {
                details.put("expiresAt", now.plus(expires).toString());
            }
            state.addDecision(new DecisionRecord(0, id, action, reason.strip(), actor, v.factsDigest(),
                    expires == null ? null : now.plus(expires), now));
            state.appendAudit(now, actor, action, id, reason.strip(), details.toString());
            Entry e = entry(v);
            state.enqueue(new ReleaseEvent(action.equals("release") ? "released" : "rejected", v.ecosystem(), v.packageName(),
                    v.version(), id, e.reasons(), actor, reason.strip(), now).toJson(), now);
            return e;
        });
    }

    /**
     * The person's decision in force, as the server applies it: the latest that applies (a reject
     * whatever changed since, a release for the facts it was made for), and only until it expires;
     * an expired latest decision leaves the policy's verdict in force, not an older decision.
     */
    public static DecisionRecord inForce(List<DecisionRecord> decisions, String factsDigest, Instant now) {
        DecisionRecord latest = null;
        for (DecisionRecord d : decisions) {
            if (d.action().equals("reject") || d.factsDigest().equals(factsDigest)) {
                latest = d;
            }
        }
        return latest != null && (latest.expiresAt() == null || now.isBefore(latest.expiresAt())) ? latest : null;
    }

    private Entry entry(VerdictRecord v) {
        // One release: only its package's demand is read, not the whole table.
        return entry(v, needs(v.ecosystem(), v.packageName()).getOrDefault(release(v.ecosystem(), v.packageName(), v.version()), Need.NONE));
    }

    private Entry entry(VerdictRecord v, Need need) {
        Instant now = clock.instant();
        DecisionRecord inForce = inForce(state.decisions(v.id()), v.factsDigest(), now);
        String status;
        if (inForce != null) {
            status = inForce.action().equals("release") ? "released" : "rejected";
        } else if (v.verdict().equals("DENIED")) {
            status = "denied";
        } else if (v.verdict().equals("QUARANTINED") && v.heldUntil() != null && !now.isBefore(v.heldUntil())) {
            status = "of age";
        } else {
            status = v.verdict().equals("APPROVED") ? "approved" : "held";
        }
        return new Entry(v, PolicyService.findings(v.findings()), status, inForce, need);
    }
}
