package dev.airlock.core.proxy;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.airlock.core.ecosystem.ArtifactRef;
import dev.airlock.core.ecosystem.ContentFacts;
import dev.airlock.core.ecosystem.DerivedFile;
import dev.airlock.core.ecosystem.Digest;
import dev.airlock.core.ecosystem.FileRequest;
import dev.airlock.core.ecosystem.PackageMetadata;
import dev.airlock.core.ecosystem.Route;
import dev.airlock.core.ecosystem.SignatureRef;
import dev.airlock.core.metrics.AirlockMetrics;
import dev.airlock.core.policy.Attestations;
import dev.airlock.core.policy.ContentLedger;
import dev.airlock.core.store.ArtifactRecord;
import dev.airlock.core.store.BlobSpool;
import dev.airlock.core.store.BlobStore;
import dev.airlock.core.store.StateStore;
import dev.airlock.core.upstream.UpstreamClient;
import dev.airlock.core.upstream.UpstreamException;
import dev.airlock.core.upstream.UpstreamKind;
import dev.airlock.core.upstream.UpstreamResponse;

import java.io.IOException;
import java.io.InputStream;
import java.lang.System.Logger.Level;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.FutureTask;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;

/**
 * Artifact files: downloaded once, verified, kept in the blob store, served from disk.
 *
 * <p>A miss downloads the file to a temp file while hashing it, compares the digest with the one
 * the package's metadata declares, and only then commits the blob and records it in the artifact
 * index. A file whose bytes do not match, or whose download breaks off, is never committed and
 * never reaches a client. Concurrent misses for one file share one download.
 *
 * <p>Threading: {@link #load} blocks (upstream, disk, JDBC) and runs on worker threads;
 * {@link #peek} is a non-blocking memory lookup for the event loop's warm path.
 *
 * <p>Small files: most npm tarballs are a few kilobytes, where opening the file and a separate
 * {@code sendfile} cost more than the bytes. Files up to {@value #SMALL_FILE} bytes are also kept
 * in direct memory (bounded by {@value #SMALL_FILES_BYTES} bytes in all, keyed by digest, so
 * never stale), and go out in the same write as the response headers.
 *
 * <p>About 770 lines, because a first download is one transaction in steps that must share the
 * spool: fetch, verify, inspect from the temporary copy, fetch signatures and attestations beside
 * it, derive files, commit, index. Splitting those steps would hand a half-verified file between
 * classes; the ecosystem-specific parts are already the ecosystem's.
 */
public final class ArtifactService {

    private static final System.Logger LOG = System.getLogger("airlock.artifacts");

    private final StateStore state;
    private final BlobStore blobs;
    private final MetadataService metadata;
    private final ContentLedger ledger;
    private final Attestations attestations;
    private final Clock clock;
    private final AirlockMetrics metrics;
    static final int SMALL_FILE = 256 * 1024;
    static final long SMALL_FILES_BYTES = 64L * 1024 * 1024;

    /** The artifact index's hot part. Records never change once written, so this never goes stale. */
    private final Cache<String, Indexed> index = Caffeine.newBuilder().maximumSize(200_000).build();
    private final Cache<String, ByteBuffer> smallFiles = Caffeine.newBuilder()
            .maximumWeight(SMALL_FILES_BYTES)
            .weigher((String sha, ByteBuffer b) -> b.capacity())
            .build();
    private final Set<String> loadingSmall = ConcurrentHashMap.newKeySet();
    private final Executor workers;
    private final SingleFlight<String, Served> flights = new SingleFlight<>();
    /** Paths every upstream answered 404 for, with when that answer expires (Maven probes many). */
    private final Cache<String, Instant> notFound = Caffeine.newBuilder().maximumSize(100_000).build();

    /** Digest algorithms from weakest to strongest. */
    private static final List<String> STRENGTH = List.of("MD5", "SHA-1", "SHA-256", "SHA-512");

    /** Derived files are small by nature (a wheel's METADATA); anything larger is refused. */
    static final int MAX_DERIVED = 4 * 1024 * 1024;

    private final FileFactsService facts;
    private final Executor sidecarFetches;
    /** Where a file's download starts while its metadata is still on its way; null: never early. */
    private Executor earlyFetches;

    /**
     * @param workers        where small files are read into memory off the event loop
     * @param sidecarFetches where checksum files are fetched beside a download; a pool of its own,
     *                       never the workers' (a worker waits for these)
     */
    /**
     * @param ledger       where what a committed file contains is recorded (before it is served)
     * @param attestations verifies a release's attestations beside its download
     */
    public ArtifactService(StateStore state, BlobStore blobs, MetadataService metadata, FileFactsService facts, ContentLedger ledger,
                           Attestations attestations, Clock clock, AirlockMetrics metrics, Executor workers, Executor sidecarFetches) {
        this.ledger = ledger;
        this.attestations = attestations;
        this.workers = workers;
        this.sidecarFetches = sidecarFetches;
        this.facts = facts;
        this.state = state;
        this.blobs = blobs;
        this.metadata = metadata;
        this.clock = clock;
        this.metrics = metrics;
    }

    /**
     * Lets downloads start beside their metadata ({@link Route.Artifact#likelyPath}) on this pool,
     * which must refuse rather than queue when full (the download then waits for the metadata).
     */
    public void earlyFetches(Executor pool) {
        this.earlyFetches = pool;
    }

    /**
     * A file ready to send.
     *
     * @param file  where the blob is a local file (zero-copy), or {@code null} when the store
     *              keeps it elsewhere: then it is streamed from {@link BlobStore#open}
     * @param bytes the whole file in a read-only direct buffer (share it with {@code duplicate()}),
     *              or {@code null}: then send {@code file}
     */
    public record Served(ArtifactRecord record, Path file, CacheStatus status, ByteBuffer bytes) {
    }

    private record Indexed(ArtifactRecord record, Path file) {
    }

    private Indexed indexed(ArtifactRecord r) {
        return new Indexed(r, blobs.localPath(r.sha256()).orElse(null));
    }

    /** Whether the indexed blob is still there (a restored disk may have lost it). */
    private boolean present(Indexed i) {
        return i.file() != null ? Files.isRegularFile(i.file()) : blobs.contains(i.record().sha256());
    }

    /** The cached file if its index record is in memory; {@code null} otherwise. Non-blocking. */
    public Served peek(EcosystemRuntime eco, Route.Artifact route) {
        Indexed i = index.getIfPresent(key(eco, route));
        if (i == null) {
            return null;
        }
        ByteBuffer bytes = null;
        if (i.record().size() <= SMALL_FILE) {
            bytes = smallFiles.getIfPresent(i.record().sha256());
            if (bytes == null && loadingSmall.add(i.record().sha256())) {
                // Read it into memory off the event loop; this request is sent from the file meanwhile.
                try {
                    workers.execute(() -> {
                        try {
                            smallBytes(i);
                        } finally {
                            loadingSmall.remove(i.record().sha256());
                        }
                    });
                } catch (RejectedExecutionException e) {
                    // Busy: try again on a later request.
                    loadingSmall.remove(i.record().sha256());
                }
            }
        }
        return new Served(i.record(), i.file(), CacheStatus.HIT, bytes);
    }

    /** The file's bytes in direct memory if it is small; reads it on a miss (blocking). */
    private ByteBuffer smallBytes(Indexed i) {
        if (i.record().size() > SMALL_FILE) {
            return null;
        }
        return smallFiles.get(i.record().sha256(), sha -> {
            ByteBuffer b = ByteBuffer.allocateDirect((int) i.record().size());
            if (i.file() == null) {
                try (InputStream in = blobs.open(sha)) {
                    b.put(in.readNBytes(b.capacity()));
                } catch (IOException e) {
                    return null;
                }
                return b.hasRemaining() ? null : b.flip().asReadOnlyBuffer();
            }
            try (FileChannel ch = FileChannel.open(i.file(), StandardOpenOption.READ)) {
                while (b.hasRemaining() && ch.read(b) >= 0) {
                    // read until full
                }
                return b.hasRemaining() ? null : b.flip().asReadOnlyBuffer();
            } catch (IOException e) {
                return null;
            }
        });
    }

    /**
     * The file, from the blob store or downloaded and verified now.
     *
     * @throws ProxyException 404 when the metadata lists no such file, 502 when the download or
     *                        its verification failed, 503/504 when upstream is unavailable
     */
    public Served load(EcosystemRuntime eco, Route.Artifact route) throws ProxyException {
        String key = key(eco, route);
        try {
            return loadOnce(eco, route.metadata().packageName(), route.filename(), key, () -> download(eco, route, key, Long.MAX_VALUE));
        } catch (ProxyException e) {
            if (!tooLargeToPrefetch(e)) {
                throw e;
            }
            // This request joined a read-before-listing that gave up on the file's size: fetch it
            // whole now, for the client that asked.
            return loadOnce(eco, route.metadata().packageName(), route.filename(), key, () -> download(eco, route, key, Long.MAX_VALUE));
        }
    }

    /** What a prefetch says when upstream declares (or sends) more than {@link #PREFETCH_MAX_BYTES}. */
    private static final String TOO_LARGE_TO_PREFETCH = "too large to read before its release is listed: ";

    private static boolean tooLargeToPrefetch(ProxyException e) {
        return e.status() == 413 && e.getMessage() != null && e.getMessage().startsWith(TOO_LARGE_TO_PREFETCH);
    }

    private interface Download {
        Served run() throws ProxyException;
    }

    /** How long a fetch lease lasts unrenewed: how long replicas wait on one that died mid-download. */
    static final Duration LEASE = Duration.ofSeconds(15);
    /** How often the replica downloading a file renews its lease. */
    static final Duration LEASE_RENEWAL = Duration.ofSeconds(5);
    /** How often a replica waiting on another's download looks for the file in the shared index. */
    static final Duration LEASE_POLL = Duration.ofMillis(100);

    private static volatile ScheduledExecutorService renewals;

    private static ScheduledExecutorService renewals() {
        if (renewals == null) {
            synchronized (ArtifactService.class) {
                if (renewals == null) {
                    renewals = Executors.newSingleThreadScheduledExecutor(r -> {
                        Thread t = new Thread(r, "airlock-lease-renewal");
                        t.setDaemon(true);
                        return t;
                    });
                }
            }
        }
        return renewals;
    }

    /**
     * The download, made by one replica of those sharing the state store: the one that takes the
     * file's lease downloads it (renewing the lease meanwhile); the others look for it in the
     * shared index until it is there, and serve it from the shared blob store. A lease holder
     * that fails releases it, and the next replica tries; one that dies loses it after
     * {@link #LEASE}. On a store of its own (the embedded default) it is the download alone.
     *
     * <p>The waiting replica's leader holds its worker while it looks (every other request for
     * the file on that replica is parked behind it).
     */
    private Served acrossReplicas(EcosystemRuntime eco, String packageName, String filename, String key, Download download)
            throws ProxyException {
        if (!state.sharedByReplicas()) {
            return download.run();
        }
        String holder = state.origin();
        // Readable, and no NUL (which PostgreSQL's text refuses) as the cache key has.
        String lease = eco.id() + ":" + packageName + "/" + filename;
        boolean waited = false;
        while (true) {
            Instant now = clock.instant();
            if (state.claimFetch(lease, holder, now, now.plus(LEASE))) {
                ScheduledFuture<?> renewal = renewals().scheduleWithFixedDelay(() -> {
                    try {
                        Instant at = clock.instant();
                        state.claimFetch(lease, holder, at, at.plus(LEASE));
                    } catch (RuntimeException e) {
                        // The store is unreachable for a moment: the lease may run out, and at
                        // worst another replica downloads the same bytes (content-addressed).
                    }
                }, LEASE_RENEWAL.toMillis(), LEASE_RENEWAL.toMillis(), TimeUnit.MILLISECONDS);
                try {
                    // Another replica may have indexed it between this one's miss and its claim.
                    Served there = waited ? cached(eco, packageName, filename, key) : null;
                    return there != null ? there : download.run();
                } finally {
                    renewal.cancel(false);
                    try {
                        state.releaseFetch(lease, holder);
                    } catch (RuntimeException e) {
                        // It runs out on its own.
                    }
                }
            }
            if (!waited) {
                metrics.event("fetch_lease_wait", eco.id());
                waited = true;
            }
            try {
                Thread.sleep(LEASE_POLL.toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new ProxyException(503, "interrupted while another replica fetched " + filename, e);
            }
            Served there = cached(eco, packageName, filename, key);
            if (there != null) {
                return there;
            }
        }
    }

    /** The cached file, else one download shared by every concurrent request for it. */
    private Served loadOnce(EcosystemRuntime eco, String packageName, String filename, String key, Download download)
            throws ProxyException {
        Served hit = cached(eco, packageName, filename, key);
        if (hit != null) {
            metrics.cache(eco.id(), "artifact", CacheStatus.HIT.tag());
            return hit;
        }
        try {
            Served s = flights.run(key, () -> {
                Served again = cached(eco, packageName, filename, key);
                return again != null ? again : acrossReplicas(eco, packageName, filename, key, download);
            }, () -> metrics.coalesced(eco.id(), "artifact"));
            metrics.cache(eco.id(), "artifact", s.status().tag());
            return s;
        } catch (ProxyException e) {
            throw e;
        } catch (Exception e) {
            throw new ProxyException(500, "internal error while fetching " + filename, e);
        }
    }

    private Served cached(EcosystemRuntime eco, String packageName, String filename, String key) {
        Indexed i = index.getIfPresent(key);
        if (i == null) {
            ArtifactRecord r = state.findArtifact(eco.id(), packageName, filename).orElse(null);
            if (r == null) {
                return null;
            }
            i = indexed(r);
        }
        if (!present(i)) {
            // No local file: a store with a local cache in front (a replica on S3) may have
            // evicted it and still hold the blob, which is then streamed (and cached again).
            if (i.file() == null || !blobs.contains(i.record().sha256())) {
                // The index outlived its blob (disk restored from an older backup): fetch again.
                index.invalidate(key);
                return null;
            }
            Indexed streamed = new Indexed(i.record(), null);
            return new Served(streamed.record(), null, CacheStatus.HIT, smallBytes(streamed));
        }
        index.put(key, i);
        return new Served(i.record(), i.file(), CacheStatus.HIT, smallBytes(i));
    }

    /** @param cap the most bytes to fetch (a prefetch's bound), {@link Long#MAX_VALUE} for a client's download */
    private Served download(EcosystemRuntime eco, Route.Artifact route, String key, long cap) throws ProxyException {
        // The metadata must be fetched first to know the file's URL and digest; where the file
        // usually is, its download starts now, beside the metadata, instead of after it.
        Early early = early(eco, route, cap);
        boolean usedEarly = false;
        try {
            MetadataEntry.Loaded meta = metadata.loadForFiles(eco, route.metadata());
            eco.requireUpstream();
            Optional<ArtifactRef> listed = meta.entry().metadata().artifact(route.filename());
            if (listed.isEmpty() && meta.status() != CacheStatus.MISS) {
                // Published after our copy was fetched? Ask upstream once before answering 404.
                meta = metadata.revalidate(eco, route.metadata());
                listed = meta.entry().metadata().artifact(route.filename());
            }
            ArtifactRef ref = listed.orElseThrow(() -> new ProxyException(404, route.filename() + " is not listed in the metadata of "
                    + route.metadata().packageName()));
            if (!eco.upstream().allowed(ref.upstreamUrl())) {
                metrics.event("foreign_artifact_url", eco.id());
                throw new ProxyException(502, "the metadata of " + route.metadata().packageName() + " points " + route.filename()
                        + " at " + eco.upstream().describe(ref.upstreamUrl()) + ", a host not configured for " + eco.id()
                        + "; Airlock does not fetch from it");
            }
            // The attestations the registry lists for the release are verified while the file streams,
            // whatever the release's age: their outcome decides before the first byte is served.
            PackageMetadata listing = meta.entry().metadata();
            String version = ref.version();
            FutureTask<Void> attested = new FutureTask<>(() -> {
                attestations.attestRelease(eco.id(), listing, version);
                return null;
            });
            try {
                sidecarFetches.execute(attested);
            } catch (RejectedExecutionException busy) {
                attested.run();
            }
            String algorithm = ref.expected().algorithm();
            try (PendingSignatures sigs = new PendingSignatures(eco, listing, route.filename(), ref.upstreamUrl())) {
                BlobSpool got;
                BlobSpool taken = null;
                if (early != null && early.url().equals(ref.upstreamUrl()) && EARLY_DIGESTS.contains(algorithm)) {
                    usedEarly = true;
                    taken = early.take();
                }
                if (taken != null) {
                    metrics.event("early_download_used", eco.id());
                    got = taken;
                } else {
                    got = fetch(eco, ref.upstreamUrl(), route.filename(), cap, Set.of(algorithm), null);
                }
                try (BlobSpool pending = got) {
                    byte[] actual = pending.digest(algorithm);
                    if (!ref.expected().matches(actual)) {
                        metrics.event("integrity_failure", eco.id());
                        String gotSri = new Digest(algorithm, actual).sri();
                        LOG.log(Level.WARNING, "integrity failure: " + eco.id() + " " + route.metadata().packageName() + " "
                                + route.filename() + " expected " + ref.expected().sri() + " got " + gotSri);
                        throw new ProxyException(502, "integrity check failed for " + route.filename() + ": upstream metadata declares "
                                + ref.expected().sri() + " but the downloaded bytes are " + gotSri + "; nothing was cached");
                    }
                    ArtifactRecord fresh = new ArtifactRecord(eco.id(), route.metadata().packageName(), route.filename(),
                            ref.version(), pending.sha256Hex(), pending.size(), ref.contentType(), ref.expected().sri(), clock.instant());
                    // Read from the spool, before it is a blob and before it is indexed: no request
                    // finds the file until the policy knows what is in it.
                    inspect(eco, meta.entry().metadata(), fresh, pending.file(), sigs);
                    awaitAttestations(attested, route.filename());
                    pending.commit();
                    ArtifactRecord r = keep(fresh);
                    Indexed i = indexed(r);
                    index.put(key, i);
                    if (eco.ecosystem().rendersFileFacts()) {
                        if (r.sha256().equals(fresh.sha256())) {
                            // Files made from an older copy were made when it was stored.
                            derive(eco, meta.entry().metadata(), ref, r, pending.file());
                        }
                        facts.changed(eco, route.metadata().packageName());
                    }
                    return new Served(r, i.file(), CacheStatus.MISS, smallBytes(i));
                }
            } catch (IOException e) {
                throw new ProxyException(500, "cannot store " + route.filename() + " (see the Airlock log)", e);
            }
        } finally {
            if (early != null && !usedEarly) {
                early.discard();
            }
        }
    }

    /** What an early download hashes: whichever of these the metadata then declares is checked (SHA-256 costs nothing extra). */
    private static final Set<String> EARLY_DIGESTS = Set.of("SHA-512", "SHA-256", "SHA-1");

    /**
     * A download started before the metadata that names its URL arrived (see {@link Route.Artifact#likelyPath}).
     * Thrown away, it is stopped: its connection is closed, and its spool deleted.
     */
    private static final class Early {
        private final URI url;
        private final AtomicReference<UpstreamResponse> response = new AtomicReference<>();
        private volatile boolean discarded;
        private CompletableFuture<BlobSpool> body;

        Early(URI url) {
            this.url = url;
        }

        URI url() {
            return url;
        }

        /** Called by the download when upstream answered: a discard from then on closes the connection. */
        void opened(UpstreamResponse r) {
            response.set(r);
            if (discarded) {
                r.close();
            }
        }

        boolean discarded() {
            return discarded;
        }

        /**
         * The downloaded file; null when it failed before upstream answered (no free connection
         * place, a refused connection): the caller then fetches it the usual way, as a request of
         * its own that the circuit judges. A failure after upstream answered is the answer.
         */
        BlobSpool take() throws ProxyException {
            try {
                return body.join();
            } catch (CompletionException e) {
                if (response.get() != null && e.getCause() instanceof ProxyException p) {
                    throw p;
                }
                LOG.log(Level.DEBUG, "early download of " + url.getPath() + " failed before upstream answered, fetching it again: "
                        + e.getCause());
                return null;
            }
        }

        /** Not wanted after all (another URL, a failure before it was needed): stopped, its spool deleted. */
        void discard() {
            discarded = true;
            UpstreamResponse r = response.get();
            if (r != null) {
                r.close();
            }
            body.whenComplete((f, t) -> {
                if (f != null) {
                    try {
                        f.close();
                    } catch (IOException ignored) {
                        // a temp file left behind is swept with the spool folder
                    }
                }
            });
        }
    }

    /**
     * Starts the file's download at its likely URL when the metadata has to come from upstream
     * first; null when it need not (the metadata is in memory), cannot (no likely path, offline)
     * or the pool for it is full (then it is fetched after the metadata, as without it).
     */
    private Early early(EcosystemRuntime eco, Route.Artifact route, long cap) {
        if (route.likelyPath() == null || earlyFetches == null || eco.offline() || !eco.upstream().settings().available()
                || metadata.peekFreshForFiles(eco, route.metadata()) != null) {
            return null;
        }
        URI url;
        try {
            url = eco.upstream().resolve(route.likelyPath());
        } catch (IllegalArgumentException e) {
            return null;
        }
        if (!eco.upstream().allowed(url) || eco.upstream().coolingDown(url)) {
            return null;
        }
        Early early = new Early(url);
        try {
            early.body = CompletableFuture.supplyAsync(() -> {
                try {
                    return fetch(eco, url, route.filename(), cap, EARLY_DIGESTS, early);
                } catch (ProxyException e) {
                    throw new CompletionException(e);
                }
            }, earlyFetches);
        } catch (RejectedExecutionException busy) {
            return null;
        }
        return early;
    }

    /**
     * GETs a file into a spool hashing {@code algorithms}, bounded by {@code cap} and by the length
     * upstream declares (checked). Nothing is verified against metadata here; the spool is deleted on failure.
     */
    private BlobSpool fetch(EcosystemRuntime eco, URI url, String filename, long cap, Set<String> algorithms, Early early)
            throws ProxyException {
        // An early download is judged with the request it serves: it does not move the circuit.
        try (UpstreamResponse resp = early != null ? eco.upstream().beside(UpstreamKind.FILE, url, Map.of("Accept", "*/*"))
                : eco.upstream().get(UpstreamKind.FILE, url, Map.of("Accept", "*/*"))) {
            if (early != null) {
                early.opened(resp);
                if (early.discarded()) {
                    throw new ProxyException(503, "early download of " + filename + " no longer wanted");
                }
            }
            if (resp.status() == 404 || resp.status() == 410) {
                throw new ProxyException(404, filename + " was not found upstream");
            }
            if (resp.status() != 200) {
                throw new ProxyException(502, "upstream answered " + resp.status() + " for " + filename);
            }
            if (resp.header("content-encoding") != null && !"identity".equalsIgnoreCase(resp.header("content-encoding"))) {
                throw new ProxyException(502, "upstream sent " + filename + " with content-encoding "
                        + resp.header("content-encoding") + " although none was asked for");
            }
            String declaredLength = resp.header("content-length");
            long limit = parseLength(declaredLength);
            if (limit != Long.MAX_VALUE && limit > cap) {
                // Decided on the GET's own headers: no separate size probe before it.
                throw new ProxyException(413, TOO_LARGE_TO_PREFETCH + filename + " is " + limit + " bytes");
            }
            BlobSpool pending = blobs.spool(algorithms);
            boolean kept = false;
            try {
                copy(resp, pending, Math.min(limit, cap), () -> cap < limit
                        ? new ProxyException(413, TOO_LARGE_TO_PREFETCH + filename + " is more than " + cap + " bytes")
                        : overran(limit, filename));
                if (declaredLength != null && !declaredLength.equals(Long.toString(pending.size()))) {
                    throw new ProxyException(502, "download of " + filename + " ended after " + pending.size()
                            + " of " + declaredLength + " bytes; nothing was cached");
                }
                kept = true;
                return pending;
            } finally {
                if (!kept) {
                    pending.close();
                }
            }
        } catch (UpstreamException e) {
            throw new ProxyException(e.kind().status, e.getMessage(), e);
        } catch (IOException e) {
            throw new ProxyException(500, "cannot store " + filename + " (see the Airlock log)", e);
        }
    }

    /** Waits for the attestation check started beside a download; its outcome is in the policy's store, not here. */
    private static void awaitAttestations(Future<Void> attested, String filename) throws ProxyException {
        try {
            attested.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ProxyException(503, "interrupted while verifying the attestations of " + filename);
        } catch (ExecutionException e) {
            // The check fails closed by itself (the release is held until they can be read); nothing more to do here.
            LOG.log(Level.WARNING, "attestation check for " + filename + " failed: " + e.getCause());
        }
    }

    /** Files larger than this are not fetched just to be read before their release is listed. */
    public static final long PREFETCH_MAX_BYTES = 64L * 1024 * 1024;

    /**
     * Fetches (and so reads) a release's file before clients may pick the release, unless it is
     * cached or larger than {@link #PREFETCH_MAX_BYTES} (by the GET's headers, or as it streams,
     * for a file listed by metadata; by upstream's {@code HEAD} for a path-addressed one): a large file
     * is read when a client first fetches it instead, and its release stays decided without it
     * until then.
     */
    public void prefetch(EcosystemRuntime eco, Route route) throws ProxyException {
        if (eco.offline() || !eco.upstream().settings().available()) {
            return; // an offline Airlock reads files as they come in from its stores and bundles
        }
        URI url;
        if (route instanceof Route.Artifact a) {
            // One GET, bounded by PREFETCH_MAX_BYTES on its own headers or while it streams: a
            // size probe first would put another round trip before the package's first byte.
            String key = key(eco, a);
            try {
                loadOnce(eco, a.metadata().packageName(), a.filename(), key, () -> download(eco, a, key, PREFETCH_MAX_BYTES));
            } catch (ProxyException e) {
                if (!tooLargeToPrefetch(e)) {
                    throw e;
                }
            }
            return;
        } else if (route instanceof Route.File f) {
            if (cached(eco, f.request().packageName(), f.request().path(), fileKey(eco, f.request())) != null
                    || eco.upstream().resolveAll(f.request().path()).isEmpty()) {
                return;
            }
            url = eco.upstream().resolveAll(f.request().path()).get(0);
        } else {
            return;
        }
        if (!eco.upstream().allowed(url)) {
            return;
        }
        try (UpstreamResponse head = eco.upstream().probe("HEAD", url, Map.of("Accept", "*/*"))) {
            long length = parseLength(head.header("content-length"));
            if (head.status() != 200 || length != Long.MAX_VALUE && length > PREFETCH_MAX_BYTES) {
                return;
            }
        } catch (UpstreamException e) {
            return;
        }
        loadFile(eco, ((Route.File) route).request());
    }

    /** A path-addressed file if its index record is in memory; {@code null} otherwise. Non-blocking. */
    public Served peekFile(EcosystemRuntime eco, FileRequest request) {
        Indexed i = index.getIfPresent(fileKey(eco, request));
        return i == null ? null : new Served(i.record(), i.file(), CacheStatus.HIT, smallFiles.getIfPresent(i.record().sha256()));
    }

    /**
     * A path-addressed file, from the blob store or fetched from the first upstream root that has
     * it, verified against every digest that upstream publishes for it.
     *
     * @throws ProxyException 404 when no root has it (remembered for {@code notFoundTtl}), 502 when
     *                        a published digest disagrees with the bytes or upstream failed
     */
    /** Whether upstream said recently that it has no such file (remembered for {@code notFoundTtl}); non-blocking. */
    public boolean rememberedMissing(EcosystemRuntime eco, FileRequest request) {
        Instant until = notFound.getIfPresent(fileKey(eco, request));
        return until != null && clock.instant().isBefore(until);
    }

    public Served loadFile(EcosystemRuntime eco, FileRequest request) throws ProxyException {
        String key = fileKey(eco, request);
        Instant until = notFound.getIfPresent(key);
        if (until != null && clock.instant().isBefore(until) && cached(eco, request.packageName(), request.path(), key) == null) {
            metrics.cache(eco.id(), "not_found", CacheStatus.HIT.tag());
            throw new ProxyException(404, request.path() + " was not found upstream (remembered)");
        }
        return loadOnce(eco, request.packageName(), request.path(), key, () -> downloadFile(eco, request, key));
    }

    /** The hex digest of a path-addressed file's bytes as Airlock serves them, fetching the file first if needed. */
    public String fileDigest(EcosystemRuntime eco, FileRequest request, String algorithm) throws ProxyException {
        Served s = loadFile(eco, request);
        return s.record().digest(algorithm).orElseThrow(() -> new ProxyException(404, "no " + algorithm + " digest is kept for "
                + request.path()));
    }

    private Served downloadFile(EcosystemRuntime eco, FileRequest request, String key) throws ProxyException {
        eco.requireUpstream();
        ProxyException failure = null;
        Beside beside = null;
        try {
            for (URI url : eco.upstream().resolveAll(request.path())) {
                // Checksum files and signatures are asked for with the file, not after it answers:
                // one round trip per file instead of two (a missing file wastes them, in parallel).
                if (beside != null) {
                    beside.close();
                }
                beside = new Beside(eco, request, url);
                try (UpstreamResponse resp = eco.upstream().get(UpstreamKind.FILE, url, Map.of("Accept", "*/*"))) {
                    if (resp.status() == 404 || resp.status() == 410) {
                        continue;
                    }
                    if (resp.status() != 200) {
                        failure = new ProxyException(502, "upstream answered " + resp.status() + " for " + request.path());
                        continue;
                    }
                    return commitFile(eco, request, key, url, resp, beside);
                } catch (UpstreamException e) {
                    failure = new ProxyException(e.kind().status, e.getMessage(), e);
                } catch (IOException e) {
                    throw new ProxyException(500, "cannot store " + request.path() + " (see the Airlock log)", e);
                }
            }
        } finally {
            if (beside != null) {
                beside.close();
            }
        }
        if (failure != null) {
            throw failure;
        }
        Duration ttl = eco.upstream().notFoundTtl();
        if (!ttl.isZero()) {
            notFound.put(key, clock.instant().plus(ttl));
        }
        throw new ProxyException(404, request.path() + " was not found upstream");
    }

    /** Per upstream origin, whether its last file came with digest headers (then no checksum file is asked for early). */
    private final Cache<String, Boolean> digestHeaders = Caffeine.newBuilder().maximumSize(1_000).build();

    /** A path-addressed file's checksum files and signatures, fetched from one root beside the file. */
    private final class Beside implements AutoCloseable {
        private final Map<String, FutureTask<String>> sums = new LinkedHashMap<>();
        private PendingSignatures signatures;

        private final EcosystemRuntime eco;
        private final FileRequest request;
        private final URI url;

        Beside(EcosystemRuntime eco, FileRequest request, URI url) {
            this.eco = eco;
            this.request = request;
            this.url = url;
            // Not while the upstream is failing (the file's own request fails fast then), and not
            // from a root that sends digests in its headers (checksum files would be asked for nothing).
            boolean healthy = !eco.upstream().coolingDown(url);
            if (healthy && !Boolean.TRUE.equals(digestHeaders.getIfPresent(UpstreamClient.origin(url)))) {
                request.sidecars().forEach(sc -> sums.put(sc.algorithm(), start(sc)));
            }
            this.signatures = healthy ? new PendingSignatures(eco, null, request.path(), url) : null;
        }

        private FutureTask<String> start(FileRequest.Sidecar sc) {
            URI sidecarUrl = URI.create(url + sc.suffix());
            FutureTask<String> task = new FutureTask<>(() -> sidecar(eco, request, sidecarUrl, sc.algorithm()));
            try {
                sidecarFetches.execute(task);
            } catch (RejectedExecutionException busy) {
                // The pool is saturated: the download fetches it on its own thread when it needs it.
            }
            return task;
        }

        /** The signatures, asked for now if they were not with the file. */
        PendingSignatures signatures() {
            return signatures != null ? signatures : (signatures = new PendingSignatures(eco, null, request.path(), url));
        }

        /**
         * The checksum files still wanted once the response's own digest headers are known (those
         * headers make the files unnecessary); what was not asked for with the file is asked now.
         */
        Map<String, FutureTask<String>> sumsBeyond(Map<String, String> published) {
            digestHeaders.put(UpstreamClient.origin(url), !published.isEmpty());
            Map<String, FutureTask<String>> wanted = new LinkedHashMap<>();
            for (FileRequest.Sidecar sc : request.sidecars()) {
                FutureTask<String> early = sums.get(sc.algorithm());
                if (published.containsKey(sc.algorithm())) {
                    if (early != null) {
                        early.cancel(true);
                    }
                } else {
                    wanted.put(sc.algorithm(), early != null ? early : start(sc));
                }
            }
            return wanted;
        }

        @Override
        public void close() {
            sums.values().forEach(f -> f.cancel(true));
            if (signatures != null) {
                signatures.close();
            }
        }
    }

    /**
     * Streams the body to a blob while computing every digest the request names, checks each
     * digest upstream publishes (headers first, then checksum files from the same root), and
     * commits only when all agree.
     */
    private Served commitFile(EcosystemRuntime eco, FileRequest request, String key, URI url, UpstreamResponse resp, Beside beside)
            throws ProxyException, UpstreamException, IOException {
        if (resp.header("content-encoding") != null && !"identity".equalsIgnoreCase(resp.header("content-encoding"))) {
            throw new ProxyException(502, "upstream sent " + request.path() + " with content-encoding "
                    + resp.header("content-encoding") + " although none was asked for");
        }
        Set<String> algorithms = new LinkedHashSet<>();
        request.sidecars().forEach(sc -> algorithms.add(sc.algorithm()));
        algorithms.addAll(request.digestHeaders().values());
        algorithms.addAll(request.served().values());
        String declaredLength = resp.header("content-length");
        // Signatures and checksum files were asked for with the file (Beside): their round trips
        // overlap the body and the inspection.
        PendingSignatures sigs = beside.signatures();
        try (BlobSpool pending = blobs.spool(algorithms)) {
            Map<String, String> published = new LinkedHashMap<>();
            request.digestHeaders().forEach((header, alg) -> {
                String hex = Checksums.hex(resp.header(header), alg);
                if (hex != null) {
                    published.putIfAbsent(alg, hex);
                }
            });
            Map<String, FutureTask<String>> sidecars = beside.sumsBeyond(published);
            try {
                long declared = parseLength(declaredLength);
                copy(resp, pending, declared, () -> overran(declared, request.path()));
            } catch (ProxyException | UpstreamException | IOException | RuntimeException e) {
                sidecars.values().forEach(f -> f.cancel(true));
                sigs.cancel();
                throw e;
            }
            if (declaredLength != null && !declaredLength.strip().equals(Long.toString(pending.size()))) {
                sidecars.values().forEach(f -> f.cancel(true));
                throw new ProxyException(502, "download of " + request.path() + " ended after " + pending.size()
                        + " of " + declaredLength + " bytes; nothing was cached");
            }
            Map<String, String> computed = new TreeMap<>();
            for (String a : algorithms) {
                computed.put(a, HexFormat.of().formatHex(pending.digest(a)));
            }
            computed.put("SHA-256", pending.sha256Hex());
            for (Map.Entry<String, FutureTask<String>> f : sidecars.entrySet()) {
                f.getValue().run(); // fetched here if the pool never started it; a no-op otherwise
                String hex = awaitSidecar(f.getValue());
                if (hex != null) {
                    published.put(f.getKey(), hex);
                }
            }
            // Strongest first, so the message names the digest that matters most.
            List<Map.Entry<String, String>> checks = new ArrayList<>(published.entrySet());
            checks.sort(Comparator.comparingInt(e -> -STRENGTH.indexOf(e.getKey())));
            for (Map.Entry<String, String> p : checks) {
                String actual = computed.get(p.getKey());
                if (!p.getValue().equalsIgnoreCase(actual)) {
                    metrics.event("integrity_failure", eco.id());
                    LOG.log(Level.WARNING, "integrity failure: " + eco.id() + " " + request.path() + " upstream " + p.getKey() + " "
                            + p.getValue() + " but the bytes are " + actual);
                    throw new ProxyException(502, "integrity check failed for " + request.path() + ": upstream's " + p.getKey()
                            + " is " + p.getValue() + " but the downloaded bytes are " + actual + "; nothing was cached");
                }
            }
            if (published.isEmpty()) {
                // Nothing to check against: the first bytes seen are pinned from now on.
                metrics.event("unverified_file", eco.id());
            }
            Map<String, String> kept = new TreeMap<>(computed);
            kept.remove("SHA-256");
            String upstreamDigest = checks.isEmpty() ? null : checks.get(0).getKey() + "=" + checks.get(0).getValue();
            ArtifactRecord fresh = new ArtifactRecord(eco.id(), request.packageName(), request.path(),
                    request.version(), pending.sha256Hex(), pending.size(), request.contentType(), upstreamDigest, clock.instant(),
                    null, kept);
            recordPublished(eco, request, resp.header("last-modified"));
            // Read from the spool, before it is a blob and before it is indexed: no request finds
            // the file until the policy knows what is in it.
            inspect(eco, null, fresh, pending.file(), sigs);
            pending.commit();
            ArtifactRecord r = keep(fresh);
            Indexed i = indexed(r);
            index.put(key, i);
            notFound.invalidate(key);
            return new Served(r, i.file(), CacheStatus.MISS, smallBytes(i));
        }
    }

    private static String awaitSidecar(Future<String> f) throws ProxyException, UpstreamException {
        try {
            return f.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ProxyException(503, "interrupted while fetching a checksum file", e);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof ProxyException p) {
                throw p;
            }
            if (e.getCause() instanceof UpstreamException u) {
                throw u;
            }
            throw new ProxyException(500, "cannot fetch a checksum file (see the Airlock log)", e.getCause());
        }
    }

    /** Upstream's checksum file, {@code null} when it has none; a failure to fetch it fails the download. */
    private String sidecar(EcosystemRuntime eco, FileRequest request, URI url, String algorithm)
            throws UpstreamException {
        try (UpstreamResponse resp = eco.upstream().beside(UpstreamKind.FILE, url, Map.of("Accept", "*/*"))) {
            // Object stores answer 403 for keys that do not exist: as absent as a 404.
            if (resp.status() == 404 || resp.status() == 410 || resp.status() == 401 || resp.status() == 403) {
                return null;
            }
            if (resp.status() != 200) {
                throw new UpstreamException(UpstreamException.Kind.BAD_RESPONSE, "upstream answered " + resp.status() + " for the "
                        + algorithm + " checksum of " + request.path() + "; nothing was cached");
            }
            String hex = Checksums.hex(new String(resp.readBody(Checksums.MAX_FILE), StandardCharsets.UTF_8), algorithm);
            if (hex == null) {
                // A 200 that is no checksum (an HTML error page from a proxy in between): the file
                // beside it is as suspect, so nothing is pinned on it.
                metrics.event("malformed_checksum", eco.id());
                throw new UpstreamException(UpstreamException.Kind.BAD_RESPONSE, "upstream's " + algorithm + " checksum file for "
                        + request.path() + " holds no " + algorithm + " digest; nothing was cached");
            }
            return hex;
        }
    }

    private static String fileKey(EcosystemRuntime eco, FileRequest request) {
        return eco.id() + "\0" + request.packageName() + "\0" + request.path();
    }

    /**
     * Stores the files the ecosystem makes from a just-committed artifact. Best effort: a failure
     * is logged and the artifact is served all the same (clients then do without the derived file,
     * as they would with an upstream that never offered it).
     */
    private void derive(EcosystemRuntime eco, PackageMetadata listing, ArtifactRef ref, ArtifactRecord parent, Path file) {
        List<DerivedFile> made;
        try {
            made = eco.ecosystem().derive(listing, ref, file);
        } catch (IOException | RuntimeException e) {
            LOG.log(Level.WARNING, "cannot derive files from " + eco.id() + " " + parent.filename() + ": " + e.getMessage());
            metrics.event("derive_failure", eco.id());
            return;
        }
        for (DerivedFile d : made) {
            byte[] bytes = d.bytes();
            Optional<ArtifactRef> served = listing.artifact(d.filename());
            if (bytes.length > MAX_DERIVED) {
                LOG.log(Level.WARNING, "not keeping derived file " + d.filename() + " of " + parent.filename() + ": too large");
                continue;
            }
            if (served.isPresent() && !STRENGTH.contains(served.get().expected().algorithm())) {
                continue; // a digest Airlock cannot compute: upstream's copy is fetched when asked for
            }
            Set<String> algorithms = new HashSet<>(Set.of("SHA-256"));
            served.ifPresent(listed -> algorithms.add(listed.expected().algorithm()));
            try (BlobSpool pending = blobs.spool(algorithms)) {
                pending.write(bytes);
                ArtifactRecord record;
                if (served.isPresent()) {
                    // A file upstream serves too (PEP 658 metadata beside a wheel): when the bytes made
                    // here are the ones upstream declares, they are that file, verified, and no
                    // client's request for it goes upstream. Otherwise upstream's is fetched when asked.
                    ArtifactRef declared = served.get();
                    if (!declared.expected().matches(pending.digest(declared.expected().algorithm()))) {
                        LOG.log(Level.INFO, d.filename() + " as read from " + parent.filename() + " differs from what upstream "
                                + "declares for it; upstream's copy is fetched when a client asks for it");
                        continue;
                    }
                    record = new ArtifactRecord(eco.id(), parent.packageName(), d.filename(), declared.version(), pending.sha256Hex(),
                            pending.size(), declared.contentType(), declared.expected().sri(), clock.instant());
                } else {
                    record = new ArtifactRecord(eco.id(), parent.packageName(), d.filename(), parent.version(),
                            pending.sha256Hex(), pending.size(), d.contentType(), null, clock.instant(), parent.filename());
                }
                pending.commit();
                state.putArtifact(record);
            } catch (IOException | RuntimeException e) {
                // A derived file is a convenience: failing to keep one never fails the file it came from.
                LOG.log(Level.WARNING, "cannot store derived file " + d.filename() + ": " + e);
                metrics.event("derive_failure", eco.id());
            }
        }
    }

    /**
     * Reads what a just-committed file contains for the policy, before it is served: a file whose
     * content holds its release is refused on this very request. A file that cannot be read as
     * the archive it claims to be is itself a finding.
     */
    private void inspect(EcosystemRuntime eco, PackageMetadata listing, ArtifactRecord r, Path file, PendingSignatures sigs) {
        ContentFacts found;
        try {
            found = eco.ecosystem().inspect(listing, r.packageName(), r.version(), r.filename(), file);
        } catch (IOException | RuntimeException e) {
            metrics.event("inspection_failure", eco.id());
            found = new ContentFacts(Map.of(), Map.of(),
                    List.of(r.filename() + " could not be inspected: " + e.getMessage()));
        }
        ContentFacts signed = signatures(eco, listing, r, file, sigs);
        if (signed != ContentFacts.NONE) {
            List<String> anomalies = new ArrayList<>(found.anomalies());
            anomalies.addAll(signed.anomalies());
            found = new ContentFacts(found.installHooks(), found.mismatches(), anomalies,
                    signed.signer(), signed.signatureFailures(), found.hookFiles(), found.files());
        }
        ledger.recordContent(eco.id(), r.packageName(), r.version(), r.filename(), r.sha256(), found);
    }

    /**
     * Records when the release was published where upstream states it on this file (a Maven POM's
     * {@code Last-Modified}). A time in the future, or one that does not parse, states nothing.
     */
    private void recordPublished(EcosystemRuntime eco, FileRequest request, String lastModified) {
        if (lastModified == null || request.version() == null || !eco.ecosystem().datesRelease(request.path())) {
            return;
        }
        try {
            Instant at = ZonedDateTime.parse(lastModified.strip(), DateTimeFormatter.RFC_1123_DATE_TIME)
                    .toInstant();
            if (!at.isAfter(clock.instant())) {
                ledger.recordPublished(eco.id(), request.packageName(), request.version(), at);
            }
        } catch (DateTimeParseException e) {
            LOG.log(Level.DEBUG, "unreadable Last-Modified on " + request.path() + ": " + lastModified);
        }
    }

    /** Signatures at most this large are read; a real one is a few kilobytes. */
    private static final int MAX_SIGNATURE = 1 << 20;

    /**
     * Fetches the signatures the ecosystem names for a committed file from the upstream it came
     * from, and has them verified over the bytes Airlock holds. A signature upstream does not
     * have (404) is passed as absent; one that cannot be fetched now is left out (not checked).
     */
    /**
     * A file's signatures being fetched beside it: started as soon as upstream answers for the
     * file, so their round trips overlap its body and its inspection instead of following them.
     */
    private final class PendingSignatures implements AutoCloseable {
        private final Map<String, FutureTask<byte[]>> byKind = new LinkedHashMap<>();
        /** Kinds upstream answered 404 or 410 for: "not signed that way" is a fact too. */
        private final Set<String> absent = ConcurrentHashMap.newKeySet();

        PendingSignatures(EcosystemRuntime eco, PackageMetadata listing, String filename, URI url) {
            for (SignatureRef ref : eco.ecosystem().signaturesOf(listing, filename)) {
                URI at = ref.url() != null ? ref.url() : URI.create(url + ref.suffix());
                if (!eco.upstream().allowed(at)) {
                    continue;
                }
                FutureTask<byte[]> task = new FutureTask<>(() -> {
                    try (UpstreamResponse resp = eco.upstream().beside(UpstreamKind.SIGNATURE, at, Map.of("Accept", ref.accept()))) {
                        if (resp.status() == 404 || resp.status() == 410) {
                            absent.add(ref.kind());
                            return null;
                        }
                        return resp.status() == 200 ? resp.readBody(MAX_SIGNATURE) : null;
                    }
                });
                try {
                    sidecarFetches.execute(task);
                } catch (RejectedExecutionException busy) {
                    // The pool is saturated: await() fetches it on this thread, after the body.
                }
                byKind.put(ref.kind(), task);
            }
        }

        /** What was found, by kind: the bytes, or null for a kind upstream does not have; a kind that failed is left out. */
        Map<String, byte[]> await(String filename) {
            Map<String, byte[]> found = new HashMap<>();
            for (Map.Entry<String, FutureTask<byte[]>> e : byKind.entrySet()) {
                try {
                    e.getValue().run(); // no-op unless the pool never started it
                    byte[] bytes = e.getValue().get();
                    if (bytes != null || absent.contains(e.getKey())) {
                        found.put(e.getKey(), bytes);
                    }
                } catch (InterruptedException ie) {
                    Thread.currentThread().interrupt();
                    return found;
                } catch (ExecutionException | CancellationException ex) {
                    LOG.log(Level.DEBUG, "cannot fetch " + e.getKey() + " for " + filename + ": " + ex.getMessage());
                }
            }
            return found;
        }

        void cancel() {
            byKind.values().forEach(f -> f.cancel(true));
        }

        /** Cancels what was not awaited (a download that failed): no orphaned fetches hold the pool. */
        @Override
        public void close() {
            cancel();
        }
    }

    /** Verifies the signatures fetched beside a file (called even when there were none: "unsigned" is a fact too). */
    private ContentFacts signatures(EcosystemRuntime eco, PackageMetadata listing, ArtifactRecord r, Path file, PendingSignatures pending) {
        Map<String, byte[]> found = pending.await(r.filename());
        try {
            return eco.ecosystem().verifySignatures(listing, r.packageName(), r.version(), r.filename(), file, found);
        } catch (RuntimeException e) {
            metrics.event("inspection_failure", eco.id());
            // Held for a person to look at (an anomaly), not denied: nothing shows the signature is bad.
            return new ContentFacts(Map.of(), Map.of(), List.of("the signatures of " + r.filename()
                    + " could not be checked: " + e.getMessage()), Map.of(), List.of());
        }
    }

    /**
     * Records a committed file. The first record for a name is kept (first-seen pinning), unless
     * its blob is gone (data restored from an older backup) while other bytes verified now: then
     * the index follows the bytes Airlock actually holds, instead of pointing at nothing forever.
     */
    private ArtifactRecord keep(ArtifactRecord fresh) {
        ArtifactRecord kept = state.putArtifact(fresh);
        if (!kept.sha256().equals(fresh.sha256()) && !blobs.contains(kept.sha256())) {
            LOG.log(Level.WARNING, "the blob of " + kept.ecosystem() + " " + kept.filename() + " (" + kept.sha256()
                    + ") is missing; recording the bytes verified now (" + fresh.sha256() + ")");
            state.replaceArtifact(fresh);
            return fresh;
        }
        return kept;
    }

    private static long parseLength(String header) {
        try {
            return header == null ? Long.MAX_VALUE : Long.parseLong(header.strip());
        } catch (NumberFormatException e) {
            return Long.MAX_VALUE;
        }
    }

    /**
     * Streams the body to the blob, stopping as soon as it runs past {@code limit} (the length
     * upstream declared, or a prefetch's bound), with the failure {@code past} makes.
     */
    private static void copy(UpstreamResponse resp, BlobSpool out, long limit, Supplier<ProxyException> past)
            throws UpstreamException, IOException, ProxyException {
        byte[] buf = new byte[64 * 1024];
        while (true) {
            int n = resp.read(buf);
            if (n < 0) {
                return;
            }
            out.write(buf, 0, n);
            if (out.size() > limit) {
                throw past.get();
            }
        }
    }

    private static ProxyException overran(long declared, String filename) {
        return new ProxyException(502, "upstream sent more than the " + declared + " bytes it declared for " + filename
                + "; nothing was cached");
    }



    private static String key(EcosystemRuntime eco, Route.Artifact route) {
        return eco.id() + "\0" + route.metadata().packageName() + "\0" + route.filename();
    }
}
