package dev.airlock.core.proxy;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.airlock.config.LimitsConfig;
import dev.airlock.core.ecosystem.MetadataException;
import dev.airlock.core.ecosystem.MetadataRequest;
import dev.airlock.core.ecosystem.PackageMetadata;
import dev.airlock.core.ecosystem.ReleaseInfo;
import dev.airlock.core.metrics.AirlockMetrics;
import dev.airlock.core.policy.View;
import dev.airlock.core.proxy.MetadataEntry.DocumentSource;
import dev.airlock.core.store.ArtifactRecord;
import dev.airlock.core.store.MetadataState;
import dev.airlock.core.store.StateStore;
import dev.airlock.core.upstream.UpstreamException;
import dev.airlock.core.upstream.UpstreamKind;
import dev.airlock.core.upstream.UpstreamResponse;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Supplier;

/**
 * Metadata documents: cached, revalidated, single-flight, stale-if-error.
 *
 * <p>Freshness: a document fetched less than {@code cache.metadataTtl} ago is served without
 * asking upstream. After that the next request revalidates with {@code If-None-Match} /
 * {@code If-Modified-Since}; concurrent requests for one document share one upstream request.
 * When upstream fails (unreachable, timeout, 5xx, malformed answer) the last good copy is
 * served, marked stale; only without one does the client see 502/503/504.
 *
 * <p>Durability: the last good upstream body of every document is kept under
 * {@code <data>/metadata/} and its fetch state in the state store, so revalidation and
 * stale-if-error also work after a restart. Parsed documents are held in a Caffeine cache
 * bounded by weight.
 *
 * <p>Threading: {@link #load} blocks and runs on worker threads; {@link #peekFresh} is a
 * non-blocking memory lookup for the event loop's warm path.
 */
public final class MetadataService {

    /** Larger upstream documents are refused; the largest real packuments are well below this. */
    static final long MAX_DOCUMENT_BYTES = LimitsConfig.DEFAULTS.metadataSize();
    /** {@code limits.metadataSize}: the largest document read. */
    private volatile long maxDocumentBytes = MAX_DOCUMENT_BYTES;

    /** Sets {@code limits.metadataSize} (start-up). */
    public void maxDocumentBytes(long bytes) {
        this.maxDocumentBytes = bytes;
    }

    private final StateStore state;
    private final MetadataBodies bodies;
    private final Clock clock;
    private final Duration ttl;
    private final AirlockMetrics metrics;
    private final Cache<String, MetadataEntry> cache;
    private final SingleFlight<String, MetadataEntry.Loaded> flights = new SingleFlight<>();
    /** Per upstream document, the cache key it was last loaded under (see {@link #loadForFiles}). */
    private final Cache<String, String> loadedAs = Caffeine.newBuilder().maximumSize(100_000).build();
    private final FileFactsService facts;

    public MetadataService(StateStore state, MetadataBodies bodies, Clock clock, Duration ttl, long maxBytes, AirlockMetrics metrics,
                           FileFactsService facts) {
        this.state = state;
        this.facts = facts;
        facts.onChange((eco, pkg) -> invalidateRenderings(eco.id(), pkg));
        this.bodies = bodies;
        this.clock = clock;
        this.ttl = ttl;
        this.metrics = metrics;
        this.cache = Caffeine.newBuilder()
                .maximumWeight(maxBytes)
                .weigher((String k, MetadataEntry e) -> (int) Math.min(Integer.MAX_VALUE, e.weight()))
                .build();
    }

    /**
     * The document for a file's sake: a variant already loaded fresh from the same upstream
     * document (same path, same headers) will do, since a file's URL, digest and release are the
     * same in every rendering of it (npm's abbreviated and full packuments are parsed from the
     * same bytes). A tarball asked for after the install read the abbreviated packument then
     * shares that copy, and the policy's decision made from it, instead of fetching the document
     * again under the other variant.
     */
    public MetadataEntry.Loaded loadForFiles(EcosystemRuntime eco, MetadataRequest request) throws ProxyException {
        MetadataEntry sibling = freshSibling(eco, request);
        if (sibling != null) {
            metrics.cache(eco.id(), "metadata", CacheStatus.HIT.tag());
            return new MetadataEntry.Loaded(sibling, CacheStatus.HIT);
        }
        return load(eco, request);
    }

    /** Like {@link #peekFresh}, with any fresh variant of the same upstream document (see {@link #loadForFiles}). */
    public MetadataEntry peekFreshForFiles(EcosystemRuntime eco, MetadataRequest request) {
        MetadataEntry e = peekFresh(eco, request);
        return e != null ? e : freshSibling(eco, request);
    }

    private MetadataEntry freshSibling(EcosystemRuntime eco, MetadataRequest request) {
        String as = loadedAs.getIfPresent(sourceKey(eco, request));
        if (as == null || as.equals(key(eco, request))) {
            return null;
        }
        MetadataEntry e = cache.getIfPresent(as);
        return e != null && isFresh(e) ? e : null;
    }

    /** What is fetched: the same path with the same headers is the same upstream document. */
    private static String sourceKey(EcosystemRuntime eco, MetadataRequest request) {
        return eco.id() + "\0" + request.upstreamPath() + "\0" + new TreeMap<>(request.upstreamHeaders());
    }

    /** The cached document if it is fresh, without blocking; {@code null} otherwise. */
    public MetadataEntry peekFresh(EcosystemRuntime eco, MetadataRequest request) {
        MetadataEntry e = cache.getIfPresent(key(eco, request));
        return e != null && isFresh(e) ? e : null;
    }

    /**
     * The document, from cache when fresh, else revalidated or fetched (at most one upstream
     * request per document at a time), else the stale copy when upstream fails.
     *
     * @throws ProxyException 404 when upstream has no such package, 502/503/504 when upstream
     *                        failed and nothing is cached
     */
    public MetadataEntry.Loaded load(EcosystemRuntime eco, MetadataRequest request) throws ProxyException {
        return load(eco, request, false);
    }

    /**
     * Like {@link #load(EcosystemRuntime, MetadataRequest)}, but asks upstream even when the cached
     * copy is fresh: for a client asking for a file that a just-published version added.
     */
    public MetadataEntry.Loaded revalidate(EcosystemRuntime eco, MetadataRequest request) throws ProxyException {
        return load(eco, request, true);
    }

    private MetadataEntry.Loaded load(EcosystemRuntime eco, MetadataRequest request, boolean force) throws ProxyException {
        String key = key(eco, request);
        MetadataEntry cached = cache.getIfPresent(key);
        if (!force && cached != null && isFresh(cached)) {
            metrics.cache(eco.id(), "metadata", CacheStatus.HIT.tag());
            return new MetadataEntry.Loaded(cached, CacheStatus.HIT);
        }
        try {
            MetadataEntry.Loaded loaded = flights.run(key, () -> refresh(eco, request, key, force),
                    () -> metrics.coalesced(eco.id(), "metadata"));
            loadedAs.put(sourceKey(eco, request), key);
            metrics.cache(eco.id(), "metadata", loaded.status().tag());
            return loaded;
        } catch (ProxyException e) {
            throw e;
        } catch (Exception e) {
            throw new ProxyException(500, "internal error while loading " + request.packageName() + " metadata", e);
        }
    }

    /**
     * The entry's rendering for this mount URL (made on first use: call on a worker). A new
     * rendering makes the entry heavier, so it is put back for the cache to weigh it again: many
     * Host names cannot grow memory past {@code cache.metadataMaxSize}.
     */
    public MetadataEntry.Document rendering(EcosystemRuntime eco, MetadataRequest request, MetadataEntry entry, String mountUrl,
                                            Supplier<View> policy) {
        MetadataEntry.Document known = entry.peekRendering(mountUrl, clock.instant());
        if (known != null) {
            return known;
        }
        MetadataEntry.Document made = entry.rendering(mountUrl, clock.instant(), () -> facts.factsOf(eco, entry.metadata().packageName()),
                () -> eco.offline() ? mirrorOnly(eco, entry.metadata(), policy.get()) : policy.get());
        cache.asMap().replace(key(eco, request), entry, entry);
        return made;
    }

    /**
     * Drops the renderings of every cached document of a package, so the next request renders it
     * with the package's current file facts. Scans the cache: called only when facts change (an
     * artifact committed, sizes learned), which is rare next to requests.
     */
    /**
     * An offline mirror lists exactly what it can serve: versions the policy lets through and of
     * which it holds a file, and (where files are listed one by one) only the files it holds. A
     * client then never picks a version that would answer "not in this mirror".
     */
    private View mirrorOnly(EcosystemRuntime eco, PackageMetadata metadata,
                                                                  View view) {
        Set<String> versions = new HashSet<>();
        Set<String> files = new HashSet<>();
        for (ArtifactRecord r : state.artifacts(eco.id(), metadata.packageName())) {
            if (r.derivedFrom() == null) {
                versions.add(r.version());
                files.add(r.filename());
            }
        }
        return new View(v -> view.visible().test(v) && versions.contains(v), view.validUntil(),
                view.held(), f -> view.files().test(f) && files.contains(f));
    }

    /** The cached rendering for this mount if it is still good; non-blocking. */
    public MetadataEntry.Document peekRendering(MetadataEntry entry, String mountUrl) {
        return entry.peekRendering(mountUrl, clock.instant());
    }

    /**
     * Drops the cached copy of one document (another process stored a new body): the next
     * request reads the stored state again.
     */
    public void forgetDocument(String ecosystem, String cacheKey) {
        cache.invalidate(key(ecosystem, cacheKey));
    }

    /** Drops every cached document (the change log lost track): each is read from the store again on next use. */
    public void forgetAll() {
        cache.invalidateAll();
    }

    public void invalidateRenderings(String ecosystem, String packageName) {
        if (ecosystem == null) {
            // Everything (a policy rule changed): each package renders again on next use.
            cache.asMap().values().forEach(MetadataEntry::clearRenderings);
            return;
        }
        String prefix = ecosystem + "\0";
        cache.asMap().forEach((k, e) -> {
            if (k.startsWith(prefix) && e.metadata().packageName().equals(packageName)) {
                e.clearRenderings();
            }
        });
    }

    /** What the cache holds by its weigher (tests). */
    long weightedSize() {
        cache.cleanUp();
        return cache.policy().eviction().flatMap(e -> {
            OptionalLong w = e.weightedSize();
            return w.isPresent() ? Optional.of(w.getAsLong()) : Optional.empty();
        }).orElse(0L);
    }

    private boolean isFresh(MetadataEntry e) {
        return Duration.between(e.state().fetchedAt(), clock.instant()).compareTo(ttl) < 0;
    }

    private MetadataEntry.Loaded refresh(EcosystemRuntime eco, MetadataRequest request, String key, boolean force)
            throws ProxyException {
        MetadataEntry current = cache.getIfPresent(key);
        if (current == null) {
            current = loadPersisted(eco, request).orElse(null);
        }
        if (!force && current != null && isFresh(current)) {
            cache.put(key, current);
            return new MetadataEntry.Loaded(current, CacheStatus.HIT);
        }
        if (eco.offline() || !eco.upstream().settings().available()) {
            if (current != null) {
                return stale(current, key);
            }
            eco.requireUpstream();
        }
        Map<String, String> plain = new HashMap<>(request.upstreamHeaders());
        plain.put("Accept-Encoding", "gzip");
        // Validators belong to the root that gave the copy; another root's 304 would keep it wrongly.
        Map<String, String> conditional = new HashMap<>(plain);
        if (current != null && current.state().etag() != null) {
            conditional.put("If-None-Match", current.state().etag());
        }
        if (current != null && current.state().lastModified() != null) {
            conditional.put("If-Modified-Since", current.state().lastModified());
        }
        URI copyFrom = current == null ? null
                : current.state().requestedUrl() != null ? current.state().requestedUrl() : eco.upstream().resolve(request.upstreamPath());
        // Each configured root in order: a 404 or a failure moves on to the next; the first
        // answer wins. Only when every root says 404 is the package absent.
        ProxyException failure = null;
        for (URI url : eco.upstream().resolveAll(request.upstreamPath())) {
            try (UpstreamResponse resp = eco.upstream().get(UpstreamKind.DOCUMENT, url, url.equals(copyFrom) ? conditional : plain)) {
                int status = resp.status();
                if (status == 304 && current != null) {
                    MetadataState s = current.state().withFetchedAt(clock.instant());
                    state.putMetadata(s);
                    MetadataEntry refreshed = current.withState(s);
                    cache.put(key, refreshed);
                    return new MetadataEntry.Loaded(refreshed, CacheStatus.REVALIDATED);
                }
                if (status == 404 || status == 410) {
                    continue;
                }
                if (status != 200) {
                    failure = new ProxyException(502, "upstream answered " + status + " for " + request.packageName());
                    continue;
                }
                return fetched(eco, request, key, current, url, resp);
            } catch (UpstreamException e) {
                failure = new ProxyException(e.kind().status, e.getMessage(), e);
            } catch (ProxyException e) {
                failure = e;
            }
        }
        if (failure != null) {
            return staleOr(current, key, failure);
        }
        cache.invalidate(key);
        throw new ProxyException(404, request.packageName() + " was not found upstream");
    }

    /** A 200 from upstream: parsed, stored, observed and cached; a malformed body is a failure (the next root is tried). */
    private MetadataEntry.Loaded fetched(EcosystemRuntime eco, MetadataRequest request, String key, MetadataEntry current,
                                         URI asked, UpstreamResponse resp) throws UpstreamException, ProxyException {
        byte[] body = resp.readBody(maxDocumentBytes);
        String contentType = resp.header("content-type");
        PackageMetadata parsed;
        try {
            parsed = eco.ecosystem().parse(request, resp.uri(), body, contentType);
        } catch (MetadataException e) {
            metrics.event("malformed_metadata", eco.id());
            throw new ProxyException(502, "upstream metadata for " + request.packageName() + " is malformed: " + e.getMessage(), e);
        }
        Instant now = clock.instant();
        String previous = current != null ? current.state().bodySha256()
                : state.findMetadata(eco.id(), request.cacheKey()).map(MetadataState::bodySha256).orElse(null);
        MetadataState s = new MetadataState(eco.id(), request.cacheKey(), request.packageName(), storeBody(request, body),
                contentType, resp.header("etag"), resp.header("last-modified"), now,
                current == null ? now : current.state().firstSeen(), asked, resp.uri());
        state.putMetadata(s);
        if (previous != null && !previous.equals(s.bodySha256())) {
            bodies.retire(eco.id(), request.packageName(), previous);
        }
        List<String> versions = parsed.releases().stream().map(ReleaseInfo::version).toList();
        state.observeReleases(eco.id(), request.packageName(), versions, now);
        // No verdicts here: the policy decides this document on its first rendering or check,
        // since it tells documents apart (a rendering never uses the verdicts of the copy before).
        try {
            facts.observe(eco, parsed);
        } catch (RuntimeException e) {
            // Facts are best effort: the document itself was fetched and stored.
            java.lang.System.getLogger("airlock.metadata").log(java.lang.System.Logger.Level.WARNING,
                    "cannot record file facts for " + request.packageName() + ": " + e.getMessage());
        }
        DocumentSource stored = () -> bodies.read(s);
        MetadataEntry fresh = new MetadataEntry(parsed, s, body.length, stored.holding(body));
        cache.put(key, fresh);
        return new MetadataEntry.Loaded(fresh, CacheStatus.MISS);
    }

    private MetadataEntry.Loaded staleOr(MetadataEntry current, String key, ProxyException failure) throws ProxyException {
        if (current == null) {
            throw failure;
        }
        return stale(current, key);
    }

    private MetadataEntry.Loaded stale(MetadataEntry current, String key) {
        cache.put(key, current);
        return new MetadataEntry.Loaded(current, CacheStatus.STALE);
    }

    private Optional<MetadataEntry> loadPersisted(EcosystemRuntime eco, MetadataRequest request) {
        Optional<MetadataState> s = state.findMetadata(eco.id(), request.cacheKey());
        if (s.isEmpty() && eco.offline()) {
            // Offline, another rendering of the same upstream document will do (a PyPI page stored
            // for a JSON client, asked for by an HTML one): same package, same upstream path.
            String path = request.upstreamPath().startsWith("./") ? request.upstreamPath().substring(2) : request.upstreamPath();
            s = state.metadataOf(eco.id(), request.packageName()).stream()
                    .filter(m -> m.requestedUrl() != null && m.requestedUrl().getPath() != null && m.requestedUrl().getPath().endsWith("/" + path))
                    .findFirst();
        }
        if (s.isEmpty()) {
            return Optional.empty();
        }
        MetadataState stored = s.get();
        DocumentSource source = () -> bodies.read(stored);
        try {
            byte[] body = source.read();
            // Relative links resolve against the URL the copy came from (root and redirects included).
            URI url = s.get().documentUrl() != null ? s.get().documentUrl()
                    : eco.upstream().settings().available() ? eco.upstream().resolve(request.upstreamPath()) : null;
            return Optional.of(new MetadataEntry(eco.ecosystem().parse(request, url, body, s.get().contentType()), s.get(),
                    body.length, source.holding(body)));
        } catch (IOException | MetadataException e) {
            // A lost or unreadable copy is as good as none: the document is fetched again.
            return Optional.empty();
        }
    }

    private String storeBody(MetadataRequest request, byte[] body) throws ProxyException {
        try {
            return bodies.write(body);
        } catch (IOException e) {
            throw new ProxyException(500, "cannot store metadata for " + request.packageName() + " (see the Airlock log)", e);
        }
    }

    /**
     * The file name under {@code <data>/metadata/} where releases before the documents store kept
     * a document's body: a digest of its key, so no request text ever became a path.
     */
    public static String bodyName(String ecosystem, String cacheKey) {
        return sha256((ecosystem + "\0" + cacheKey).getBytes(StandardCharsets.UTF_8));
    }

    private static String key(EcosystemRuntime eco, MetadataRequest request) {
        return key(eco.id(), request.cacheKey());
    }

    private static String key(String ecosystem, String cacheKey) {
        return ecosystem + "\0" + cacheKey;
    }

    static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
