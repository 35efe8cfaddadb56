package dev.airlock.core.policy;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.airlock.core.ecosystem.PackageMetadata;
import dev.airlock.core.store.DecisionRecord;
import dev.airlock.core.store.StateStore;
import dev.airlock.core.store.VerdictRecord;

import java.lang.System.Logger.Level;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.BiConsumer;
import java.util.function.Predicate;

/**
 * Applies the policy: decides each package's releases when its metadata changes (once per change,
 * not per request), keeps the decisions in the state store and in memory, and answers the two
 * questions the server asks: which versions may a rendering list, and may this file be served.
 *
 * <p>People's decisions ({@code quarantine release|reject}) override automatic ones while the
 * release's facts stay the same. They may be made by another process on the same data (the
 * command line), so the store's decision log is polled ({@link #pollDecisions()}).
 *
 * <p>In {@code audit} mode everything is decided and recorded but nothing is hidden or refused.
 */
public final class PolicyService {

    private static final System.Logger LOG = System.getLogger("airlock.policy");
    /** Stored JSON is read leniently: a reading written by a newer release may carry more fields. */
    private static final ObjectMapper JSON = com.fasterxml.jackson.databind.json.JsonMapper.builder()
            .disable(com.fasterxml.jackson.databind.DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES).build();

    private final PolicyEngine engine;
    private final StateStore state;
    private final Clock clock;
    private final boolean enforce;
    private final Cache<String, PackageState> packages = Caffeine.newBuilder().maximumSize(50_000).build();
    private volatile BiConsumer<String, String> onChange = (eco, pkg) -> { };
    private volatile Prefetcher prefetcher = (eco, route) -> { };
    /** Releases whose files were fetched for inspection (or tried): never twice. */
    private final Cache<String, Boolean> prefetched = Caffeine.newBuilder().maximumSize(100_000).build();

    /** The governing document of another package of an ecosystem (a dependency), or null; installed at start-up. */
    public interface Lookup {
        PackageMetadata governing(String ecosystem, String packageName) throws Exception;
    }

    private volatile Lookup lookup = (eco, pkg) -> null;
    /** Set while a dependency is looked at: its own dependencies are not (one level, no cycles). */
    private static final ThreadLocal<Boolean> LOOKING = ThreadLocal.withInitial(() -> false);

    public void lookup(Lookup l) {
        this.lookup = l;
    }

    /** Why a dependency's newest release is held, or null (not held, unknown, or not looked at now). */
    private String dependencyHeld(String ecosystem, String dependency) {
        if (LOOKING.get()) {
            return null;
        }
        LOOKING.set(true);
        try {
            PackageMetadata md = lookup.governing(ecosystem, dependency);
            if (md == null || md.releaseFacts().isEmpty()) {
                return null;
            }
            PackageState s = packages.getIfPresent(key(ecosystem, dependency));
            if (s == null) {
                s = decide(ecosystem, md, false);
            }
            String newest = md.releaseFacts().get(md.releaseFacts().size() - 1).version();
            Access a = access(ecosystem, dependency, newest, s);
            return a instanceof Access.Blocked b ? newest + " " + String.join("; ", b.block().reasons()) : null;
        } catch (Exception e) {
            LOG.log(Level.DEBUG, "cannot look at dependency " + dependency + ": " + e.getMessage());
            return null;
        } finally {
            LOOKING.set(false);
        }
    }

    /** Fetches (and so inspects) a release's file through the artifact path; installed at start-up. */
    public interface Prefetcher {
        void fetch(String ecosystem, dev.airlock.core.ecosystem.Route route) throws Exception;
    }

    public void prefetcher(Prefetcher p) {
        this.prefetcher = p;
    }
    private volatile long lastDecision;

    public PolicyService(PolicyEngine engine, StateStore state, Clock clock, boolean enforce) {
        this.engine = engine;
        this.state = state;
        this.clock = clock;
        this.enforce = enforce;
        this.demand = new Demand(clock);
        List<DecisionRecord> all = state.decisionsAfter(0);
        this.lastDecision = all.isEmpty() ? 0 : all.get(all.size() - 1).seq();
    }

    private final Demand demand;
    /** Each package's version order and newest release, as last decided: for passed-over demand and the queue. */
    private final Cache<String, java.util.Comparator<String>> orders = Caffeine.newBuilder().maximumSize(50_000).build();
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
        List<dev.airlock.core.store.DemandRecord> out = new ArrayList<>();
        for (Demand.Asked a : asked) {
            dev.airlock.core.store.DemandRecord r = a.record();
            out.add(r);
            if (a.served()) {
                for (String held : heldNewer(r.ecosystem(), r.packageName(), r.version())) {
                    out.add(new dev.airlock.core.store.DemandRecord(r.ecosystem(), r.packageName(), held,
                            dev.airlock.core.store.DemandRecord.PASSED_OVER, r.count(), r.lastAsked(), r.tokens()));
                }
            }
        }
        state.addDemand(out);
    }

    /** The versions of a package, newer than {@code version}, that clients may not have now (from memory; empty if not there). */
    private List<String> heldNewer(String ecosystem, String packageName, String version) {
        String k = key(ecosystem, packageName);
        PackageState s = packages.getIfPresent(k);
        java.util.Comparator<String> order = orders.getIfPresent(k);
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

    /** Who to tell when a package's visible versions change (the metadata cache, to render again). */
    public void onChange(BiConsumer<String, String> listener) {
        this.onChange = listener;
    }

    public PolicyEngine engine() {
        return engine;
    }

    /** Which versions a rendering may list, and until when that answer holds (an age hold ends). */
    public record View(Predicate<String> visible, Instant validUntil, Map<String, String> held, Predicate<String> files) {
        static final View ALL = new View(v -> true, Instant.MAX, Map.of(), f -> true);
    }

    /**
     * A file added to a release after Airlock first saw the package (a new wheel uploaded to an
     * old release, as a stolen token allows): young files are held even when their release is
     * old, until the file itself comes of age.
     */
    private record FileHold(String version, Instant heldUntil, String reason) {
    }

    /** Why a file is refused: what the 403 body says. */
    public record Block(String ecosystem, String packageName, String version, Verdict verdict, List<String> reasons, String releaseId) {

        public String summary() {
            return packageName + "@" + version + " is " + (verdict == Verdict.DENIED ? "denied" : "quarantined") + " by Airlock: "
                    + String.join("; ", reasons);
        }

        public String howToRelease() {
            return verdict == Verdict.DENIED && reasons.stream().anyMatch(r -> r.startsWith("denied by policy.deny"))
                    ? "remove the matching policy.deny entry"
                    : "ask your security team to review release " + releaseId + " (airlock quarantine show " + releaseId + ")";
        }
    }

    /** What is known in memory about one release: allowed, blocked, or not known without I/O. */
    public sealed interface Access {
        record Allowed() implements Access {
        }

        record Blocked(Block block) implements Access {
        }

        record Unknown() implements Access {
        }
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

    /** A package's decisions in memory, and the next moment one of them changes by itself. */
    private record PackageState(Map<String, Effective> byVersion, Instant nextChange, Instant recheckAt, Map<String, FileHold> files) {

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
    static final java.time.Duration RECHECK = java.time.Duration.ofHours(1);

    /**
     * Decides a package's releases from a freshly parsed document that governs them (blocking:
     * JDBC; call on a worker). Stores only what changed; tells the listener if anything did.
     */
    public void evaluate(String ecosystem, PackageMetadata parsed) {
        if (!parsed.governsReleases()) {
            return;
        }
        PackageState before = packages.getIfPresent(key(ecosystem, parsed.packageName()));
        // Called inside the metadata fetch's single flight: no other package's metadata is loaded
        // from here (two packages depending on each other would wait on each other). Dependencies
        // are looked at when the package is next rendered or served, outside the flight.
        PackageState after = decide(ecosystem, parsed, false);
        if (before != null && !before.sameAs(after)) {
            onChange.accept(ecosystem, parsed.packageName());
        }
    }

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
            inspectNewest(ecosystem, metadata);
        }
        PackageState s = packages.getIfPresent(key);
        if (s != null && metadata.governsReleases() && !clock.instant().isBefore(s.recheckAt())) {
            s = null; // it held a release for another package's sake: look again
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
        java.util.Comparator<String> order = metadata.versionOrder();
        Map<String, String> held = new java.util.TreeMap<>();
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
        java.util.Comparator<String> order = metadata.versionOrder();
        String best = null;
        for (dev.airlock.core.ecosystem.ReleaseInfo r : metadata.releases()) {
            if (which.test(r.version()) && (best == null || newer(order, r.version(), best))) {
                best = r.version();
            }
        }
        return best;
    }

    /** Whether {@code a} is above {@code b}; versions the order cannot compare count as newer (told rather than hidden). */
    private static boolean newer(java.util.Comparator<String> order, String a, String b) {
        if (order == null) {
            return true;
        }
        try {
            return order.compare(a, b) > 0;
        } catch (RuntimeException unordered) {
            return true;
        }
    }

    /**
     * Before the newest release is listed, its files are fetched and read once, so that what
     * they contain (a .pth file, an annotation processor, a manifest that contradicts the
     * registry's) can hold it before any client picks it. When it ships a hook, the release
     * before it is read too: a long-standing hook is then recognised as such.
     *
     * <p>Where signing keys are trusted on first use per scope (a Maven groupId), the release
     * before the newest is read first: the key pinned for the scope is then the established one,
     * not the newest release's (the one under suspicion), and the newest is compared with its
     * predecessor's signer.
     */
    private void inspectNewest(String ecosystem, PackageMetadata metadata) {
        List<dev.airlock.core.ecosystem.ReleaseFacts> releases = metadata.releaseFacts();
        if (releases.isEmpty()) {
            return;
        }
        String pkg = metadata.packageName();
        String newest = releases.get(releases.size() - 1).version();
        // The release the newest is compared with, as the engine picks it (the highest lower one).
        dev.airlock.core.ecosystem.ReleaseFacts previous = PolicyEngine.previous(releases, metadata.versionOrder())[releases.size() - 1];
        dev.airlock.core.ecosystem.Ecosystem eco = ecosystems.apply(ecosystem);
        if (previous != null && eco != null && eco.signerScope(pkg) != null) {
            prefetch(ecosystem, metadata, previous.version());
        }
        if (prefetch(ecosystem, metadata, newest) && previous != null) {
            Map<String, ContentFactsHolder> read = contentFacts(ecosystem, pkg);
            ContentFactsHolder n = read.get(newest);
            // A hook (found in the files, or declared in the metadata), or who built it (or that
            // nobody signed it), is judged against the release before it, whose files a reviewer
            // then also sees compared.
            dev.airlock.core.ecosystem.ReleaseFacts declared = releases.get(releases.size() - 1);
            boolean declaresHooks = declared.installHooks() != null && !declared.installHooks().isEmpty();
            if (n != null && (declaresHooks || !n.facts().installHooks().isEmpty() || !n.facts().signer().isEmpty())) {
                prefetch(ecosystem, metadata, previous.version());
            }
        }
    }

    /**
     * Before a hook found in a release's files holds it as new, the release it is compared with is
     * read too (for Maven a POM of a few kilobytes): "the previous version is not known to have it"
     * is allowed only where that version truly cannot be read. Reads one release, never a chain.
     *
     * @return whether it read something, so the package must be decided again
     */
    private boolean readPrevious(String ecosystem, PackageMetadata metadata, String version) {
        Map<String, ContentFactsHolder> read = contentFacts(ecosystem, metadata.packageName());
        ContentFactsHolder facts = read.get(version);
        if (facts == null || facts.facts().installHooks().isEmpty()) {
            return false;
        }
        List<dev.airlock.core.ecosystem.ReleaseFacts> history = metadata.releaseFacts();
        for (int i = 0; i < history.size(); i++) {
            if (history.get(i).version().equals(version)) {
                dev.airlock.core.ecosystem.ReleaseFacts previous = PolicyEngine.previous(history, metadata.versionOrder())[i];
                return previous != null && !read.containsKey(previous.version()) && prefetch(ecosystem, metadata, previous.version());
            }
        }
        return false;
    }

    /** Fetches a release's files for inspection unless done before; true when it fetched now. */
    private boolean prefetch(String ecosystem, PackageMetadata metadata, String version) {
        String k = key(ecosystem, metadata.packageName()) + "\0" + version;
        if (prefetched.asMap().putIfAbsent(k, Boolean.TRUE) != null) {
            return false;
        }
        if (state.contentFacts(ecosystem, metadata.packageName()).containsKey(version)) {
            return false;
        }
        for (dev.airlock.core.ecosystem.Route r : metadata.artifactsOf(version)) {
            try {
                prefetcher.fetch(ecosystem, r);
            } catch (Exception e) {
                // Not readable now (upstream down, gone): decided without it; clients fetching it get it inspected then.
                LOG.log(Level.DEBUG, "cannot fetch " + ecosystem + " " + metadata.packageName() + "@" + version + " for inspection: "
                        + e.getMessage());
            }
        }
        return true;
    }

    /** A content reading per version, merged over its files. */
    private record ContentFactsHolder(dev.airlock.core.ecosystem.ContentFacts facts) {
    }

    private Map<String, ContentFactsHolder> contentFacts(String ecosystem, String pkg) {
        return contentFacts(ecosystem, pkg, false);
    }

    /**
     * What the policy reads of a stored reading: the evidence for reviewers (file listings, hook
     * file texts) is skipped, since a decision never needs it and it is the bulk of the JSON.
     */
    private record PolicyReading(Map<String, String> installHooks, Map<String, String> mismatches, List<String> anomalies,
                                 Map<String, String> signer, List<String> signatureFailures) {
    }

    /**
     * @param evidence whether to read the reviewers' evidence too (a release's page), not only what
     *                 decisions use
     */
    private Map<String, ContentFactsHolder> contentFacts(String ecosystem, String pkg, boolean evidence) {
        Map<String, ContentFactsHolder> out = new HashMap<>();
        for (Map.Entry<String, Map<String, String>> v : state.contentFacts(ecosystem, pkg).entrySet()) {
            Map<String, String> hooks = new java.util.TreeMap<>();
            Map<String, String> mismatches = new java.util.TreeMap<>();
            List<String> anomalies = new ArrayList<>();
            Map<String, String> signer = new java.util.TreeMap<>();
            List<String> failures = new ArrayList<>();
            Map<String, String> hookFiles = new java.util.TreeMap<>();
            Map<String, dev.airlock.core.ecosystem.ContentFacts.Listed> files = new java.util.TreeMap<>();
            for (String json : v.getValue().values()) {
                try {
                    dev.airlock.core.ecosystem.ContentFacts f;
                    if (evidence) {
                        f = JSON.readValue(json, dev.airlock.core.ecosystem.ContentFacts.class);
                        hookFiles.putAll(f.hookFiles());
                        files.putAll(f.files());
                    } else {
                        PolicyReading r = JSON.readValue(json, PolicyReading.class);
                        f = new dev.airlock.core.ecosystem.ContentFacts(r.installHooks() == null ? Map.of() : r.installHooks(),
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
            out.put(v.getKey(), new ContentFactsHolder(new dev.airlock.core.ecosystem.ContentFacts(hooks, mismatches, anomalies, signer,
                    failures, hookFiles, files)));
        }
        return out;
    }

    /**
     * Records what a release's file contains (blocking; called when the file is committed) and
     * makes the package be decided again.
     */
    public void recordContent(String ecosystem, String packageName, String version, String filename, String sha256,
                              dev.airlock.core.ecosystem.ContentFacts facts) {
        facts = scopePinned(ecosystem, packageName, facts);
        try {
            state.putContentFacts(ecosystem, packageName, version, filename, sha256, JSON.writeValueAsString(facts), clock.instant());
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
        packages.invalidate(key(ecosystem, packageName));
        onChange.accept(ecosystem, packageName);
    }

    /**
     * Trust on first use per signer scope, learnt as a set: one Maven groupId is signed by many
     * release managers' keys. A file signed by a key new to a scope that had keys already carries
     * those keys, for the engine to weigh (held while the release is young, a note after).
     */
    private dev.airlock.core.ecosystem.ContentFacts scopePinned(String ecosystem, String packageName,
                                                                dev.airlock.core.ecosystem.ContentFacts facts) {
        String key = facts.signer().get(dev.airlock.core.ecosystem.ContentFacts.PGP_KEY);
        dev.airlock.core.ecosystem.Ecosystem eco = ecosystems.apply(ecosystem);
        String scope = eco == null || key == null || key.isEmpty() ? null : eco.signerScope(packageName);
        if (scope == null) {
            return facts;
        }
        List<String> known = state.learnSigner(ecosystem, scope, "pgp", key, clock.instant());
        if (known.isEmpty() || known.contains(key)) {
            return facts;
        }
        LOG.log(Level.INFO, "signing key new to " + scope + ": " + ecosystem + " " + packageName + " signed by " + key + "; "
                + scope + " was signed by " + String.join(", ", known) + " before");
        metrics.event("signing_key_new", ecosystem);
        Map<String, String> signer = new java.util.TreeMap<>(facts.signer());
        signer.put(dev.airlock.core.ecosystem.ContentFacts.PGP_KEY_FIRST, String.join(", ", known) + " (known for " + scope + ")");
        return new dev.airlock.core.ecosystem.ContentFacts(facts.installHooks(), facts.mismatches(), facts.anomalies(), signer,
                facts.signatureFailures(), facts.hookFiles(), facts.files());
    }

    /**
     * Records when a release was published, as the repository states it where its metadata does
     * not (a Maven POM's {@code Last-Modified}); the package is decided again with it.
     */
    public void recordPublished(String ecosystem, String packageName, String version, Instant publishedAt) {
        state.putReleaseTime(ecosystem, packageName, version, publishedAt);
        packages.invalidate(key(ecosystem, packageName));
    }

    /** The metadata's release facts, with publish times the repository stated elsewhere filled in where the metadata has none. */
    private List<dev.airlock.core.ecosystem.ReleaseFacts> dated(String ecosystem, String pkg,
                                                                 List<dev.airlock.core.ecosystem.ReleaseFacts> releases) {
        if (releases.stream().allMatch(r -> r.publishedAt() != null)) {
            return releases;
        }
        Map<String, Instant> times = state.releaseTimes(ecosystem, pkg);
        if (times.isEmpty()) {
            return releases;
        }
        List<dev.airlock.core.ecosystem.ReleaseFacts> out = new ArrayList<>(releases.size());
        for (dev.airlock.core.ecosystem.ReleaseFacts r : releases) {
            Instant t = r.publishedAt() == null ? times.get(r.version()) : null;
            out.add(t == null ? r : new dev.airlock.core.ecosystem.ReleaseFacts(r.version(), t, r.publisher(), r.maintainers(),
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
        metrics.event("audit_would_refuse", b.ecosystem());
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
        if (s != null && governing && (!clock.instant().isBefore(s.recheckAt()) || !s.byVersion().containsKey(version)
                && metadata.releases().stream().anyMatch(r -> r.version().equals(version)))) {
            s = null; // provisional, or decided from a document that did not list this version yet
        }
        if (s == null) {
            s = governing ? decide(ecosystem, metadata, true) : load(ecosystem, packageName);
        }
        // Reading the previous release can date it after this one (a backport), which makes another
        // release the one to compare with: a few rounds, never a chain through the whole history.
        for (int round = 0; round < 3 && governing && access(ecosystem, packageName, version, s) instanceof Access.Blocked
                && readPrevious(ecosystem, metadata, version); round++) {
            s = decide(ecosystem, metadata, true);
        }
        if (access(ecosystem, packageName, version, s) instanceof Access.Blocked b) {
            return Optional.of(b.block());
        }
        if (!governing) {
            // Nothing decides this release from metadata: the rules that need none still apply,
            // and so does what its files were found to contain (a POM that is no readable XML),
            // until a verdict on it is stored (which a person's decision then overrides).
            ContentFactsHolder read = s.byVersion().containsKey(version) ? null : contentFacts(ecosystem, packageName).get(version);
            Evaluation alone = engine.evaluate(ecosystem, packageName, List.of(new dev.airlock.core.ecosystem.ReleaseFacts(version,
                    null, null, null, null, null)), Map.of(), read == null ? Map.of() : Map.of(version, read.facts()), clock.instant())
                    .get(0);
            List<Finding> holding = alone.findings().stream().filter(f -> f.holds() && METADATA_FREE.contains(f.check())).toList();
            List<String> reasons = holding.stream().map(Finding::message).toList();
            if (holding.stream().anyMatch(f -> f.check().equals("archive"))) {
                // Stored, unlike a name rule (decided again on every request): so the release is
                // queued for a person, a cached copy is held on the fast path too, and a person's
                // release of it applies from then on.
                Instant now = clock.instant();
                VerdictRecord r = new VerdictRecord(PolicyEngine.releaseId(ecosystem, packageName, version), ecosystem, packageName,
                        version, Verdict.QUARANTINED.name(), null, findingsJson(holding), alone.factsDigest(), engine.version(), now, now);
                state.putVerdicts(List.of(r));
                LOG.log(Level.INFO, r.verdict() + " " + ecosystem + " " + packageName + "@" + version + " (release " + r.id() + ")");
                audited(r, "APPROVED", now);
                packages.invalidate(key(ecosystem, packageName));
            }
            if (!reasons.isEmpty()) {
                return Optional.of(new Block(ecosystem, packageName, version, alone.verdict() == Verdict.DENIED ? Verdict.DENIED
                        : Verdict.QUARANTINED, reasons, PolicyEngine.releaseId(ecosystem, packageName, version)));
            }
        }
        return Optional.empty();
    }

    /**
     * Checks that decide on a name and version alone, and on what Airlock read in the bytes it
     * holds ("archive": an anomaly such as a POM with a DTD, or one past limits.pomSize).
     */
    private static final java.util.Set<String> METADATA_FREE = java.util.Set.of("deny", "known-malicious", "namespace", "typosquat",
            "archive");

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
     * Picks up people's decisions made since the last look, also by other processes on the same
     * data (the command line): the packages they concern are decided again on next use.
     */
    public void pollDecisions() {
        List<DecisionRecord> news = state.decisionsAfter(lastDecision);
        for (DecisionRecord d : news) {
            lastDecision = Math.max(lastDecision, d.seq());
            state.verdict(d.id()).ifPresent(v -> {
                packages.invalidate(key(v.ecosystem(), v.packageName()));
                onChange.accept(v.ecosystem(), v.packageName());
            });
        }
    }

    /**
     * Runs the engine, stores what changed, and caches the result.
     *
     * @param dependencies whether other packages may be loaded to look at added dependencies;
     *                     without, the result is provisional and decided again on next use
     */
    private PackageState decide(String ecosystem, PackageMetadata metadata, boolean dependencies) {
        boolean lookAtDependencies = dependencies && !LOOKING.get();
        String pkg = metadata.packageName();
        Instant now = clock.instant();
        Map<String, String> attestationFailures = attest(ecosystem, metadata, now);
        recordNewest(ecosystem, metadata);
        Map<String, dev.airlock.core.ecosystem.ContentFacts> content = new HashMap<>();
        contentFacts(ecosystem, pkg).forEach((v, h) -> content.put(v, h.facts()));
        List<Evaluation> evaluations = engine.evaluate(ecosystem, pkg, dated(ecosystem, pkg, metadata.releaseFacts()),
                state.observedReleases(ecosystem, pkg),
                content, dep -> lookAtDependencies && !dep.equals(pkg) ? dependencyHeld(ecosystem, dep) : null, metadata.versionOrder(), now);
        evaluations = pinned(ecosystem, metadata, evaluations);
        evaluations = attested(evaluations, attestationFailures);
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
                    && old.verdict().equals(e.verdict().name()) && java.util.Objects.equals(old.heldUntil(), e.heldUntil())) {
                continue;
            }
            Instant firstHeld = old != null && old.firstHeld() != null ? old.firstHeld() : e.verdict() == Verdict.APPROVED ? null : now;
            changed.add(new VerdictRecord(PolicyEngine.releaseId(ecosystem, pkg, e.version()), ecosystem, pkg, e.version(),
                    e.verdict().name(), e.heldUntil(), findingsJson(e.findings()), e.factsDigest(), engine.version(), firstHeld, now));
        }
        state.putVerdicts(changed);
        for (VerdictRecord r : changed) {
            if (!r.verdict().equals("APPROVED")) {
                LOG.log(Level.INFO, r.verdict() + " " + ecosystem + " " + pkg + "@" + r.version() + " (release " + r.id() + ")");
            }
            VerdictRecord old = stored.get(r.version());
            String before = old == null ? "APPROVED" : old.verdict();
            if (!before.equals(r.verdict())) {
                audited(r, before, now);
            }
        }
        PackageState s = build(ecosystem, pkg, byVersion, stored);
        if (!lookAtDependencies) {
            s = new PackageState(s.byVersion(), clock.instant(), clock.instant(), s.files());
        }
        packages.put(key(ecosystem, pkg), s);
        return s;
    }

    /**
     * First-seen content pinning: once Airlock holds a file, the registry listing other bytes
     * for the same name (a republish, a tampered mirror) denies that release, with an alert.
     * Airlock keeps serving nothing but what it first verified.
     */
    private List<Evaluation> pinned(String ecosystem, PackageMetadata metadata, List<Evaluation> evaluations) {
        Map<String, List<String>> changedByVersion = new HashMap<>();
        for (dev.airlock.core.store.ArtifactRecord r : state.artifacts(ecosystem, metadata.packageName())) {
            if (r.derivedFrom() != null || r.upstreamDigest() == null || !r.upstreamDigest().contains("-")) {
                continue; // derived, unverified or path-addressed (digest in another form): nothing listed to compare
            }
            java.util.Optional<dev.airlock.core.ecosystem.ArtifactRef> listed = metadata.artifact(r.filename());
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

    /** Fetches a release's attestations document (relative path on the ecosystem's upstream), null when absent. */
    public interface AttestationSource {
        byte[] fetch(String ecosystem, String path) throws Exception;
    }

    private volatile AttestationSource attestations = (eco, path) -> null;
    private volatile java.util.function.Function<String, dev.airlock.core.ecosystem.Ecosystem> ecosystems = id -> null;
    /** Verification results, by release: a release's attestations are fetched and checked once. */
    private final Cache<String, String> attestationResults = Caffeine.newBuilder().maximumSize(100_000).build();


    public void attestations(AttestationSource source, java.util.function.Function<String, dev.airlock.core.ecosystem.Ecosystem> byId) {
        this.attestations = source;
        this.ecosystems = byId;
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
    private Map<String, String> attest(String ecosystem, PackageMetadata metadata, Instant now) {
        dev.airlock.core.ecosystem.Ecosystem eco = ecosystems.apply(ecosystem);
        if (eco == null) {
            return Map.of();
        }
        List<dev.airlock.core.ecosystem.ReleaseFacts> history = metadata.releaseFacts();
        Map<String, Instant> observed = state.observedReleases(ecosystem, metadata.packageName());
        Instant packageFirstSeen = observed.values().stream().min(Instant::compareTo).orElse(now);
        // Young ones first (their failures hold them), then the ones before them (for comparison).
        java.util.LinkedHashSet<String> young = new java.util.LinkedHashSet<>();
        java.util.LinkedHashSet<String> before = new java.util.LinkedHashSet<>();
        dev.airlock.core.ecosystem.ReleaseFacts[] previousOf = PolicyEngine.previous(history, metadata.versionOrder());
        for (int i = 0; i < history.size(); i++) {
            dev.airlock.core.ecosystem.ReleaseFacts f = history.get(i);
            // Young by the later of upstream's time and Airlock's own first sighting (a backdated time does not skip it).
            Instant seen = observed.get(f.version());
            Instant since = seen != null && seen.isAfter(packageFirstSeen) ? latest(f.publishedAt(), seen) : f.publishedAt();
            if (f.provenance() == null || f.provenance().isEmpty() || since == null
                    || since.isBefore(now.minus(PolicyEngine.DEPENDENCY_WINDOW))) {
                continue;
            }
            young.add(f.version());
            dev.airlock.core.ecosystem.ReleaseFacts previous = previousOf[i];
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
        dev.airlock.core.ecosystem.Ecosystem eco = ecosystems.apply(ecosystem);
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
            packages.invalidate(key(ecosystem, metadata.packageName()));
        }
    }

    /**
     * Fetches and verifies one release's attestations. A verification failure (a signature that
     * does not verify, a statement about other bytes) is stored as a signature failure of the
     * release, which denies it; one that cannot be read now is returned and not remembered.
     *
     * @return "" when they verify, else why not
     */
    private String verifyAttestations(dev.airlock.core.ecosystem.Ecosystem eco, String ecosystem, PackageMetadata metadata, String version,
                                      Instant now) {
        String path = eco.attestationsPath(metadata, version);
        if (path == null) {
            return "";
        }
        String key = key(ecosystem, metadata.packageName()) + "\0" + version;
        try {
            byte[] doc = attestations.fetch(ecosystem, path);
            if (doc == null) {
                // Not remembered: a registry that lists attestations and does not serve them may be
                // having a bad minute; the release is held until it does.
                return "the registry lists attestations but serves none";
            }
            dev.airlock.core.ecosystem.AttestationCheck check = eco.verifyAttestations(metadata, version, doc,
                    engine.registryKeysOf(ecosystem));
            String failure = check.failure() == null ? "" : check.failure();
            attestationResults.put(key, failure);
            if (check.failure() == null || check.refuted()) {
                // Kept for good: who built it, or that what the registry attested is not these bytes (denied).
                dev.airlock.core.ecosystem.ContentFacts outcome = check.failure() == null
                        ? dev.airlock.core.ecosystem.ContentFacts.signed(check.signer(), List.of())
                        : dev.airlock.core.ecosystem.ContentFacts.signed(Map.of(), List.of("its attestations refute it: " + failure));
                state.putContentFacts(ecosystem, metadata.packageName(), version, attestationsFile(version),
                        java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256").digest(doc)),
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
    private static List<Evaluation> attested(List<Evaluation> evaluations, Map<String, String> failures) {
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

    private volatile java.util.function.Consumer<ReleaseEvent> events = e -> { };

    /** Who hears about releases held, denied, released and rejected (notifications); never blocks. */
    public void events(java.util.function.Consumer<ReleaseEvent> listener) {
        this.events = listener;
    }

    /** Tells the listener about a decision made elsewhere (a person's, through {@link Quarantine}). */
    public void publish(ReleaseEvent e) {
        try {
            events.accept(e);
        } catch (RuntimeException ex) {
            LOG.log(Level.WARNING, "cannot hand on a release event: " + ex.getMessage());
        }
    }

    /** An automatic verdict that changed goes into the audit log and to the listeners. */
    private void audited(VerdictRecord r, String before, Instant now) {
        List<String> reasons = findings(r.findings()).stream().filter(Finding::holds).map(Finding::message).toList();
        com.fasterxml.jackson.databind.node.ObjectNode details = JSON.createObjectNode().put("ecosystem", r.ecosystem())
                .put("package", r.packageName()).put("version", r.version()).put("verdict", r.verdict()).put("previous", before);
        reasons.forEach(details.putArray("reasons")::add);
        try {
            state.appendAudit(now, "airlock", "verdict", r.id(), String.join("; ", reasons), details.toString());
        } catch (RuntimeException e) {
            LOG.log(Level.ERROR, "cannot append to the audit log: " + e.getMessage());
        }
        String type = switch (r.verdict()) {
            case "DENIED" -> "denied";
            case "QUARANTINED" -> "held";
            default -> null;
        };
        if (type != null) {
            publish(new ReleaseEvent(type, r.ecosystem(), r.packageName(), r.version(), r.id(), reasons, "airlock", null, now));
        }
    }

    /** The run-time rules changed: every package is decided and rendered again on next use. */
    public void rulesChanged() {
        packages.invalidateAll();
        onChange.accept(null, null);
    }

    /**
     * Decides a package's releases again now, from its governing document (blocking): after a
     * person asks to, or a rule changed. Attestation results kept in memory are asked again.
     *
     * @return false when the document cannot be had now (decided again on next use)
     */
    public boolean reevaluate(String ecosystem, String packageName) {
        attestationResults.asMap().keySet().removeIf(k -> k.startsWith(key(ecosystem, packageName) + "\0"));
        forget(ecosystem, packageName);
        try {
            PackageMetadata m = lookup.governing(ecosystem, packageName);
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
    public record ReleaseContext(dev.airlock.core.ecosystem.ReleaseFacts release, dev.airlock.core.ecosystem.ReleaseFacts previous,
                                 dev.airlock.core.ecosystem.ContentFacts content, dev.airlock.core.ecosystem.ContentFacts previousContent) {
    }

    /**
     * A release's context from its governing document (blocking; may ask upstream when the
     * document is not cached), or null when the document cannot be had now.
     */
    public ReleaseContext context(String ecosystem, String packageName, String version) {
        PackageMetadata m;
        try {
            m = lookup.governing(ecosystem, packageName);
        } catch (Exception e) {
            return null;
        }
        if (m == null) {
            return null;
        }
        List<dev.airlock.core.ecosystem.ReleaseFacts> history = m.releaseFacts();
        for (int i = 0; i < history.size(); i++) {
            if (history.get(i).version().equals(version)) {
                dev.airlock.core.ecosystem.ReleaseFacts previous = PolicyEngine.previous(history, m.versionOrder())[i];
                Map<String, ContentFactsHolder> content = contentFacts(ecosystem, packageName, true);
                ContentFactsHolder now = content.get(version);
                ContentFactsHolder before = previous == null ? null : content.get(previous.version());
                return new ReleaseContext(history.get(i), previous, now == null ? null : now.facts(), before == null ? null : before.facts());
            }
        }
        return null;
    }

    /** Forgets what is known in memory about a package, so that it is decided again on next use. */
    public void forget(String ecosystem, String packageName) {
        packages.invalidate(key(ecosystem, packageName));
        onChange.accept(ecosystem, packageName);
    }

    /** Attestation documents fetched in one decision at most; the rest wait for the next (held meanwhile). */
    static final int MAX_ATTESTATION_FETCHES = 8;

    private static Instant latest(Instant a, Instant b) {
        return a == null ? b : b == null ? a : a.isAfter(b) ? a : b;
    }

    /** "sha512-..." to "SHA-512". */
    private static String algorithmOf(String sri) {
        String a = sri.substring(0, sri.indexOf('-')).toUpperCase(java.util.Locale.ROOT);
        return a.startsWith("SHA") ? "SHA-" + a.substring(3) : a;
    }

    private volatile dev.airlock.core.metrics.AirlockMetrics metrics = new dev.airlock.core.metrics.AirlockMetrics();

    /** Where alerts are counted (airlock_events_total{event="content_pin_broken"}). */
    public void metrics(dev.airlock.core.metrics.AirlockMetrics m) {
        this.metrics = m;
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

    /**
     * @param stored the package's verdict rows (to find people's decisions on releases approved
     *               now), or null to read them
     */
    private PackageState build(String ecosystem, String pkg, Map<String, Evaluation> evaluations, Map<String, VerdictRecord> stored) {
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
        Map<String, FileHold> files = fileHolds(ecosystem, pkg, now);
        for (FileHold h : files.values()) {
            if (h.heldUntil().isBefore(next)) {
                next = h.heldUntil();
            }
        }
        return new PackageState(Map.copyOf(byVersion), next, recheck, files);
    }

    /**
     * Files first listed after the package was first seen, and younger than the minimum age:
     * only ecosystems that record listed files (PyPI) have any.
     */
    private Map<String, FileHold> fileHolds(String ecosystem, String pkg, Instant now) {
        java.time.Duration minimum = engine.config().minimumReleaseAge();
        if (minimum.isZero()) {
            return Map.of();
        }
        Map<String, dev.airlock.core.store.FileObservation> seen = state.observedFiles(ecosystem, pkg);
        Instant first = seen.values().stream().map(dev.airlock.core.store.FileObservation::firstSeen).min(Instant::compareTo).orElse(null);
        if (first == null) {
            return Map.of();
        }
        Map<String, FileHold> out = new HashMap<>();
        for (dev.airlock.core.store.FileObservation o : seen.values()) {
            Instant until = o.firstSeen().plus(minimum);
            // Later than the first sighting (a minute's slack for the first page's own writes) and still young.
            if (o.firstSeen().isAfter(first.plusSeconds(60)) && now.isBefore(until)) {
                out.put(o.filename(), new FileHold(versionOf(o.filename()), until, "added after Airlock first saw the project "
                        + "(first seen " + o.firstSeen() + "), younger than policy.minimumReleaseAge; released at " + until));
            }
        }
        return Map.copyOf(out);
    }

    /** The version part of a distribution file name ("name-1.2-py3-none-any.whl" to "1.2"), as far as it can tell. */
    private static String versionOf(String filename) {
        String[] parts = filename.split("-");
        return parts.length > 1 ? parts[1].replaceAll("\\.(tar\\.gz|zip|whl)$", "") : filename;
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
