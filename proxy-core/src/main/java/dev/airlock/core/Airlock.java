package dev.airlock.core;

import dev.airlock.config.AirlockConfig;
import dev.airlock.config.PolicyConfig;
import dev.airlock.config.PolicyMode;
import dev.airlock.config.StorageConfig;
import dev.airlock.core.admin.AdminApi;
import dev.airlock.core.admin.Tokens;
import dev.airlock.core.ecosystem.Ecosystem;
import dev.airlock.core.ecosystem.EcosystemContext;
import dev.airlock.core.ecosystem.MetadataRequest;
import dev.airlock.core.ecosystem.SignatureTrust;
import dev.airlock.core.ecosystem.UpstreamSettings;
import dev.airlock.core.flow.RequestFlow;
import dev.airlock.core.metrics.AirlockMetrics;
import dev.airlock.core.notify.Event;
import dev.airlock.core.notify.Notifier;
import dev.airlock.core.notify.OutboxRelay;
import dev.airlock.core.policy.Attestations;
import dev.airlock.core.policy.ContentLedger;
import dev.airlock.core.policy.KnownMalicious;
import dev.airlock.core.policy.PackageEvents;
import dev.airlock.core.policy.PolicyEngine;
import dev.airlock.core.policy.PolicyService;
import dev.airlock.core.policy.RegistryKeys;
import dev.airlock.core.policy.ReleaseEvent;
import dev.airlock.core.policy.Typosquats;
import dev.airlock.core.proxy.ArtifactService;
import dev.airlock.core.proxy.EcosystemRuntime;
import dev.airlock.core.proxy.FileFactsService;
import dev.airlock.core.proxy.Housekeeping;
import dev.airlock.core.proxy.MetadataBodies;
import dev.airlock.core.proxy.MetadataService;
import dev.airlock.core.proxy.Parking;
import dev.airlock.core.server.AirlockServer;
import dev.airlock.core.server.Services;
import dev.airlock.core.store.BlobStore;
import dev.airlock.core.store.Change;
import dev.airlock.core.store.ChangeFollower;
import dev.airlock.core.store.StateStore;
import dev.airlock.core.store.Storage;
import dev.airlock.core.store.StorageProvider;
import dev.airlock.core.store.sql.SqliteStateStore;
import dev.airlock.core.trust.SigstoreVerifier;
import dev.airlock.core.trust.TrustedRoot;
import dev.airlock.core.trust.VerificationException;
import dev.airlock.core.upstream.ConnectionCaps;
import dev.airlock.core.upstream.UpstreamClient;
import dev.airlock.core.upstream.UpstreamKind;
import dev.airlock.core.upstream.UpstreamTrace;
import dev.airlock.core.upstream.UpstreamResponse;

import java.io.IOException;
import java.io.OutputStream;
import java.lang.System.Logger.Level;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLEncoder;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.ServiceLoader;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import java.util.function.UnaryOperator;

/**
 * A running Airlock: the ecosystems found on the class path, the stores in the data directory,
 * the caches and the listener, wired from one {@link AirlockConfig}. {@link #close()} stops it.
 *
 * <p>The composition root (about 480 lines): every service is made here, in dependency order,
 * with every scheduled task and the order of shutdown, so that how the parts fit is read in one
 * place (docs/ARCHITECTURE.md draws it). It holds no logic of its own beyond that wiring.
 */
public final class Airlock implements AutoCloseable {

    private static final System.Logger LOG = System.getLogger("airlock");
    /** How long a notification claimed from the outbox stays this process's without renewal (renewed every second). */
    static final Duration OUTBOX_LEASE = Duration.ofSeconds(30);
    /** How long a missing change-log id is waited for before it counts as a rolled-back transaction's. */
    static final Duration CHANGE_GAP_TIMEOUT = Duration.ofSeconds(30);
    /** How long the change log keeps an entry: a process away for longer drops all its caches when it reads again. */
    static final Duration CHANGES_KEPT = Duration.ofHours(1);
    /** How often the file store is held to storage.maxSize and cleared of orphan blobs. */
    static final Duration HOUSEKEEPING = Duration.ofMinutes(5);

    private final AirlockServer server;
    private final Storage storage;
    private final ThreadPoolExecutor workers;
    private final ExecutorService admin;
    private final ThreadPoolExecutor probes;
    private final ThreadPoolExecutor sidecars;
    private final ThreadPoolExecutor inspections;
    private final ThreadPoolExecutor early;
    private final ScheduledExecutorService watchdog;
    private final AirlockMetrics metrics;
    private final List<EcosystemRuntime> ecosystems;
    private final Notifier notifier;
    private final PolicyService policy;
    private final OutboxRelay relay;
    private final Housekeeping housekeeping;

    private Airlock(AirlockServer server, Storage storage, ThreadPoolExecutor workers, ExecutorService admin, ThreadPoolExecutor probes,
                    ThreadPoolExecutor sidecars,
                    ScheduledExecutorService watchdog, AirlockMetrics metrics, List<EcosystemRuntime> ecosystems,
                    Notifier notifier, PolicyService policy, OutboxRelay relay, ThreadPoolExecutor inspections, ThreadPoolExecutor early,
                    Housekeeping housekeeping) {
        this.housekeeping = housekeeping;
        this.inspections = inspections;
        this.early = early;
        this.policy = policy;
        this.relay = relay;
        this.server = server;
        this.storage = storage;
        this.workers = workers;
        this.admin = admin;
        this.probes = probes;
        this.sidecars = sidecars;
        this.watchdog = watchdog;
        this.metrics = metrics;
        this.ecosystems = ecosystems;
        this.notifier = notifier;
    }

    /**
     * Starts Airlock. {@code environment} and {@code home} are what ecosystems read to discover
     * the machine's client configuration (the real ones in production, fakes in tests).
     */
    public static Airlock start(AirlockConfig config, Map<String, String> environment, Path home, Clock clock,
                                OutputStream accessLog) throws InterruptedException {
        return start(config, environment, home, clock, accessLog, storage(config.storage(), clock));
    }

    /** How long a stop waits for answers in progress before it stops the pools anyway. */
    static final Duration DRAIN = Duration.ofSeconds(5);

    /** Waits until every pool has been idle for two looks in a row, at most {@code max}. */
    private static void drain(Duration max, ThreadPoolExecutor... pools) throws InterruptedException {
        long deadline = System.nanoTime() + max.toNanos();
        int idleLooks = 0;
        while (idleLooks < 2 && System.nanoTime() < deadline) {
            boolean idle = true;
            for (ThreadPoolExecutor p : pools) {
                idle &= p.getActiveCount() == 0 && p.getQueue().isEmpty();
            }
            idleLooks = idle ? idleLooks + 1 : 0;
            Thread.sleep(25);
        }
    }

    /**
     * Runs storage housekeeping now (storage.maxSize, orphan blobs), as the server does every
     * few minutes; for operators' tools and tests. Blocking.
     */
    public Housekeeping.Report housekeep() throws IOException {
        policy.flushDemand(); // what clients asked for until now counts
        return housekeeping.run();
    }

    /**
     * How the storage the configuration names is opened: the embedded default, or the provider
     * (found with ServiceLoader) of what {@code storage.state} and {@code storage.blobs} name.
     */
    static Function<Path, Storage> storage(StorageConfig config, Clock clock) {
        if (config.postgres() == null && config.s3() == null) {
            return SqliteStateStore::embedded;
        }
        for (StorageProvider p : ServiceLoader.load(StorageProvider.class)) {
            if (p.handles(config)) {
                return data -> p.open(config, data, clock);
            }
        }
        String key = config.postgres() != null ? "storage.state.postgres" : "storage.blobs.s3";
        throw new IllegalStateException(key + " is set, but this build of Airlock has no storage provider for it"
                + " (the airlock-scaleout module is missing from the class path)");
    }

    /**
     * Starts Airlock on storage of the caller's choosing, opened from the data directory (the
     * embedded default is {@link SqliteStateStore#embedded}); Airlock closes it when it stops.
     */
    public static Airlock start(AirlockConfig config, Map<String, String> environment, Path home, Clock clock,
                                OutputStream accessLog, Function<Path, Storage> storage) throws InterruptedException {
        Path data = config.storage().path();
        AirlockMetrics metrics = new AirlockMetrics();
        ScheduledExecutorService watchdog = Executors.newSingleThreadScheduledExecutor(daemon("airlock-watchdog"));
        ThreadPoolExecutor workers = new ThreadPoolExecutor(config.server().workerThreads(), config.server().workerThreads(),
                60, TimeUnit.SECONDS, new ArrayBlockingQueue<>(10_000), daemon("airlock-worker"));
        String viaToken = "airlock-" + HexFormat.of().formatHex(SecureRandom.getSeed(4));
        ExecutorService admin = Executors.newFixedThreadPool(2, daemon("airlock-admin"));
        // Size probes for files static indexes list without one: few threads, a long queue, and
        // what the queue cannot take is asked again at the package's next refresh.
        // Probes per page refresh and per second are bounded (limits.probesPerPage, probesPerSecond):
        // the queue holds a few pages' worth, and what it refuses is asked again on a later refresh.
        ThreadPoolExecutor probes = new ThreadPoolExecutor(4, 4, 60, TimeUnit.SECONDS, new ArrayBlockingQueue<>(2_000),
                daemon("airlock-probe"), new ThreadPoolExecutor.AbortPolicy());
        metrics.gauge("airlock_size_probe_queue", "size probes (HEAD to upstream) waiting to run", () -> probes.getQueue().size());
        // Checksum files fetched beside downloads; when all are busy the downloading worker
        // fetches its own (the pool rejects rather than queues without bound).
        ThreadPoolExecutor sidecars = new ThreadPoolExecutor(16, 16, 60, TimeUnit.SECONDS, new ArrayBlockingQueue<>(256),
                daemon("airlock-sidecar"), new ThreadPoolExecutor.AbortPolicy());
        sidecars.allowCoreThreadTimeOut(true);
        StateStore state = null;
        Storage stores = null;
        Notifier notifier = null;
        try {
            stores = storage.apply(data);
            state = stores.state();
            // Where following other processes' changes starts: before any cache below reads the
            // store, so a change another replica makes while this one starts is not missed.
            long changesFrom = state.latestChange();
            BlobStore blobs = stores.blobs();
            // Metadata bodies: content-addressed too, in a store of their own (replaced ones are swept).
            MetadataBodies bodies = new MetadataBodies(stores.documents(), data, state, clock);
            List<EcosystemRuntime> ecosystems = new ArrayList<>();
            ConnectionCaps caps = new ConnectionCaps(config.limits().upstreamConnections(), config.limits().upstreamConnectionsTotal());
            metrics.gauge("airlock_upstream_in_flight", "upstream requests in flight, over all upstreams (limits.upstreamConnectionsTotal)",
                    caps::inFlight);
            SignatureTrust trust = signatureTrust(config.policy());
            for (Ecosystem e : ServiceLoader.load(Ecosystem.class)) {
                var upstreamConfig = config.upstream(e.id());
                e.configure(new EcosystemContext(upstreamConfig, environment, home, clock, trust, config.limits()));
                UpstreamSettings settings;
                if (upstreamConfig.url() != null) {
                    settings = UpstreamSettings.of(upstreamConfig.url(), upstreamConfig.files(), "upstreams." + e.id() + ".url")
                            .withAlternates(upstreamConfig.alternates());
                } else if (config.offline()) {
                    settings = UpstreamSettings.none("offline", "Airlock runs offline");
                } else {
                    settings = e.defaultUpstream(new EcosystemContext(upstreamConfig, environment, home, clock));
                }
                settings = selfCheck(e.id(), config, settings);
                if (settings.available()) {
                    LOG.log(Level.INFO, e.id() + " upstream " + settings.roots() + " (from " + settings.source() + ")");
                } else {
                    LOG.log(Level.WARNING, e.id() + " has no upstream: " + settings.unavailable());
                }
                ecosystems.add(new EcosystemRuntime(e, new UpstreamClient(e.id(), settings, upstreamConfig, clock, watchdog, metrics, viaToken,
                        caps),
                        config.offline()));
            }
            FileFactsService facts = new FileFactsService(state, clock, metrics, probes);
            Map<String, Set<String>> popular = new HashMap<>();
            ecosystems.forEach(e -> popular.put(e.id(), e.ecosystem().popularNames()));
            Map<String, UnaryOperator<String>> canonical = new HashMap<>();
            ecosystems.forEach(e -> canonical.put(e.id(), e.ecosystem()::canonicalName));
            KnownMalicious malicious = KnownMalicious.load(config.policy().knownMalicious(),
                    canonical);
            if (malicious.size() > 0) {
                LOG.log(Level.INFO, "policy.knownMalicious: " + malicious.size() + " malicious releases or packages listed");
            }
            PolicyEngine engine = new PolicyEngine(config.policy(), config.policy().holdUnknownAge(), malicious,
                    new Typosquats(popular));
            List<EcosystemRuntime> runtimes = List.copyOf(ecosystems);
            Map<String, EcosystemRuntime> byId = new HashMap<>();
            runtimes.forEach(r -> byId.put(r.id(), r));
            Function<String, Ecosystem> ecosystemById = ecosystemId -> Optional.ofNullable(byId.get(ecosystemId))
                    .map(EcosystemRuntime::ecosystem).orElse(null);
            // The services, each made after everything it calls: facts learnt about packages reach
            // the policy through PackageEvents, and the policy reaches documents and files through
            // the small interfaces of its Collaborators, so no service calls back into one that calls it.
            PackageEvents packageEvents = new PackageEvents();
            ContentLedger ledger = new ContentLedger(state, state, clock, ecosystemById, metrics, packageEvents);
            Attestations attestations = new Attestations((ecosystemId, path) -> {
                EcosystemRuntime rt = Objects.requireNonNull(byId.get(ecosystemId), ecosystemId);
                if (rt.offline() || !rt.upstream().settings().available()) {
                    // Not "none served": nothing can be asked, so nothing is concluded (asked again later).
                    throw new IllegalStateException("no upstream to ask for attestations");
                }
                try (UpstreamResponse r = rt.upstream().get(UpstreamKind.ATTESTATION, rt.upstream().resolve(path),
                        Map.of("Accept", "application/json"))) {
                    return r.status() == 200 ? r.readBody(4 << 20) : null;
                }
            }, ecosystemById, engine, state, state, clock, packageEvents);
            MetadataService metadata = new MetadataService(state, bodies, clock, config.cache().metadataTtl(),
                    config.cache().metadataMaxBytes(), metrics, facts);
            metadata.maxDocumentBytes(config.limits().metadataSize());
            facts.limits(config.limits().probesPerPage(), config.limits().probesPerSecond());
            ArtifactService artifacts = new ArtifactService(state, blobs, metadata, facts, ledger, attestations, clock, metrics, workers,
                    task -> sidecars.execute(Parking.detached(UpstreamTrace.wrap(task))));
            // Downloads started beside the metadata that names them (an npm tarball while its packument
            // is on its way): a thread each, at most half the places an upstream has, so documents
            // always find room; when all are busy the download waits for its metadata instead.
            ThreadPoolExecutor early = new ThreadPoolExecutor(0, Math.max(1, config.limits().upstreamConnections() / 2), 30, TimeUnit.SECONDS,
                    new SynchronousQueue<>(), daemon("airlock-early"), new ThreadPoolExecutor.AbortPolicy());
            artifacts.earlyFetches(task -> early.execute(Parking.detached(UpstreamTrace.wrap(task))));
            // Reads before listing that do not wait on each other (a release's files, the release
            // before it) run here at the same time: at most 8 at once in all; past that the
            // deciding worker reads them itself, so nothing queues behind a pool it waits on.
            // Run on the caller when full, and also once shut down (CallerRunsPolicy would drop the
            // task then, and the worker joining its future would wait for ever).
            ThreadPoolExecutor inspections = new ThreadPoolExecutor(8, 8, 60, TimeUnit.SECONDS, new SynchronousQueue<>(),
                    daemon("airlock-inspect"), (task, pool) -> task.run());
            inspections.allowCoreThreadTimeOut(true);
            PolicyService policy = new PolicyService(engine, state, clock, config.policy().mode() == PolicyMode.ENFORCE,
                    new PolicyService.Collaborators((ecosystemId, packageName) -> {
                        EcosystemRuntime rt = Objects.requireNonNull(byId.get(ecosystemId), ecosystemId);
                        MetadataRequest request = rt.ecosystem().governingRequest(packageName);
                        return request == null ? null : metadata.loadForFiles(rt, request).entry().metadata();
                    }, (ecosystemId, route) -> artifacts.prefetch(Objects.requireNonNull(byId.get(ecosystemId), ecosystemId), route),
                            ledger, attestations, ecosystemById, metrics, packageEvents, metadata::invalidateRenderings,
                            task -> inspections.execute(Parking.detached(UpstreamTrace.wrap(task)))));
            RequestFlow flow = new RequestFlow(metadata, artifacts, policy, metrics, task -> inspections.execute(Parking.detached(UpstreamTrace.wrap(task))));
            watchdog.scheduleWithFixedDelay(() -> {
                try {
                    policy.flushDemand();
                } catch (RuntimeException e) {
                    LOG.log(Level.WARNING, "cannot record what clients asked for: " + e.getMessage());
                }
            }, 2, 2, TimeUnit.SECONDS);
            // Replaced metadata bodies, past their grace.
            watchdog.scheduleWithFixedDelay(() -> {
                try {
                    bodies.sweep();
                } catch (RuntimeException e) {
                    LOG.log(Level.WARNING, "cannot sweep replaced metadata bodies: " + e.getMessage());
                }
            }, 30, 30, TimeUnit.SECONDS);
            // Registry signing keys: operator files first (air-gapped), then each upstream's keys endpoint.
            RegistryKeys registryKeys = new RegistryKeys(state, clock, ecosystemId -> {
                EcosystemRuntime rt = Objects.requireNonNull(byId.get(ecosystemId), ecosystemId);
                String path = rt.ecosystem().registryKeysPath();
                if (path == null || rt.offline() || !rt.upstream().settings().available()) {
                    return null;
                }
                try (UpstreamResponse r = rt.upstream().get(UpstreamKind.KEYS, rt.upstream().resolve(path),
                        Map.of("Accept", "application/json"))) {
                    return r.status() == 200 ? r.readBody(1 << 20) : null;
                }
            }, (ecosystemId, document) -> Objects.requireNonNull(byId.get(ecosystemId), ecosystemId)
                    .ecosystem().registryKeys(document));
            for (Path file : config.policy().registryKeys()) {
                byte[] doc = Files.readAllBytes(file);
                for (EcosystemRuntime rt : runtimes) {
                    if (rt.ecosystem().registryKeysPath() != null) {
                        registryKeys.load(rt.id(), doc);
                    }
                }
            }
            engine.registryKeys(ecosystemId -> runtimes.stream().anyMatch(r -> r.id().equals(ecosystemId)
                    && r.ecosystem().registryKeysPath() != null) ? registryKeys.of(ecosystemId) : Map.of());
            LOG.log(Level.INFO, "policy " + config.policy().mode().name().toLowerCase(Locale.ROOT) + ": minimumReleaseAge "
                    + config.policy().minimumReleaseAge() + ", installHooks " + config.policy().installHooks().name().toLowerCase(Locale.ROOT)
                    + ", publisherChange " + config.policy().publisherChange());
            // Held, denied, released and rejected releases go to the configured webhooks, never blocking a decision.
            notifier = new Notifier(config.notifications(), clock, metrics);
            Notifier events = notifier;
            String consoleBase = config.server().publicUrl() == null ? null
                    : config.server().publicUrl().toString().replaceAll("/+$", "") + "/-/console/#/release/";
            StateStore store = state;
            // Webhooks are fed from the durable outbox, where decisions and verdicts leave their
            // notifications in the same transaction: a restart loses none, and the command line's are sent too.
            OutboxRelay relay = new OutboxRelay(store, events, payload -> {
                ReleaseEvent e = ReleaseEvent.fromJson(payload);
                return new Event(e.type(), e.ecosystem(), e.packageName(), e.version(), e.releaseId(), e.reasons(), e.actor(), e.reason(),
                        e.at(), consoleBase == null ? null
                        : URI.create(consoleBase + URLEncoder.encode(e.releaseId(), StandardCharsets.UTF_8)));
            }, store.origin(), clock, OUTBOX_LEASE);
            watchdog.scheduleWithFixedDelay(() -> {
                try {
                    relay.run();
                } catch (RuntimeException e) {
                    LOG.log(Level.WARNING, "cannot read the notification outbox: " + e.getMessage());
                }
            }, 1, 1, TimeUnit.SECONDS);
            Tokens tokens = new Tokens(state, clock);
            tokens.bootstrap(data);
            AdminApi adminApi = new AdminApi(state, policy, tokens, clock);
            // Changes made by other processes on the same store (the command line, other
            // replicas) drop exactly the caches they touch.
            ChangeFollower follower = new ChangeFollower(store, changesFrom, clock, CHANGE_GAP_TIMEOUT,
                    change -> applyChange(change, policy, tokens, metadata), () -> {
                        policy.reloadRules();
                        tokens.reload();
                        metadata.forgetAll();
                    });
            Runnable follow = () -> {
                try {
                    follower.poll();
                } catch (RuntimeException e) {
                    LOG.log(Level.WARNING, "cannot read the store's change log: " + e.getMessage());
                }
            };
            watchdog.scheduleWithFixedDelay(follow, 1, 1, TimeUnit.SECONDS);
            // Where the store can announce changes (PostgreSQL), read them at once; the watchdog's
            // one thread keeps polls one at a time.
            store.onChanges(() -> {
                try {
                    watchdog.execute(follow);
                } catch (java.util.concurrent.RejectedExecutionException stopping) {
                    // shutting down
                }
            });
            // storage.maxSize and orphan blobs: one process at a time, off the watchdog's thread.
            Housekeeping housekeeping = new Housekeeping(state, blobs, config.storage().maxSize(), config.offline(), clock, metrics);
            watchdog.scheduleWithFixedDelay(() -> {
                try {
                    admin.execute(() -> {
                        try {
                            housekeeping.run();
                        } catch (IOException | RuntimeException e) {
                            LOG.log(Level.WARNING, "storage housekeeping failed: " + e.getMessage());
                        }
                    });
                } catch (java.util.concurrent.RejectedExecutionException stopping) {
                    // shutting down
                }
            }, HOUSEKEEPING.toSeconds(), HOUSEKEEPING.toSeconds(), TimeUnit.SECONDS);
            watchdog.scheduleWithFixedDelay(() -> {
                try {
                    store.pruneChanges(clock.instant().minus(CHANGES_KEPT));
                    relay.prune();
                } catch (RuntimeException e) {
                    LOG.log(Level.WARNING, "cannot prune the change log and outbox: " + e.getMessage());
                }
            }, 60, 600, TimeUnit.SECONDS);
            Services services = new Services(ecosystems, flow, metadata, artifacts, state, blobs, metrics, workers, admin, viaToken, adminApi);
            AirlockServer server = AirlockServer.start(config.server(), services, accessLog);
            InetSocketAddress a = server.address();
            LOG.log(Level.INFO, "Airlock listening on http://" + a.getHostString() + ":" + a.getPort() + "/ with data in "
                    + data.toAbsolutePath().normalize());
            return new Airlock(server, stores, workers, admin, probes, sidecars, watchdog, metrics, List.copyOf(ecosystems),
                    notifier, policy, relay, inspections, early, housekeeping);
        } catch (Exception e) {
            // Also Netty's bind failure, a checked exception thrown without being declared.
            workers.shutdownNow();
            admin.shutdownNow();
            probes.shutdownNow();
            sidecars.shutdownNow();
            watchdog.shutdownNow();
            if (notifier != null) {
                notifier.close();
            }
            if (stores != null) {
                stores.close();
            }
            if (e instanceof InterruptedException ie) {
                throw ie;
            }
            if (e instanceof RuntimeException re) {
                throw re;
            }
            throw new IllegalStateException("cannot start: " + e, e);
        }
    }

    /** The bound port (useful with port 0). */
    public int port() {
        return server.address().getPort();
    }

    /** {@code http://host:port/} of the listener. */
    public URI baseUri() {
        InetSocketAddress a = server.address();
        return URI.create("http://" + a.getHostString() + ":" + a.getPort() + "/");
    }

    public AirlockMetrics metrics() {
        return metrics;
    }

    public List<EcosystemRuntime> ecosystems() {
        return ecosystems;
    }

    @Override
    public void close() {
        // Stop taking connections, let answers in progress finish (their replies still need the
        // event loops), then stop the loops, then what the workers used.
        server.stopAccepting();
        probes.shutdownNow();
        try {
            // Answers in progress finish first: a download under way hands work to the sidecar,
            // inspection and early pools, and a request parked behind another's fetch is
            // submitted to the workers again, so no pool stops until all are idle (or DRAIN).
            drain(DRAIN, workers, sidecars, inspections, early);
            workers.shutdown();
            admin.shutdown();
            sidecars.shutdown();
            inspections.shutdown();
            early.shutdown();
            workers.awaitTermination(1, TimeUnit.SECONDS);
            admin.awaitTermination(1, TimeUnit.SECONDS);
            probes.awaitTermination(1, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            workers.shutdownNow();
            admin.shutdownNow();
            sidecars.shutdownNow();
            inspections.shutdownNow();
            early.shutdownNow();
        }
        server.close();
        watchdog.shutdownNow();
        try {
            policy.flushDemand(); // the last seconds' counts
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "cannot record what clients asked for: " + e.getMessage());
        }
        notifier.close();
        try {
            relay.close(); // what was not delivered is left for the next process at once, not after the lease
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "cannot release the outbox claims: " + e.getMessage());
        }
        storage.close();
    }

    /**
     * An upstream that is this Airlock itself (the machine's npm pointed at Airlock, as the README
     * says to do, then discovered as the upstream) would loop; refuse it with the way out.
     */
    private static UpstreamSettings selfCheck(String id, AirlockConfig config, UpstreamSettings s) {
        if (!s.available()) {
            return s;
        }
        URI base = s.base();
        URI publicUrl = config.server().publicUrl();
        boolean samePort = base.getPort() == config.server().port() && config.server().port() != 0;
        boolean local = samePort && isLocal(base.getHost(), config.server().host());
        boolean underPublicUrl = publicUrl != null && base.toString().startsWith(publicUrl.toString() + "/");
        if (local || underPublicUrl) {
            return UpstreamSettings.none(s.source(), "the " + id + " upstream found in " + s.source() + " is this Airlock itself ("
                    + base + "); set upstreams." + id + ".url to the real registry");
        }
        return s;
    }

    private static boolean isLocal(String host, String listenHost) {
        if (host == null) {
            return false;
        }
        String h = host.startsWith("[") ? host.substring(1, host.length() - 1) : host;
        if (h.equalsIgnoreCase(listenHost) || h.equalsIgnoreCase("localhost")) {
            return true;
        }
        try {
            InetAddress a = InetAddress.getByName(h);
            return a.isLoopbackAddress() || a.isAnyLocalAddress();
        } catch (UnknownHostException e) {
            return false;
        }
    }

    private static ThreadFactory daemon(String prefix) {
        AtomicInteger n = new AtomicInteger();
        return r -> {
            Thread t = new Thread(r, prefix + "-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
    }

    /** The Sigstore root (the operator's file, else the shipped one) and OpenPGP keyrings signatures are verified against. */
    private static SignatureTrust signatureTrust(PolicyConfig policy) throws IOException {
        TrustedRoot root;
        if (policy.sigstoreTrustedRoot() == null) {
            root = TrustedRoot.shipped();
        } else {
            try {
                root = TrustedRoot.parse(Files.readAllBytes(policy.sigstoreTrustedRoot()),
                        policy.sigstoreTrustedRoot().toString());
            } catch (VerificationException e) {
                throw new IOException("policy.sigstoreTrustedRoot: " + e.getMessage(), e);
            }
        }
        LOG.log(Level.INFO, "Sigstore trusted root: " + root.source() + " (" + root.authorities().size() + " certificate authorities, "
                + root.tlogs().size() + " transparency logs)");
        return new SignatureTrust(new SigstoreVerifier(root), policy.pgpKeyrings());
    }

    /** Drops what one change by another process makes stale here. */
    static void applyChange(Change c, PolicyService policy, Tokens tokens, MetadataService metadata) {
        switch (c.kind()) {
            case Change.TOKEN -> tokens.reload();
            case Change.RULE -> policy.reloadRules();
            case Change.METADATA -> {
                metadata.forgetDocument(c.ecosystem(), c.ref());
                policy.forget(c.ecosystem(), c.packageName());
            }
            default -> {
                // Verdicts, decisions and content readings change what a package's releases may do.
                if (c.packageName() != null) {
                    policy.forget(c.ecosystem(), c.packageName());
                } else {
                    policy.rulesChanged();
                }
            }
        }
    }
}
