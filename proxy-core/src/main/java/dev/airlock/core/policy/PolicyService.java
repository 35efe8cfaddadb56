package dev.airlock.core.policy;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.airlock.core.ecosystem.ContentFacts;
import dev.airlock.core.ecosystem.Ecosystem;
import dev.airlock.core.ecosystem.PackageMetadata;
import dev.airlock.core.ecosystem.ReleaseFacts;
import dev.airlock.core.ecosystem.ReleaseInfo;
import dev.airlock.core.ecosystem.Route;
import dev.airlock.core.metrics.AirlockMetrics;
import dev.airlock.core.store.DecisionRecord;
import dev.airlock.core.store.DemandRecord;
import dev.airlock.core.store.StateStore;
import dev.airlock.core.store.VerdictRecord;

import java.lang.System.Logger.Level;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.Executor;
import java.util.function.BiConsumer;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * Applies the policy: decides each package's releases when its metadata changes (once per change,
 * not per request), keeps the decisions in the state store and in memory, and answers the two
 * questions the server asks: which versions may a rendering list, and may this file be served.
 *
 * <p>People's decisions ({@code quarantine release|reject}) override automatic ones while the
 * release's facts stay the same. They may be made by another process on the same data (the
 * command line, another replica): the server follows the store's change log and calls
 * {@link #forget} for the packages they concern.
 *
 * <p>In {@code audit} mode everything is decided and recorded but nothing is hidden or refused.
 *
 * <p>About 700 lines, because the package's state in memory (decisions, the document they came
 * from, the times they change, file holds) is read and replaced by every question it answers,
 * and keeping those under one owner is what makes "decided once per document" hold. What does not
 * touch that state lives beside it: {@link PolicyEngine} (the checks), {@link Attestations},
 * {@link ContentLedger}, {@link InspectionPlan}, {@link FileHold}, {@link ContentPins}.
 */
public final class PolicyService {

    private static final System.Logger LOG = System.getLogger("airlock.policy");
    /** Stored JSON is read leniently: a reading written by a newer release may carry more fields. */
    private static final ObjectMapper JSON = JsonMapper.builder()
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES).build();

    private final PolicyEngine engine;
    private final StateStore state;
    private final Clock clock;
    private final boolean enforce;
    private final Collaborators with;
    private final InspectionPlan inspections;
    private final Cache<String, PackageState> packages = Caffeine.newBuilder().maximumSize(50_000).build();

    /** The governing document of a package (a dependency's, one being re-evaluated), or null when it has none. */
    public interface Documents {
        PackageMetadata governing(String ecosystem, String packageName) throws Exception;
    }

    /** Fetches a release's file through the artifact path, which inspects it and records what it contains. */
    public interface Inspections {
        void fetch(String ecosystem, Route route) throws Exception;
    }

    /**
     * What the policy works with besides the store: where documents and files come from, where
     * content readings and attestations are kept, and who re-renders when decisions change. All
     * are made before the policy; none of them calls it.
     *
     * @param renderingsChanged told (ecosystem, package) when a package's visible versions may have
     *                          changed; (null, null) for every package
     * @param parallel          runs the reads that do not wait on each other (a release's files, the
     *                          release before it) at the same time; bounded, and it must run a task
     *                          on the caller rather than queue it when full
     */
    public record Collaborators(Documents documents, Inspections inspections, ContentLedger ledger, Attestations attestations,
                                Function<String, Ecosystem> ecosystems, AirlockMetrics metrics, PackageEvents events,
                                BiConsumer<String, String> renderingsChanged, Executor parallel) {
    }

    /** Why a dependency's newest release is held, or null (not held, unknown, or not readable now). */
    private String dependencyHeld(String ecosystem, String dependency) {
        try {
            PackageMetadata md = with.documents().governing(ecosystem, dependency);
            if (md == null || md.releaseFacts().isEmpty()) {
                return null;
            }
            PackageState s = packages.getIfPresent(key(ecosystem, dependency));
            if (s == null) {
                // Its own dependencies are not looked at: one level, never a cycle.
                s = decide(ecosystem, md, false);
            }
            String newest = md.releaseFacts().get(md.releaseFacts().size() - 1).version();
            Access a = access(ecosystem, dependency, newest, s);
            return a instanceof Access.Blocked b ? newest + " " + String.join("; ", b.block().reasons()) : null;
        } catch (Exception e) {
            LOG.log(Level.DEBUG, "cannot look at dependency " + dependency + ": " + e.getMessage());
            return null;
        }
    }

    public PolicyService(PolicyEngine engine, StateStore state, Clock clock, boolean enforce, Collaborators with) {
        this.inspections = new InspectionPlan(with.inspections(), with.ledger(), state, with.ecosystems(), with.parallel());
        this.engine = engine;
        this.state = state;
        this.clock = clock;
        this.enforce = enforce;
        this.with = with;
        this.demand = new Demand(clock);
        with.events().subscribe(this::forget);
    }

    private final Demand demand;
    /** Each package's version order and newest release, as last decided: for passed-over demand and the queue. */
    private final Cache<String, Comparator<String>> orders = Caffeine.newBuilder().maximumSize(50_000).build();
    private final Cache<String, String> newestRecorded = Caffeine.newBuilder().maximumSize(50_000).build();

    /** Where the server counts file requests (non-blocking); {@link #flushDemand} writes them. */
    public Demand demand() {
        return demand;
    }

    /**
     * Writes the demand counted since the last call (blocking; a scheduled task): each release
     * asked for, and for each one served, the newer versions of its package the policy holds,
     * which the client's resolution passed over.
     */
    public void flushDemand() {
        List<Demand.Asked> asked = demand.drain();
        if (asked.isEmpty()) {
            return;
        }
        List<DemandRecord> out = new ArrayList<>();
        for (Demand.Asked a : asked) {
            DemandRecord r = a.record();
            out.add(r);
            if (a.served()) {
                for (String held : heldNewer(r.ecosystem(), r.packageName(), r.version())) {
                    out.add(new DemandRecord(r.ecosystem(), r.packageName(), held,
                            DemandRecord.PASSED_OVER, r.count(), r.lastAsked(), r.tokens()));
                }
            }
        }
        state.addDemand(out);
    }

    /** The versions of a package, newer than {@code version}, that clients may not have now (from memory; empty if not there). */
    private List<String> heldNewer(String ecosystem, String packageName, String version) {
        String k = key(ecosystem, packageName);
        PackageState s = packages.getIfPresent(k);
        Comparator<String> order = orders.getIfPresent(k);
        if (s == null || order == null) {
            return List.of();
        }
        Instant now = clock.instant();
        List<String> out = new ArrayList<>();
        for (Map.Entry<String, Effective> e : s.byVersion().entrySet()) {
            if (!e.getValue().visibleAt(now) && newer(order, e.getKey(), version)) {
                out.add(e.getKey());
            }
        }
        return out;
    }

    /** Records a package's newest release when it changes (for the queue's default view). */
    private void recordNewest(String ecosystem, PackageMetadata metadata) {
        String newest = newest(metadata, v -> true);
        String k = key(ecosystem, metadata.packageName());
        if (metadata.versionOrder() != null) {
            orders.put(k, metadata.versionOrder());
        }
        if (newest != null && !newest.equals(newestRecorded.getIfPresent(k))) {
            state.putNewest(ecosystem, metadata.packageName(), newest);
            newestRecorded.put(k, newest);
        }
    }


    public PolicyEngine engine() {
        return engine;
    }





    private static final Access ALLOWED = new Access.Allowed();
    private static final Access UNKNOWN = new Access.Unknown();

    /** One release's automatic decision and the person's decision in force, if any. */
    private record Effective(String id, Evaluation evaluation, DecisionRecord decision) {

        private boolean inForce(Instant now) {
            return decision != null && (decision.expiresAt() == null || now.isBefore(decision.expiresAt()));
        }

        /** A reject always keeps it out; a release lets it through unless the policy denies it (deny list, OSV). */
        boolean visibleAt(Instant now) {
            if (inForce(now)) {
                return decision.action().equals("release") && evaluation.verdict() != Verdict.DENIED;
            }
            return evaluation.visibleAt(now);
        }

        Verdict verdictAt(Instant now) {
            if (inForce(now) && decision.action().equals("reject")) {
                return Verdict.DENIED;
            }
            return visibleAt(now) ? Verdict.APPROVED : evaluation.verdict();
        }
    }

    /**
     * A package's decisions in memory, the next moment one of them changes by itself, and the
     * governing document they were made from (null when read from the store alone): a rendering
     * or a check with another document decides again, so a document fetched anew is never shown
     * with the verdicts of the one before.
     */
    private record PackageState(Map<String, Effective> byVersion, Instant nextChange, Instant recheckAt, Map<String, FileHold> files,
                                PackageMetadata source) {

        /** Same decisions (the times they change next are not part of it). */
        boolean sameAs(PackageState other) {
            return other != null && byVersion.equals(other.byVersion) && files.equals(other.files);
        }

        boolean fileHeld(String filename, Instant now) {
            FileHold h = files.get(filename);
            return h != null && now.isBefore(h.heldUntil());
        }
    }

    /** A hold that rests on another package (a dependency) is looked at again this often. */
    static final Duration RECHECK = Duration.ofHours(1);


    /**
     * The view a rendering of this document should use (blocking on a cold package: call on a
     * worker). Documents that do not govern releases use what the governing one decided, if known.
     */
    public View view(String ecosystem, PackageMetadata metadata) {
        View v = decidedView(ecosystem, metadata);
        // Audit mode decides exactly as enforce does (the queue shows what enforce would hold); only serving differs.
        return enforce ? v : View.ALL;
    }

    private View decidedView(String ecosystem, PackageMetadata metadata) {
        String key = key(ecosystem, metadata.packageName());
        if (metadata.governsReleases()) {
            inspections.inspectNewest(ecosystem, metadata);
        }
        PackageState s = packages.getIfPresent(key);
        if (s != null && metadata.governsReleases() && (!clock.instant().isBefore(s.recheckAt()) || s.source() != metadata)) {
            s = null; // decided from another copy of the document, or held for another package's sake: look again
        }
        if (s == null) {
            s = metadata.governsReleases() ? decide(ecosystem, metadata, true) : load(ecosystem, metadata.packageName());
        }
        Instant now = clock.instant();
        Map<String, Effective> byVersion = s.byVersion();
        Predicate<String> visible = v -> {
            Effective e = byVersion.get(v);
            return e == null || e.visibleAt(now);
        };
        // Clients are told only about held versions newer than the newest they may have: the ones
        // their resolution would have picked. Old held versions nobody would pick are not news.
        String newestVisible = newest(metadata, visible);
        Comparator<String> order = metadata.versionOrder();
        Map<String, String> held = new TreeMap<>();
        for (Map.Entry<String, Effective> e : byVersion.entrySet()) {
            if (!e.getValue().visibleAt(now) && (newestVisible == null || newer(order, e.getKey(), newestVisible))
                    && access(ecosystem, metadata.packageName(), e.getKey(), s) instanceof Access.Blocked b) {
                held.put(e.getKey(), b.block().summary() + " (" + b.block().howToRelease() + ")");
            }
        }
        PackageState st = s;
        return new View(visible, s.nextChange(), held, f -> !st.fileHeld(f, now));
    }

    /** The highest version the document lists that passes {@code which}, in the ecosystem's order; null if none or unordered. */
    private static String newest(PackageMetadata metadata, Predicate<String> which) {
        Comparator<String> order = metadata.versionOrder();
        String best = null;
        for (ReleaseInfo r : metadata.releases()) {
            if (which.test(r.version()) && (best == null || newer(order, r.version(), best))) {
                best = r.version();
            }
        }
        return best;
    }

    /** Whether {@code a} is above {@code b}; versions the order cannot compare count as newer (told rather than hidden). */
    private static boolean newer(Comparator<String> order, String a, String b) {
        if (order == null) {
            return true;
        }
        try {
            return order.compare(a, b) > 0;
        } catch (RuntimeException unordered) {
            return true;
        }
    }











    /** The metadata's release facts, with publish times the repository stated elsewhere filled in where the metadata has none. */
    private List<ReleaseFacts> dated(String ecosystem, String pkg,
                                                                 List<ReleaseFacts> releases) {
        if (releases.stream().allMatch(r -> r.publishedAt() != null)) {
            return releases;
        }
        Map<String, Instant> times = state.releaseTimes(ecosystem, pkg);
        if (times.isEmpty()) {
            return releases;
        }
        List<ReleaseFacts> out = new ArrayList<>(releases.size());
        for (ReleaseFacts r : releases) {
            Instant t = r.publishedAt() == null ? times.get(r.version()) : null;
            out.add(t == null ? r : new ReleaseFacts(r.version(), t, r.publisher(), r.maintainers(),
                    r.installHooks(), r.dependencies(), r.signatures(), r.provenance()));
        }
        return out;
    }

    /** Non-blocking: whether this file of a release may be served, if the package is in memory. */
    public Access peek(String ecosystem, String packageName, String version, String filename) {
        Access a = peek(ecosystem, packageName, version);
        if (a instanceof Access.Allowed && enforce) {
            PackageState s = packages.getIfPresent(key(ecosystem, packageName));
            if (s != null && s.fileHeld(filename, clock.instant())) {
                return new Access.Blocked(fileBlock(ecosystem, packageName, filename, s));
            }
        }
        return a;
    }

    /** Blocking: whether this file of a release may be served (the release's verdict, then the file's own age). */
    public Optional<Block> check(String ecosystem, String packageName, String version, String filename, PackageMetadata metadata) {
        Optional<Block> release = decision(ecosystem, packageName, version, metadata);
        if (release.isEmpty()) {
            PackageState s = packages.getIfPresent(key(ecosystem, packageName));
            if (s != null && s.fileHeld(filename, clock.instant())) {
                release = Optional.of(fileBlock(ecosystem, packageName, filename, s));
            }
        }
        return served(release);
    }

    /**
     * What is refused: the block in enforce mode; in audit mode nothing, with what enforce would
     * have refused logged and counted.
     */
    private Optional<Block> served(Optional<Block> block) {
        if (enforce || block.isEmpty()) {
            return block;
        }
        Block b = block.get();
        LOG.log(Level.INFO, "audit mode: serving " + b.ecosystem() + " " + b.packageName() + "@" + b.version()
                + ", which enforce would refuse: " + b.summary());
        with.metrics().event("audit_would_refuse", b.ecosystem());
        return Optional.empty();
    }

    private static Block fileBlock(String ecosystem, String packageName, String filename, PackageState s) {
        FileHold h = s.files().get(filename);
        return new Block(ecosystem, packageName, h.version(), Verdict.QUARANTINED, List.of(filename + ": " + h.reason()),
                PolicyEngine.releaseId(ecosystem, packageName, h.version()));
    }

    /** Non-blocking: whether a release's file may be served, if the package is in memory. */
    public Access peek(String ecosystem, String packageName, String version) {
        if (!enforce) {
            return ALLOWED;
        }
        PackageState s = packages.getIfPresent(key(ecosystem, packageName));
        if (s == null) {
            return UNKNOWN;
        }
        return access(ecosystem, packageName, version, s);
    }

    /**
     * Whether a release's file may be served (blocking). {@code metadata} is the governing
     * document when the caller has it, else null: then what is stored decides, and a release
     * never decided is allowed.
     */
    public Optional<Block> check(String ecosystem, String packageName, String version, PackageMetadata metadata) {
        return served(decision(ecosystem, packageName, version, metadata));
    }

    /** What enforce mode would refuse of this release, in either mode: audit decides the same way. */
    private Optional<Block> decision(String ecosystem, String packageName, String version, PackageMetadata metadata) {
        boolean governing = metadata != null && metadata.governsReleases();
        PackageState s = packages.getIfPresent(key(ecosystem, packageName));
        if (s != null && governing && (!clock.instant().isBefore(s.recheckAt()) || s.source() != metadata || !s.byVersion().containsKey(version)
                && metadata.releases().stream().anyMatch(r -> r.version().equals(version)))) {
            s = null; // provisional, or decided from a document that did not list this version yet
        }
        if (s == null) {
            s = governing ? decide(ecosystem, metadata, true) : load(ecosystem, packageName);
        }
        // Reading the previous release can date it after this one (a backport), which makes another
        // release the one to compare with: a few rounds, never a chain through the whole history.
        for (int round = 0; round < 3 && governing && access(ecosystem, packageName, version, s) instanceof Access.Blocked
                && inspections.readPrevious(ecosystem, metadata, version); round++) {
            s = decide(ecosystem, metadata, true);
        }
        if (access(ecosystem, packageName, version, s) instanceof Access.Blocked b) {
            return Optional.of(b.block());
        }
        if (!governing) {
            // Nothing decides this release from metadata: the rules that need none still apply,
            // and so does what its files were found to contain (a POM that is no readable XML),
            // until a verdict on it is stored (which a person's decision then overrides).
            ContentFacts read = s.byVersion().containsKey(version) ? null
                    : with.ledger().readings(ecosystem, packageName, false).get(version);
            Evaluation alone = engine.evaluate(ecosystem, packageName, List.of(new ReleaseFacts(version,
                    null, null, null, null, null)), Map.of(), read == null ? Map.of() : Map.of(version, read), clock.instant())
                    .get(0);
            List<Finding> holding = alone.findings().stream().filter(f -> f.holds() && METADATA_FREE.contains(f.check())).toList();
            List<String> reasons = holding.stream().map(Finding::message).toList();
            if (holding.stream().anyMatch(f -> f.check().equals("archive"))) {
                // Stored, unlike a name rule (decided again on every request): so the release is
                // queued for a person, a cached copy is held on the fast path too, and a person's
                // release of it applies from then on. With its audit entry and notification.
                Instant now = clock.instant();
                VerdictRecord r = new VerdictRecord(PolicyEngine.releaseId(ecosystem, packageName, version), ecosystem, packageName,
                        version, (alone.verdict() == Verdict.DENIED ? Verdict.DENIED : Verdict.QUARANTINED).name(), null, findingsJson(holding),
                        alone.factsDigest(), engine.version(), now, now);
                state.inTransaction(() -> {
                    state.putVerdicts(List.of(r));
                    audited(r, "APPROVED", now);
                });
                LOG.log(Level.INFO, r.verdict() + " " + ecosystem + " " + packageName + "@" + version + " (release " + r.id() + ")");
                packages.invalidate(key(ecosystem, packageName));
            }
            if (!reasons.isEmpty()) {
                Verdict verdict = alone.verdict() == Verdict.DENIED ? Verdict.DENIED : Verdict.QUARANTINED;
                String id = PolicyEngine.releaseId(ecosystem, packageName, version);
                // Kept in memory with the package's state, so that a copy of the file cached since
                // is refused on the fast path too (a name rule is not stored: removing the rule
                // must let the release through again, and that drops the state in memory).
                PackageState known = packages.getIfPresent(key(ecosystem, packageName));
                if (known != null && !known.byVersion().containsKey(version)) {
                    Map<String, Effective> more = new HashMap<>(known.byVersion());
                    more.put(version, new Effective(id, new Evaluation(version, verdict, holding, null, alone.factsDigest()), null));
                    packages.asMap().replace(key(ecosystem, packageName), known,
                            new PackageState(Map.copyOf(more), known.nextChange(), known.recheckAt(), known.files(), known.source()));
                }
                return Optional.of(new Block(ecosystem, packageName, version, verdict, reasons, id));
            }
        }
        return Optional.empty();
    }

    /**
     * Checks that decide on a name and version alone, and on what Airlock read in the bytes it
     * holds ("archive": an anomaly such as a POM with a DTD, or one past limits.pomSize).
     */
    private static final Set<String> METADATA_FREE = Set.of("deny", "known-malicious", "namespace", "typosquat", "archive");

    private Access access(String ecosystem, String packageName, String version, PackageState s) {
        Effective e = s.byVersion().get(version);
        Instant now = clock.instant();
        if (e == null || e.visibleAt(now)) {
            return ALLOWED;
        }
        List<String> reasons = new ArrayList<>();
        if (e.decision() != null && e.decision().action().equals("reject")) {
            reasons.add("rejected by " + e.decision().actor() + ": " + e.decision().reason());
        }
        e.evaluation().findings().stream().filter(Finding::holds).forEach(f -> reasons.add(f.message()));
        return new Access.Blocked(new Block(ecosystem, packageName, version, e.verdictAt(now), reasons, e.id()));
    }

    /**
     * Runs the engine, stores what changed, and caches the result.
     *
     * @param dependencies whether other packages may be loaded to look at added dependencies;
     *                     without, the result is provisional and decided again on next use
     */
    private PackageState decide(String ecosystem, PackageMetadata metadata, boolean dependencies) {
        boolean lookAtDependencies = dependencies;
        String pkg = metadata.packageName();
        Instant now = clock.instant();
        Map<String, String> attestationFailures = with.attestations().attest(ecosystem, metadata, now);
        recordNewest(ecosystem, metadata);
        Map<String, ContentFacts> content = new HashMap<>();
        content.putAll(with.ledger().readings(ecosystem, pkg, false));
        List<Evaluation> evaluations = engine.evaluate(ecosystem, pkg, dated(ecosystem, pkg, metadata.releaseFacts()),
                state.observedReleases(ecosystem, pkg),
                content, dep -> lookAtDependencies && !dep.equals(pkg) ? dependencyHeld(ecosystem, dep) : null, metadata.versionOrder(), now);
        evaluations = ContentPins.pinned(state, with.metrics(), ecosystem, metadata, evaluations);
        evaluations = Attestations.attested(evaluations, attestationFailures);
        Map<String, VerdictRecord> stored = state.verdicts(ecosystem, pkg);
        List<VerdictRecord> changed = new ArrayList<>();
        Map<String, Evaluation> byVersion = new HashMap<>();
        for (Evaluation e : evaluations) {
            byVersion.put(e.version(), e);
            VerdictRecord old = stored.get(e.version());
            if (old == null && e.verdict() == Verdict.APPROVED && e.findings().isEmpty()) {
                continue; // nothing to say about it: not stored, so large packages cost few rows
            }
            if (old != null && old.factsDigest().equals(e.factsDigest()) && old.policyVersion().equals(engine.version())
                    && old.verdict().equals(e.verdict().name()) && Objects.equals(old.heldUntil(), e.heldUntil())) {
                continue;
            }
            Instant firstHeld = old != null && old.firstHeld() != null ? old.firstHeld() : e.verdict() == Verdict.APPROVED ? null : now;
            changed.add(new VerdictRecord(PolicyEngine.releaseId(ecosystem, pkg, e.version()), ecosystem, pkg, e.version(),
                    e.verdict().name(), e.heldUntil(), findingsJson(e.findings()), e.factsDigest(), engine.version(), firstHeld, now));
        }
        try {
            // One unit of work: the verdicts, the audit entry of each that changed, and its
            // notification. If any of it cannot be written, none is, and the next decision tries
            // again; what was decided still applies in memory meanwhile.
            state.inTransaction(() -> {
                // Read again inside the unit of work, under the package's lock: another worker or
                // replica deciding the same package at the same moment may have stored these
                // verdicts already, with their audit entries and notifications, which must not be
                // written twice.
                if (!changed.isEmpty()) {
                    state.lockKey("verdicts:" + ecosystem + ":" + pkg);
                }
                Map<String, VerdictRecord> current = changed.isEmpty() ? Map.of() : state.verdicts(ecosystem, pkg);
                List<VerdictRecord> still = changed.stream().filter(r -> !sameVerdict(current.get(r.version()), r)).toList();
                state.putVerdicts(still);
                for (VerdictRecord r : still) {
                    VerdictRecord old = current.get(r.version());
                    String before = old == null ? "APPROVED" : old.verdict();
                    if (!before.equals(r.verdict())) {
                        audited(r, before, now);
                    }
                }
            });
            for (VerdictRecord r : changed) {
                if (!r.verdict().equals("APPROVED")) {
                    LOG.log(Level.INFO, r.verdict() + " " + ecosystem + " " + pkg + "@" + r.version() + " (release " + r.id() + ")");
                }
            }
        } catch (RuntimeException e) {
            LOG.log(Level.ERROR, "cannot record the verdicts of " + ecosystem + " " + pkg + ": " + e.getMessage());
        }
        PackageState s = build(ecosystem, pkg, byVersion, metadata);
        if (!lookAtDependencies) {
            s = new PackageState(s.byVersion(), clock.instant(), clock.instant(), s.files(), metadata);
        }
        PackageState before = packages.asMap().put(key(ecosystem, pkg), s);
        if (before != null && !before.sameAs(s)) {
            // Renderings made with the decisions before are stale.
            with.renderingsChanged().accept(ecosystem, pkg);
        }
        return s;
    }









    /** An automatic verdict that changed goes into the audit log and the outbox (inside the caller's transaction). */
    private void audited(VerdictRecord r, String before, Instant now) {
        List<String> reasons = findings(r.findings()).stream().filter(Finding::holds).map(Finding::message).toList();
        ObjectNode details = JSON.createObjectNode().put("ecosystem", r.ecosystem())
                .put("package", r.packageName()).put("version", r.version()).put("verdict", r.verdict()).put("previous", before);
        reasons.forEach(details.putArray("reasons")::add);
        state.appendAudit(now, "airlock", "verdict", r.id(), String.join("; ", reasons), details.toString());
        String type = switch (r.verdict()) {
            case "DENIED" -> "denied";
            case "QUARANTINED" -> "held";
            default -> null;
        };
        if (type != null) {
            state.enqueue(new ReleaseEvent(type, r.ecosystem(), r.packageName(), r.version(), r.id(), reasons, "airlock", null, now).toJson(),
                    now);
        }
    }

    /**
     * Reads the run-time rules from the store into the engine (blocking), and has every package
     * decided and rendered again on next use: after a rule was added or removed here or by
     * another process.
     */
    public void reloadRules() {
        List<Map.Entry<String, String>> rules = new ArrayList<>();
        state.rules().forEach(r -> rules.add(Map.entry(r.kind(), r.pattern())));
        engine.runtimeRules(rules);
        rulesChanged();
    }

    /** The run-time rules changed: every package is decided and rendered again on next use. */
    public void rulesChanged() {
        packages.invalidateAll();
        with.renderingsChanged().accept(null, null);
    }

    /**
     * Decides a package's releases again now, from its governing document (blocking): after a
     * person asks to, or a rule changed. Attestation results kept in memory are asked again.
     *
     * @return false when the document cannot be had now (decided again on next use)
     */
    public boolean reevaluate(String ecosystem, String packageName) {
        with.attestations().forget(ecosystem, packageName);
        forget(ecosystem, packageName);
        try {
            PackageMetadata m = with.documents().governing(ecosystem, packageName);
            if (m == null) {
                return false;
            }
            decide(ecosystem, m, true);
            return true;
        } catch (Exception e) {
            LOG.log(Level.WARNING, "cannot re-evaluate " + ecosystem + " " + packageName + ": " + e.getMessage());
            return false;
        }
    }

    /**
     * What a reviewer compares: a release's facts and what its files were found to contain, and
     * the same for the release it is compared with (either side may be null when unknown).
     */
    public record ReleaseContext(ReleaseFacts release, ReleaseFacts previous,
                                 ContentFacts content, ContentFacts previousContent) {
    }

    /**
     * A release's context from its governing document (blocking; may ask upstream when the
     * document is not cached), or null when the document cannot be had now.
     */
    public ReleaseContext context(String ecosystem, String packageName, String version) {
        PackageMetadata m;
        try {
            m = with.documents().governing(ecosystem, packageName);
        } catch (Exception e) {
            return null;
        }
        if (m == null) {
            return null;
        }
        List<ReleaseFacts> history = m.releaseFacts();
        for (int i = 0; i < history.size(); i++) {
            if (history.get(i).version().equals(version)) {
                ReleaseFacts previous = PolicyEngine.previous(history, m.versionOrder())[i];
                Map<String, ContentFacts> content = with.ledger().readings(ecosystem, packageName, true);
                ContentFacts now = content.get(version);
                ContentFacts before = previous == null ? null : content.get(previous.version());
                return new ReleaseContext(history.get(i), previous, now, before);
            }
        }
        return null;
    }

    /** Forgets what is known in memory about a package, so that it is decided again on next use. */
    public void forget(String ecosystem, String packageName) {
        packages.invalidate(key(ecosystem, packageName));
        with.renderingsChanged().accept(ecosystem, packageName);
    }




    /** Whether a stored verdict already says what a new one would (its decision time aside). */
    private static boolean sameVerdict(VerdictRecord stored, VerdictRecord r) {
        return stored != null && stored.verdict().equals(r.verdict()) && stored.factsDigest().equals(r.factsDigest())
                && stored.policyVersion().equals(r.policyVersion()) && Objects.equals(stored.heldUntil(), r.heldUntil());
    }

    /** A package's state from the store alone (no governing document at hand). */
    private PackageState load(String ecosystem, String pkg) {
        Map<String, Evaluation> byVersion = new HashMap<>();
        for (VerdictRecord r : state.verdicts(ecosystem, pkg).values()) {
            byVersion.put(r.version(), new Evaluation(r.version(), Verdict.valueOf(r.verdict()), findings(r.findings()), r.heldUntil(),
                    r.factsDigest()));
        }
        PackageState s = build(ecosystem, pkg, byVersion, null);
        packages.put(key(ecosystem, pkg), s);
        return s;
    }

    /** @param source the governing document decided from, or null when read from the store alone */
    private PackageState build(String ecosystem, String pkg, Map<String, Evaluation> evaluations, PackageMetadata source) {
        Map<String, List<DecisionRecord>> decisions = state.decisionsFor(ecosystem, pkg);
        Map<String, Effective> byVersion = new HashMap<>();
        Instant now = clock.instant();
        Instant next = Instant.MAX;
        Instant recheck = Instant.MAX;
        for (Evaluation e : evaluations.values()) {
            String id = PolicyEngine.releaseId(ecosystem, pkg, e.version());
            DecisionRecord decision = null;
            for (DecisionRecord d : decisions.getOrDefault(id, List.of())) {
                // The latest decision that applies: a reject whatever changed since; a release
                // only for the facts it was made for.
                if (d.action().equals("reject") || d.factsDigest().equals(e.factsDigest())) {
                    decision = d;
                }
            }
            if (e.verdict() == Verdict.APPROVED && decision == null) {
                continue;
            }
            byVersion.put(e.version(), new Effective(id, e, decision));
            if (e.findings().stream().anyMatch(f -> f.check().equals("new-dependency"))) {
                recheck = now.plus(RECHECK);
                next = next.isBefore(recheck) ? next : recheck;
            }
            if (e.heldUntil() != null && e.heldUntil().isAfter(now) && e.heldUntil().isBefore(next)) {
                next = e.heldUntil();
            }
            if (decision != null && decision.expiresAt() != null && decision.expiresAt().isAfter(now) && decision.expiresAt().isBefore(next)) {
                next = decision.expiresAt();
            }
        }
        Map<String, FileHold> files = FileHold.of(state, engine.config().minimumReleaseAge(), ecosystem, pkg, now);
        for (FileHold h : files.values()) {
            if (h.heldUntil().isBefore(next)) {
                next = h.heldUntil();
            }
        }
        return new PackageState(Map.copyOf(byVersion), next, recheck, files, source);
    }



    static String findingsJson(List<Finding> findings) {
        try {
            return JSON.writeValueAsString(findings);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    static List<Finding> findings(String json) {
        try {
            return JSON.readValue(json, new TypeReference<List<Finding>>() { });
        } catch (JsonProcessingException e) {
            return List.of(new Finding("unknown", true, "stored findings are unreadable", Map.of()));
        }
    }

    private static String key(String ecosystem, String pkg) {
        return ecosystem + "\0" + pkg;
    }
}
