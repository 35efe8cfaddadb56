package dev.airlock.core.proxy;

import com.sun.net.httpserver.HttpServer;
import dev.airlock.config.UpstreamConfig;
import dev.airlock.core.ecosystem.UpstreamSettings;
import dev.airlock.core.metrics.AirlockMetrics;
import dev.airlock.core.policy.View;
import dev.airlock.core.store.FileBlobStore;
import dev.airlock.core.store.MetadataState;
import dev.airlock.core.store.sql.SqliteStateStore;
import dev.airlock.core.testing.FilesEcosystem;
import dev.airlock.core.testing.MutableClock;
import dev.airlock.core.upstream.UpstreamClient;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Metadata freshness, revalidation and stale-if-error, with the clock moved by hand. */
class MetadataServiceTest {

    @TempDir
    Path data;

    private HttpServer upstream;
    private final AtomicInteger requests = new AtomicInteger();
    private final AtomicInteger notModified = new AtomicInteger();
    private volatile int failWith;
    private volatile String body = "{\"name\":\"pkg\",\"files\":{}}";
    private final MutableClock clock = new MutableClock(Instant.parse("2026-01-01T00:00:00Z"));
    private final ScheduledExecutorService watchdog = Executors.newSingleThreadScheduledExecutor();

    @BeforeEach
    void startUpstream() throws Exception {
        upstream = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        upstream.createContext("/huge", ex -> {
            // Declares 300 MB and sends a few bytes: the declared length alone must refuse it.
            ex.sendResponseHeaders(200, 300L * 1024 * 1024);
            ex.getResponseBody().write("{\"name\":".getBytes(StandardCharsets.UTF_8));
            ex.getResponseBody().flush();
            ex.close();
        });
        upstream.createContext("/", ex -> {
            requests.incrementAndGet();
            String etag = "\"" + Integer.toHexString(body.hashCode()) + "\"";
            if (failWith != 0) {
                ex.sendResponseHeaders(failWith, -1);
            } else if (etag.equals(ex.getRequestHeaders().getFirst("If-None-Match"))) {
                notModified.incrementAndGet();
                ex.sendResponseHeaders(304, -1);
            } else {
                byte[] b = body.getBytes(StandardCharsets.UTF_8);
                ex.getResponseHeaders().set("ETag", etag);
                ex.sendResponseHeaders(200, b.length);
                ex.getResponseBody().write(b);
            }
            ex.close();
        });
        upstream.start();
    }

    @AfterEach
    void stopUpstream() {
        upstream.stop(0);
        watchdog.shutdownNow();
    }

    private EcosystemRuntime runtime() {
        FilesEcosystem eco = new FilesEcosystem();
        UpstreamConfig cfg = UpstreamConfig.empty().withUrl(URI.create("http://127.0.0.1:" + upstream.getAddress().getPort() + "/"));
        UpstreamSettings settings = UpstreamSettings.of(cfg.url(), List.of(), "test");
        return new EcosystemRuntime(eco, new UpstreamClient("files", settings, cfg, clock, watchdog, new AirlockMetrics(), "airlock-test"), false);
    }

    private MetadataBodies bodies(SqliteStateStore state) {
        return new MetadataBodies(FileBlobStore.refetchable(data, "documents", false), data, state, clock);
    }

    private MetadataService service(SqliteStateStore state) {
        return service(state, bodies(state));
    }

    private MetadataService service(SqliteStateStore state, MetadataBodies bodies) {
        AirlockMetrics metrics = new AirlockMetrics();
        return new MetadataService(state, bodies, clock, Duration.ofSeconds(60), 1 << 20, metrics,
                new FileFactsService(state, clock, metrics, java.util.concurrent.ForkJoinPool.commonPool()));
    }

    @Test
    void freshThenRevalidatedThenStale() throws Exception {
        // Within the TTL no upstream request; after it a conditional one; when upstream fails, the stale copy.
        EcosystemRuntime eco = runtime();
        try (SqliteStateStore state = new SqliteStateStore(data)) {
            MetadataService s = service(state);
            assertEquals(CacheStatus.MISS, s.load(eco, FilesEcosystem.metadata("pkg")).status());
            clock.advance(Duration.ofSeconds(59));
            assertEquals(CacheStatus.HIT, s.load(eco, FilesEcosystem.metadata("pkg")).status());
            assertEquals(1, requests.get());
            clock.advance(Duration.ofSeconds(2));
            assertEquals(CacheStatus.REVALIDATED, s.load(eco, FilesEcosystem.metadata("pkg")).status());
            assertEquals(1, notModified.get());
            clock.advance(Duration.ofSeconds(30));
            assertEquals(CacheStatus.HIT, s.load(eco, FilesEcosystem.metadata("pkg")).status(), "a 304 restarts the TTL");
            clock.advance(Duration.ofSeconds(61));
            failWith = 500;
            assertEquals(CacheStatus.STALE, s.load(eco, FilesEcosystem.metadata("pkg")).status());
            ProxyException none = assertThrows(ProxyException.class, () -> s.load(eco, FilesEcosystem.metadata("other")));
            assertEquals(502, none.status());
        }
    }

    @Test
    void aDocumentDeclaredLargerThanTheBoundIsRefusedBeforeAnythingIsBuffered() throws Exception {
        // A 300 MB packument once cost 256 MiB of buffering (and more RSS) before it was refused.
        EcosystemRuntime eco = runtime();
        java.net.URI uri = java.net.URI.create("http://127.0.0.1:" + upstream.getAddress().getPort() + "/huge");
        try (dev.airlock.core.upstream.UpstreamResponse r = eco.upstream().get(dev.airlock.core.upstream.UpstreamKind.DOCUMENT, uri, Map.of())) {
            dev.airlock.core.upstream.UpstreamException e = assertThrows(dev.airlock.core.upstream.UpstreamException.class,
                    () -> r.readBody(MetadataService.MAX_DOCUMENT_BYTES));
            assertTrue(e.getMessage().contains("is 314572800 bytes, larger than " + MetadataService.MAX_DOCUMENT_BYTES), e.getMessage());
        }
    }

    @Test
    void staleCopySurvivesARestart() throws Exception {
        // The last good body and its fetch state are on disk: a new process serves them stale when upstream is down.
        EcosystemRuntime eco = runtime();
        try (SqliteStateStore state = new SqliteStateStore(data)) {
            service(state).load(eco, FilesEcosystem.metadata("pkg"));
        }
        failWith = 503;
        clock.advance(Duration.ofHours(1));
        try (SqliteStateStore state = new SqliteStateStore(data)) {
            MetadataEntry.Loaded l = service(state).load(eco, FilesEcosystem.metadata("pkg"));
            assertEquals(CacheStatus.STALE, l.status());
            assertEquals("pkg", l.entry().metadata().packageName());
        }
    }

    @Test
    void malformedUpstreamDocumentNeverReplacesAGoodOne() throws Exception {
        // A broken answer is a 502 without a cached copy, and the stale good copy with one.
        EcosystemRuntime eco = runtime();
        try (SqliteStateStore state = new SqliteStateStore(data)) {
            MetadataService s = service(state);
            body = "{\"name\":\"other\"}";
            assertEquals(502, assertThrows(ProxyException.class, () -> s.load(eco, FilesEcosystem.metadata("pkg"))).status());
            body = "{\"name\":\"pkg\",\"files\":{}}";
            s.load(eco, FilesEcosystem.metadata("pkg"));
            clock.advance(Duration.ofMinutes(2));
            body = "<html>oops";
            MetadataEntry.Loaded l = s.load(eco, FilesEcosystem.metadata("pkg"));
            assertEquals(CacheStatus.STALE, l.status());
            assertEquals("{\"name\":\"pkg\",\"files\":{}}", new String(s.rendering(eco, FilesEcosystem.metadata("pkg"), l.entry(), "http://x/files/", () -> View.ALL).bytes(), StandardCharsets.UTF_8));
        }
    }

    @Test
    void everyRenderingKeptCountsAgainstTheCacheBound() throws Exception {
        // Renderings for more Host names make the entry heavier in the cache, so many hosts cannot grow memory unbounded.
        body = "{\"name\":\"pkg\",\"files\":{},\"pad\":\"" + "x".repeat(20_000) + "\"}";
        EcosystemRuntime eco = runtime();
        try (SqliteStateStore state = new SqliteStateStore(data)) {
            MetadataService s = service(state);
            MetadataEntry.Loaded l = s.load(eco, FilesEcosystem.metadata("pkg"));
            s.rendering(eco, FilesEcosystem.metadata("pkg"), l.entry(), "http://a/files/", () -> View.ALL);
            long one = s.weightedSize();
            for (String host : new String[]{"b", "c", "d", "e"}) {
                s.rendering(eco, FilesEcosystem.metadata("pkg"), l.entry(), "http://" + host + "/files/", () -> View.ALL);
            }
            assertTrue(s.weightedSize() > one + 3 * 20_000, one + " then " + s.weightedSize());
        }
    }

    @Test
    void upstreamNotFoundIsA404() throws Exception {
        // An upstream 404 is the client's 404, with the package named.
        EcosystemRuntime eco = runtime();
        failWith = 404;
        try (SqliteStateStore state = new SqliteStateStore(data)) {
            ProxyException e = assertThrows(ProxyException.class, () -> service(state).load(eco, FilesEcosystem.metadata("gone")));
            assertEquals(404, e.status());
            assertEquals("gone was not found upstream", e.getMessage());
        }
    }

    @Test
    void aReplacedBodyIsDeletedAfterItsGraceAndOnlyThen() throws Exception {
        // Bodies are content-addressed blobs; a refresh that changes the document retires the old one,
        // which stays readable for a grace period (a rendering may still read it) and then goes.
        EcosystemRuntime eco = runtime();
        try (SqliteStateStore state = new SqliteStateStore(data)) {
            MetadataBodies bodies = bodies(state);
            MetadataService s = service(state, bodies);
            s.load(eco, FilesEcosystem.metadata("pkg"));
            String first = state.findMetadata("files", FilesEcosystem.metadata("pkg").cacheKey()).orElseThrow().bodySha256();
            FileBlobStore documents = new FileBlobStore(data, "documents", false);
            assertTrue(documents.contains(first));
            body = "{\"name\":\"pkg\",\"files\":{\"a\":1}}";
            clock.advance(Duration.ofSeconds(61));
            s.load(eco, FilesEcosystem.metadata("pkg"));
            String second = state.findMetadata("files", FilesEcosystem.metadata("pkg").cacheKey()).orElseThrow().bodySha256();
            assertTrue(!first.equals(second) && documents.contains(second));
            assertEquals(0, bodies.sweep(), "within its grace the old body stays");
            assertTrue(documents.contains(first));
            clock.advance(MetadataBodies.GRACE.plusSeconds(1));
            assertEquals(1, bodies.sweep());
            assertTrue(!documents.contains(first) && documents.contains(second));
        }
    }

    @Test
    void aBodyAnOlderReleaseKeptUnderMetadataIsReadAndMovedIntoTheStore() throws Exception {
        // Data from before the documents store: the state row names a body kept at metadata/<digest of key>.
        EcosystemRuntime eco = runtime();
        byte[] old = "{\"name\":\"pkg\",\"files\":{\"legacy\":1}}".getBytes(StandardCharsets.UTF_8);
        String sha = MetadataService.sha256(old);
        String key = FilesEcosystem.metadata("pkg").cacheKey();
        java.nio.file.Path legacy = java.nio.file.Files.createDirectories(data.resolve("metadata")).resolve(MetadataService.bodyName("files", key));
        java.nio.file.Files.write(legacy, old);
        try (SqliteStateStore state = new SqliteStateStore(data)) {
            state.putMetadata(new MetadataState("files", key, "pkg", sha, "application/json", null, null, clock.instant(), clock.instant()));
            MetadataService s = service(state);
            s.load(eco, FilesEcosystem.metadata("pkg"));
            assertEquals(0, requests.get(), "answered from the stored copy, still fresh");
            assertTrue(new FileBlobStore(data, "documents", false).contains(sha), "moved into the store");
            assertTrue(!java.nio.file.Files.exists(legacy), "and gone from the old folder");
        }
    }

    @Test
    void aBodyACrashToreIsFetchedAgainAndStoredWhole() throws Exception {
        // Bodies are not fsynced: after a crash the state row may name a body cut short. The next
        // process must neither serve it nor keep it (a blob of that name would block storing the
        // whole one again): it is deleted and the document fetched again, then served from disk.
        EcosystemRuntime eco = runtime();
        String sha;
        try (SqliteStateStore state = new SqliteStateStore(data)) {
            service(state).load(eco, FilesEcosystem.metadata("pkg"));
            sha = state.findMetadata("files", FilesEcosystem.metadata("pkg").cacheKey()).orElseThrow().bodySha256();
        }
        java.nio.file.Path blob = FileBlobStore.refetchable(data, "documents", false).pathOf(sha);
        byte[] whole = java.nio.file.Files.readAllBytes(blob);
        java.nio.file.Files.write(blob, java.util.Arrays.copyOf(whole, whole.length / 2));
        try (SqliteStateStore state = new SqliteStateStore(data)) {
            MetadataEntry.Loaded l = service(state).load(eco, FilesEcosystem.metadata("pkg"));
            assertEquals(CacheStatus.MISS, l.status(), "fetched again, not served torn");
            assertEquals(2, requests.get());
            assertEquals(java.util.Arrays.toString(whole), java.util.Arrays.toString(java.nio.file.Files.readAllBytes(blob)),
                    "the whole body is stored under its name again");
        }
        try (SqliteStateStore state = new SqliteStateStore(data)) {
            assertEquals(CacheStatus.HIT, service(state).load(eco, FilesEcosystem.metadata("pkg")).status());
            assertEquals(2, requests.get());
        }
    }
}
