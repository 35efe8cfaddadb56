package dev.airlock.core.server;

import dev.airlock.config.ConfigLoader;
import dev.airlock.config.UpstreamConfig;
import dev.airlock.core.ecosystem.EcosystemContext;
import dev.airlock.core.metrics.AirlockMetrics;
import dev.airlock.core.proxy.ArtifactService;
import dev.airlock.core.proxy.EcosystemRuntime;
import dev.airlock.core.proxy.FileFactsService;
import dev.airlock.core.policy.PolicyEngine;
import dev.airlock.core.policy.PolicyService;
import dev.airlock.core.proxy.MetadataService;
import dev.airlock.core.store.BlobStore;
import dev.airlock.core.store.FileBlobStore;
import dev.airlock.core.store.sql.SqliteStateStore;
import dev.airlock.core.testing.FilesEcosystem;
import dev.airlock.core.testing.NettyLeaks;
import org.junit.jupiter.api.AfterAll;
import dev.airlock.core.upstream.UpstreamClient;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.DecoderResult;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.TooLongHttpHeaderException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The request handler on an EmbeddedChannel: statuses, error bodies, buffer ownership. */
class RequestHandlerTest {

    @AfterAll
    static void noBufferLeaked() throws InterruptedException {
        NettyLeaks.assertNone();
    }

    @TempDir
    Path data;

    private SqliteStateStore state;
    private ExecutorService workers;
    private ScheduledExecutorService watchdog;
    private AccessLog accessLog;
    private final java.io.ByteArrayOutputStream accessLines = new java.io.ByteArrayOutputStream();
    private EmbeddedChannel channel;

    @BeforeEach
    void setUp() {
        state = new SqliteStateStore(data);
        workers = Executors.newFixedThreadPool(2);
        watchdog = Executors.newSingleThreadScheduledExecutor();
        AirlockMetrics metrics = new AirlockMetrics();
        FilesEcosystem eco = new FilesEcosystem();
        UpstreamConfig none = UpstreamConfig.empty();
        EcosystemRuntime runtime = new EcosystemRuntime(eco, new UpstreamClient("files",
                eco.defaultUpstream(new EcosystemContext(none, Map.of(), data, Clock.systemUTC())), none, Clock.systemUTC(), watchdog, metrics, "airlock-test"), false);
        FileFactsService facts = new FileFactsService(state, Clock.systemUTC(), metrics, workers);
        PolicyEngine engine = new PolicyEngine(ConfigLoader.defaults().policy(), false);
        dev.airlock.core.policy.PackageEvents events = new dev.airlock.core.policy.PackageEvents();
        java.util.function.Function<String, dev.airlock.core.ecosystem.Ecosystem> ecosystems = id -> id.equals(eco.id()) ? eco : null;
        dev.airlock.core.policy.ContentLedger ledger = new dev.airlock.core.policy.ContentLedger(state, state, Clock.systemUTC(), ecosystems,
                metrics, events);
        dev.airlock.core.policy.Attestations attestations = new dev.airlock.core.policy.Attestations((e, path) -> null, ecosystems, engine,
                state, state, Clock.systemUTC(), events);
        MetadataService metadata = new MetadataService(state, new dev.airlock.core.proxy.MetadataBodies(
                new FileBlobStore(data, "documents", false), data, state, Clock.systemUTC()), Clock.systemUTC(), Duration.ofMinutes(5), 1 << 20,
                metrics, facts);
        BlobStore blobs = new FileBlobStore(data);
        ArtifactService artifacts = new ArtifactService(state, blobs, metadata, facts, ledger, attestations, Clock.systemUTC(), metrics, workers,
                workers);
        PolicyService policy = new PolicyService(engine, state, Clock.systemUTC(), true, new PolicyService.Collaborators((e, pkg) -> null,
                (e, route) -> { }, ledger, attestations, ecosystems, metrics, events, metadata::invalidateRenderings, Runnable::run));
        Services services = new Services(List.of(runtime), new dev.airlock.core.flow.RequestFlow(metadata, artifacts, policy, metrics, Runnable::run),
                metadata, artifacts, state, blobs, metrics, workers, workers, "airlock-test");
        accessLog = new AccessLog(accessLines);
        channel = new EmbeddedChannel(new RequestHandler(new Router(ConfigLoader.defaults().server(), services), services, accessLog, null, new RequestIds()));
    }

    @AfterEach
    void tearDown() {
        channel.finishAndReleaseAll();
        accessLog.close();
        workers.shutdownNow();
        watchdog.shutdownNow();
        state.close();
    }

    private FullHttpResponse exchange(HttpMethod method, String uri, String... headers) throws InterruptedException {
        FullHttpRequest req = new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, method, uri);
        req.headers().set("Host", "localhost"); // HTTP/1.1 needs one (HttpConformanceTest)
        for (int i = 0; i < headers.length; i += 2) {
            req.headers().set(headers[i], headers[i + 1]);
        }
        return exchange(req);
    }

    private FullHttpResponse exchange(FullHttpRequest req) throws InterruptedException {
        channel.writeInbound(req);
        // Offloaded answers come back through the channel's event loop: run its tasks until one arrives.
        for (int i = 0; i < 500; i++) {
            channel.runPendingTasks();
            Object out = channel.readOutbound();
            if (out != null) {
                return (FullHttpResponse) out;
            }
            Thread.sleep(10);
        }
        throw new AssertionError("no response to " + req.uri());
    }

    private static String body(FullHttpResponse r) {
        try {
            return r.content().toString(StandardCharsets.UTF_8);
        } finally {
            r.release();
        }
    }

    @Test
    void errorsAreJsonWithoutStackTraces() throws Exception {
        // A refused path, an unknown route and a route's own rejection all answer {"error": ...} with the right status.
        FullHttpResponse bad = exchange(HttpMethod.GET, "/files/%2e%2e/x");
        assertEquals(400, bad.status().code());
        assertEquals("application/json; charset=utf-8", bad.headers().get("content-type"));
        assertTrue(body(bad).contains("\"error\":\"invalid request path\""));
        FullHttpResponse nowhere = exchange(HttpMethod.GET, "/nowhere");
        assertEquals(404, nowhere.status().code());
        assertTrue(body(nowhere).contains("/files/"));
        FullHttpResponse rejected = exchange(HttpMethod.GET, "/files/a/b/c");
        assertEquals(404, rejected.status().code());
        assertTrue(body(rejected).contains("no such route"));
    }

    @Test
    void missingUpstreamIsA503ThatSaysWhatToConfigure() throws Exception {
        // Work that blocks runs on the worker pool and its answer is written back on the event loop.
        FullHttpResponse r = exchange(HttpMethod.GET, "/files/pkg");
        assertEquals(503, r.status().code());
        assertTrue(body(r).contains("set upstreams.files.url"));
    }

    @Test
    void headAnswersCarryNoBody() throws Exception {
        // HEAD gets the same status and length as GET, and no bytes.
        FullHttpResponse r = exchange(HttpMethod.HEAD, "/nowhere");
        assertEquals(404, r.status().code());
        assertEquals(0, r.content().readableBytes());
        assertTrue(Integer.parseInt(r.headers().get("content-length")) > 0);
        r.release();
    }

    @Test
    void malformedRequestsAreAnsweredAndClosed() throws Exception {
        // A request the codec could not decode gets the matching 4xx and the connection is closed after it.
        FullHttpRequest req = new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.GET, "/files/x");
        req.setDecoderResult(DecoderResult.failure(new TooLongHttpHeaderException("too long")));
        FullHttpResponse r = exchange(req);
        assertEquals(431, r.status().code());
        assertEquals("close", r.headers().get("connection"));
        r.release();
        channel.runPendingTasks();
        assertFalse(channel.isOpen());
    }

    @Test
    void requestLoopsAreRefused() throws Exception {
        // A request that already passed through this very Airlock (its Via token) is refused instead of proxied in circles.
        FullHttpResponse r = exchange(HttpMethod.GET, "/files/pkg", "Via", "1.1 other, 1.1 airlock-test");
        assertEquals(508, r.status().code());
        r.release();
        FullHttpResponse chained = exchange(HttpMethod.GET, "/files/pkg", "Via", "1.1 airlock-0f0f0f0f");
        assertEquals(503, chained.status().code(), "another Airlock in front of this one is not a loop");
        chained.release();
    }

    @Test
    void oneAccessLogLinePerRequest() throws Exception {
        // Each answered request leaves one line: client, request line, status, bytes, time, ecosystem, route, cache.
        exchange(HttpMethod.GET, "/files/%2e%2e/x").release();
        exchange(HttpMethod.GET, "/-/health/live").release();
        channel.runPendingTasks();
        accessLog.close();
        String[] lines = accessLines.toString(StandardCharsets.UTF_8).split("\n");
        assertEquals(2, lines.length, String.join("\n", lines));
        assertTrue(lines[0].matches(".* \"GET /files/%2e%2e/x\" 400 \\d+ \\d+\\.\\d{3}ms - core -"), lines[0]);
        assertTrue(lines[1].contains("\"GET /-/health/live\" 200 "), lines[1]);
    }

    @Test
    void healthAndLiveness() throws Exception {
        // Liveness answers from the event loop; readiness checks the state store on a worker.
        FullHttpResponse live = exchange(HttpMethod.GET, "/-/health/live");
        assertEquals(200, live.status().code());
        live.release();
        FullHttpResponse ready = exchange(HttpMethod.GET, "/-/health");
        assertEquals(200, ready.status().code());
        assertTrue(body(ready).contains("\"stateStore\":{\"status\":\"UP\"}"));
        state.close();
        FullHttpResponse down = exchange(HttpMethod.GET, "/-/health");
        assertEquals(503, down.status().code());
        assertTrue(body(down).contains("\"status\":\"DOWN\""));
    }
}
