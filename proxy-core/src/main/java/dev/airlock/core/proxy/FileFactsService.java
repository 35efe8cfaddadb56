package dev.airlock.core.proxy;

import dev.airlock.config.LimitsConfig;
import dev.airlock.core.ecosystem.Digest;
import dev.airlock.core.ecosystem.FileFacts;
import dev.airlock.core.ecosystem.ListedFile;
import dev.airlock.core.ecosystem.PackageMetadata;
import dev.airlock.core.metrics.AirlockMetrics;
import dev.airlock.core.store.ArtifactRecord;
import dev.airlock.core.store.FileObservation;
import dev.airlock.core.store.StateStore;
import dev.airlock.core.upstream.UpstreamException;
import dev.airlock.core.upstream.UpstreamResponse;

import java.lang.System.Logger.Level;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BiConsumer;
import java.util.function.Function;

/**
 * Facts about listed files that upstream documents leave out, for ecosystems that render them
 * ({@link dev.airlock.core.ecosystem.Ecosystem#rendersFileFacts()}).
 *
 * <p>Three sources, in order of trust: the cached artifact itself (exact size, derived files),
 * Airlock's own observation (when a file was first listed with its digest, an upper bound of its
 * upload time), and a {@code HEAD} to upstream for the size of files not cached yet.
 *
 * <p>Size probes run in the background on their own small pool: the first client to ask for a
 * large project from a static index gets its page at once, without sizes (a renderer then claims
 * an API version that does not promise them), and the package is rendered again, with sizes,
 * when its probes are done. A file's size is asked for once; a failed probe is tried again after
 * {@link #PROBE_RETRY}.
 */
public final class FileFactsService {

    private static final System.Logger LOG = System.getLogger("airlock.facts");
    static final Duration PROBE_RETRY = Duration.ofHours(24);

    private final StateStore state;
    private final Clock clock;
    private final AirlockMetrics metrics;
    private final ExecutorService probes;
    private final Set<String> probing = ConcurrentHashMap.newKeySet();
    private volatile BiConsumer<EcosystemRuntime, String> onChange = (eco, pkg) -> { };

    /**
     * @param probes the pool size probes run on; bounded queue, and a probe it rejects is simply
     *               tried at the package's next refresh
     */
    public FileFactsService(StateStore state, Clock clock, AirlockMetrics metrics, ExecutorService probes) {
        this.state = state;
        this.clock = clock;
        this.metrics = metrics;
        this.probes = probes;
    }

    /** Who to tell when a package's facts changed (the metadata cache, to render it again). */
    void onChange(BiConsumer<EcosystemRuntime, String> listener) {
        this.onChange = listener;
    }

    /** A package's facts changed outside this service (an artifact was committed). */
    void changed(EcosystemRuntime eco, String packageName) {
        onChange.accept(eco, packageName);
    }

    /**
     * Records the files a freshly fetched document lists and starts size probes for those whose
     * size nobody knows yet. Blocking (JDBC): call on a worker.
     */
    void observe(EcosystemRuntime eco, PackageMetadata parsed) {
        if (!eco.ecosystem().rendersFileFacts()) {
            return;
        }
        List<ListedFile> files = parsed.files();
        if (files.isEmpty()) {
            return;
        }
        Map<String, String> integrity = new LinkedHashMap<>();
        for (ListedFile f : files) {
            integrity.put(f.artifact().filename(), f.artifact().expected().sri());
        }
        String pkg = parsed.packageName();
        state.observeFiles(eco.id(), pkg, integrity, clock.instant());
        if (eco.offline() || !eco.upstream().settings().available()) {
            return;
        }
        Map<String, FileObservation> seen = state.observedFiles(eco.id(), pkg);
        Set<String> cached = new HashSet<>();
        for (ArtifactRecord r : state.artifacts(eco.id(), pkg)) {
            cached.add(r.filename());
        }
        Instant retryBefore = clock.instant().minus(PROBE_RETRY);
        List<ListedFile> unsized = files.stream()
                .filter(f -> f.size().isEmpty() && !cached.contains(f.artifact().filename()))
                .filter(f -> {
                    FileObservation o = seen.get(f.artifact().filename());
                    return o != null && o.size().isEmpty() && (o.probedAt() == null || o.probedAt().isBefore(retryBefore));
                })
                .toList();
        if (!unsized.isEmpty() && probesPerPage > 0) {
            // Newest files first (listed last): those are the ones clients pick. A page's other
            // files are sized when they are downloaded, or by a later refresh.
            List<ListedFile> budget = unsized.subList(Math.max(0, unsized.size() - probesPerPage), unsized.size());
            probe(eco, pkg, budget);
        }
    }

    /**
     * Size probes one page may start per refresh. A hostile page listing 200,000 files once set
     * off tens of thousands of HEADs in seconds; now a refresh costs upstream at most this many,
     * and the ecosystem's probes are also rate-limited ({@link #PROBES_PER_SECOND}).
     */
    static final int MAX_PROBES_PER_PAGE = LimitsConfig.DEFAULTS.probesPerPage();
    /** Size probes per second to one ecosystem's upstream, at most; a probe over the rate is skipped and asked again later. */
    static final int PROBES_PER_SECOND = LimitsConfig.DEFAULTS.probesPerSecond();
    private final ConcurrentHashMap<String, AtomicLong> nextProbe = new ConcurrentHashMap<>();
    private volatile int probesPerPage = MAX_PROBES_PER_PAGE;
    private volatile int probesPerSecond = PROBES_PER_SECOND;

    /** Sets {@code limits.probesPerPage} and {@code limits.probesPerSecond} (start-up). */
    public void limits(int perPage, int perSecond) {
        this.probesPerPage = perPage;
        this.probesPerSecond = perSecond;
    }

    /** Takes one probe permit of the ecosystem's rate, without waiting: false when over the rate. */
    private boolean permit(String ecosystem) {
        AtomicLong next = nextProbe.computeIfAbsent(ecosystem, e -> new AtomicLong());
        long interval = 1_000_000_000L / probesPerSecond;
        while (true) {
            long now = System.nanoTime();
            long at = next.get();
            // A short burst is allowed (one second's worth), then one permit per interval.
            long start = Math.max(at, now - 1_000_000_000L);
            if (start > now) {
                return false;
            }
            if (next.compareAndSet(at, start + interval)) {
                return true;
            }
        }
    }

    /** The facts of every file of a package, for one rendering. Blocking (JDBC): call on a worker. */
    Function<String, FileFacts> factsOf(EcosystemRuntime eco, String packageName) {
        if (!eco.ecosystem().rendersFileFacts()) {
            return f -> FileFacts.NONE;
        }
        Map<String, FileObservation> seen = state.observedFiles(eco.id(), packageName);
        Map<String, ArtifactRecord> held = new HashMap<>();
        Map<String, Map<String, Digest>> derived = new HashMap<>();
        for (ArtifactRecord r : state.artifacts(eco.id(), packageName)) {
            if (r.derivedFrom() == null) {
                held.put(r.filename(), r);
            } else {
                derived.computeIfAbsent(r.derivedFrom(), k -> new HashMap<>())
                        .put(r.filename(), new Digest("SHA-256", HexFormat.of().parseHex(r.sha256())));
            }
        }
        Map<String, FileFacts> out = new HashMap<>();
        Set<String> names = new HashSet<>(seen.keySet());
        names.addAll(held.keySet());
        for (String name : names) {
            FileObservation o = seen.get(name);
            ArtifactRecord r = held.get(name);
            OptionalLong size = r != null ? OptionalLong.of(r.size()) : o.size();
            Optional<Instant> first = o != null ? Optional.of(o.firstSeen()) : Optional.of(r.firstSeen());
            out.put(name, new FileFacts(size, first, derived.getOrDefault(name, Map.of())));
        }
        return name -> out.getOrDefault(name, FileFacts.NONE);
    }

    private void probe(EcosystemRuntime eco, String pkg, List<ListedFile> files) {
        String key = eco.id() + "\0" + pkg;
        if (!probing.add(key)) {
            return; // a probe of this package is running; what it misses, the next refresh asks for
        }
        AtomicInteger left = new AtomicInteger(files.size());
        AtomicInteger learned = new AtomicInteger();
        Runnable done = () -> {
            if (left.decrementAndGet() == 0) {
                probing.remove(key);
                if (learned.get() > 0) {
                    onChange.accept(eco, pkg);
                }
            }
        };
        for (ListedFile f : files) {
            try {
                probes.execute(() -> {
                    try {
                        if (probeOne(eco, pkg, f)) {
                            learned.incrementAndGet();
                        }
                    } finally {
                        done.run();
                    }
                });
            } catch (RejectedExecutionException e) {
                done.run();
            }
        }
    }

    private boolean probeOne(EcosystemRuntime eco, String pkg, ListedFile f) {
        if (!permit(eco.id())) {
            metrics.event("size_probe_deferred", eco.id());
            return false;
        }
        URI url = f.artifact().upstreamUrl();
        if (!eco.upstream().allowed(url)) {
            return false; // the artifact route refuses it too; nothing to learn
        }
        try (UpstreamResponse resp = eco.upstream().probe("HEAD", url, Map.of("Accept", "*/*"))) {
            OptionalLong size = OptionalLong.empty();
            if (resp.status() == 200 && resp.header("content-encoding") == null) {
                try {
                    String length = resp.header("content-length");
                    if (length != null && Long.parseLong(length.strip()) >= 0) {
                        size = OptionalLong.of(Long.parseLong(length.strip()));
                    }
                } catch (NumberFormatException e) {
                    // no usable length: recorded as asked, size unknown
                }
            }
            state.recordProbedSize(eco.id(), pkg, f.artifact().filename(), size, clock.instant());
            metrics.event(size.isPresent() ? "size_probe" : "size_probe_unknown", eco.id());
            return size.isPresent();
        } catch (UpstreamException e) {
            // Left unrecorded: the next refresh of the package asks again.
            LOG.log(Level.DEBUG, "size probe of " + eco.upstream().describe(url) + " failed: " + e.getMessage());
            return false;
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "size probe of " + f.artifact().filename() + " failed", e);
            return false;
        }
    }
}
