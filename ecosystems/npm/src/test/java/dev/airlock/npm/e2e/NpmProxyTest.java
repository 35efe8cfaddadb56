package dev.airlock.npm.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import dev.airlock.config.AirlockConfig;
import dev.airlock.config.ConfigLoader;
import dev.airlock.core.testing.RunningAirlock;
import dev.airlock.core.testing.NettyLeaks;
import org.junit.jupiter.api.AfterAll;
import dev.airlock.npm.fixture.FixtureNpmRegistry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import java.util.zip.GZIPInputStream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Airlock's npm route over HTTP, against a fixture registry on loopback. */
class NpmProxyTest {

    private static final ObjectMapper M = new ObjectMapper();
    private static final String CORGI = "application/vnd.npm.install-v1+json; q=1.0, application/json; q=0.8, */*";

    @AfterAll
    static void noBufferLeaked() throws InterruptedException {
        NettyLeaks.assertNone();
    }

    @TempDir
    Path tmp;

    private FixtureNpmRegistry registry;
    private RunningAirlock airlock;

    @BeforeEach
    void start() throws Exception {
        registry = FixtureNpmRegistry.builder()
                .pkg("left-pad", p -> p.version("1.0.0").version("1.1.0", v -> v.script("postinstall", "node hook.js").file("hook.js", "1"))
                        .distTag("next", "1.1.0").distTag("latest", "1.0.0"))
                .pkg("@acme/util", p -> p.version("2.0.0", v -> v.file("big.bin", new byte[300_000])))
                .start();
        airlock = audited(tmp.resolve("data"), Duration.ofMinutes(5));
    }

    /**
     * Audit mode: these tests are about proxying, so the policy decides and records but serves
     * everything (left-pad 1.1.0 adds a postinstall, which enforce mode would hold) and fetches
     * nothing for inspection on its own.
     */
    private RunningAirlock audited(Path data, Duration ttl) throws Exception {
        return RunningAirlock.start(ConfigLoader.parse("server: { port: 0 }\npolicy: { mode: audit }\nupstreams: { npm: { url: '"
                + registry.baseUrl() + "' } }\n", "audit.yaml").withStoragePath(data)
                .withCache(new dev.airlock.config.CacheConfig(ttl, 64L * 1024 * 1024)));
    }

    @AfterEach
    void stop() {
        airlock.close();
        registry.close();
    }

    private static String text(HttpResponse<byte[]> r) {
        return new String(r.body(), StandardCharsets.UTF_8);
    }

    @Test
    void packumentPointsTarballsAtAirlockAndKeepsEverythingElse() throws Exception {
        // dist.tarball is rewritten to the URL the client used; the rest of the document is upstream's.
        HttpResponse<byte[]> r = airlock.get("/npm/left-pad", "Accept", "application/json");
        assertEquals(200, r.statusCode());
        assertEquals("application/json", r.headers().firstValue("content-type").orElseThrow());
        assertTrue(r.headers().firstValue("vary").orElseThrow().contains("Accept"));
        JsonNode doc = M.readTree(r.body());
        assertEquals(airlock.uri("/npm/left-pad/-/left-pad-1.1.0.tgz").toString(), doc.at("/versions/1.1.0/dist/tarball").asText());
        JsonNode upstream = M.readTree(HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(registry.baseUrl() + "left-pad")).build(),
                HttpResponse.BodyHandlers.ofByteArray()).body());
        assertEquals(upstream.at("/versions/1.1.0/dist/integrity"), doc.at("/versions/1.1.0/dist/integrity"));
        assertEquals(upstream.get("time"), doc.get("time"));
        assertEquals(upstream.get("dist-tags"), doc.get("dist-tags"));
        // Audit mode served 1.1.0 but recorded that enforce mode would hold it.
        java.io.StringWriter out = new java.io.StringWriter();
        int code = new picocli.CommandLine(new dev.airlock.cli.Main()).setOut(new java.io.PrintWriter(out))
                .execute("quarantine", "list", "--data", tmp.resolve("data").toString());
        assertEquals(0, code);
        assertTrue(out.toString().contains("left-pad@1.1.0") && out.toString().contains("adds a postinstall script"), out.toString());
    }

    @Test
    void tarballLinksFollowPublicUrlOrAValidHostHeader() throws Exception {
        // Links use server.publicUrl when set; else the Host the client used. A Host that is not a host name is refused
        // (400, RFC 9112 §3.2), never echoed into a link.
        String viaHost = rawBody("GET /npm/left-pad HTTP/1.1\r\nHost: mirror.internal:8443\r\nConnection: close\r\n\r\n");
        assertTrue(viaHost.contains("\"http://mirror.internal:8443/npm/left-pad/-/left-pad-1.0.0.tgz\""), viaHost);
        assertEquals(400, rawStatus("GET /npm/left-pad HTTP/1.1\r\nHost: evil\"/><x\r\nConnection: close\r\n\r\n"));
        String hostile = rawBody("GET /npm/left-pad HTTP/1.1\r\nHost: evil\"/><x\r\nConnection: close\r\n\r\n");
        assertFalse(hostile.contains("evil"), hostile);
        airlock.close();
        AirlockConfig c = ConfigLoader.parse("server: { port: 0, publicUrl: 'https://airlock.example.com/registry' }\nupstreams: { npm: { url: '"
                + registry.baseUrl() + "' } }\n", "public.yaml").withStoragePath(tmp.resolve("public"));
        airlock = RunningAirlock.start(c);
        JsonNode doc = M.readTree(airlock.get("/npm/left-pad").body());
        assertEquals("https://airlock.example.com/registry/npm/left-pad/-/left-pad-1.0.0.tgz", doc.at("/versions/1.0.0/dist/tarball").asText());
    }

    @Test
    void abbreviatedAndFullAreCachedApart() throws Exception {
        // The corgi document is its own cache entry with its own content type; hasInstallScript is synthesised.
        HttpResponse<byte[]> corgi = airlock.get("/npm/left-pad", "Accept", CORGI);
        assertEquals("application/vnd.npm.install-v1+json", corgi.headers().firstValue("content-type").orElseThrow());
        JsonNode c = M.readTree(corgi.body());
        assertTrue(c.at("/versions/1.1.0/hasInstallScript").asBoolean());
        assertNull(c.get("time"));
        HttpResponse<byte[]> full = airlock.get("/npm/left-pad", "Accept", "application/json");
        assertTrue(M.readTree(full.body()).has("time"));
        airlock.get("/npm/left-pad", "Accept", CORGI);
        airlock.get("/npm/left-pad", "Accept", "application/json");
        assertEquals(2, registry.packumentRequests("left-pad"), "one upstream fetch per variant, then cache hits");
    }

    @Test
    void aVersionPublishedAfterTheCachedCopyIsFoundByRevalidating() throws Exception {
        // The packument is fresh in Airlock's cache, a new version appears upstream, npm asks for its tarball: 200, not 404.
        assertEquals(200, airlock.get("/npm/left-pad").statusCode());
        registry.publish("left-pad", "1.2.0", v -> v.file("index.js", "module.exports = 3;"));
        HttpResponse<byte[]> r = airlock.get("/npm/left-pad/-/left-pad-1.2.0.tgz");
        assertEquals(200, r.statusCode(), text(r));
        assertArrayEquals(registry.tarball("left-pad", "1.2.0"), r.body());
        assertEquals(404, airlock.get("/npm/left-pad/-/left-pad-7.0.0.tgz").statusCode());
    }

    @Test
    void everySpellingOfAScopedNameIsOneDocument() throws Exception {
        // @scope%2fname, %2F and a literal slash are the same package and the same cache entry.
        byte[] a = airlock.get("/npm/@acme%2futil").body();
        byte[] b = airlock.get("/npm/@acme%2Futil").body();
        byte[] c = airlock.get("/npm/@acme/util").body();
        assertArrayEquals(a, b);
        assertArrayEquals(a, c);
        assertEquals("@acme/util", M.readTree(a).get("name").asText());
        assertEquals(1, registry.packumentRequests("@acme/util"));
        HttpResponse<byte[]> tgz = airlock.get("/npm/@acme/util/-/util-2.0.0.tgz");
        assertEquals(200, tgz.statusCode());
        assertArrayEquals(registry.tarball("@acme/util", "2.0.0"), tgz.body());
    }

    @Test
    void conditionalRequestsAndGzip() throws Exception {
        // Clients get ETags and 304s; gzip when they accept it; HEAD mirrors GET without a body.
        HttpResponse<byte[]> first = airlock.get("/npm/left-pad");
        String etag = first.headers().firstValue("etag").orElseThrow();
        assertEquals(304, airlock.get("/npm/left-pad", "If-None-Match", etag).statusCode());
        HttpResponse<byte[]> gz = airlock.get("/npm/left-pad", "Accept-Encoding", "gzip,deflate");
        assertEquals("gzip", gz.headers().firstValue("content-encoding").orElseThrow());
        try (InputStream in = new GZIPInputStream(new ByteArrayInputStream(gz.body()))) {
            assertArrayEquals(first.body(), in.readAllBytes());
        }
        HttpResponse<byte[]> head = send("HEAD", "/npm/left-pad");
        assertEquals(200, head.statusCode());
        assertEquals(0, head.body().length);
        assertEquals(Integer.toString(first.body().length), head.headers().firstValue("content-length").orElseThrow());

        HttpResponse<byte[]> tgz = airlock.get("/npm/left-pad/-/left-pad-1.0.0.tgz");
        String tag = tgz.headers().firstValue("etag").orElseThrow();
        assertEquals(304, airlock.get("/npm/left-pad/-/left-pad-1.0.0.tgz", "If-None-Match", tag).statusCode());
        HttpResponse<byte[]> tgzHead = send("HEAD", "/npm/left-pad/-/left-pad-1.0.0.tgz");
        assertEquals(Integer.toString(tgz.body().length), tgzHead.headers().firstValue("content-length").orElseThrow());
        assertEquals(0, tgzHead.body().length);
    }

    @Test
    void pipelinedRequestsAreAnsweredInOrderAnd304KeepsTheConnection() throws Exception {
        // A slow answer (upstream miss) and a fast one sent back to back come back in request order;
        // a 304 leaves the connection open for the next request.
        // The ETag belongs to the rendering for Host "x" (links differ per host).
        String head = rawHead("GET /npm/@acme/util HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
        String etag = head.substring(head.indexOf("etag: ") + 6, head.indexOf('\n', head.indexOf("etag: "))).strip();
        registry.delay(Duration.ofMillis(300));
        String all;
        try (Socket s = new Socket("127.0.0.1", airlock.port())) {
            s.setSoTimeout(10_000);
            s.getOutputStream().write(("GET /npm/left-pad HTTP/1.1\r\nHost: x\r\n\r\n"
                    + "GET /npm/@acme/util HTTP/1.1\r\nHost: x\r\nIf-None-Match: " + etag + "\r\n\r\n"
                    + "GET /-/health/live HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            all = new String(s.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
        }
        int first = all.indexOf("HTTP/1.1 200");
        int second = all.indexOf("HTTP/1.1 304");
        int third = all.indexOf("HTTP/1.1 200", second);
        assertTrue(first == 0 && second > first && third > second, all);
        assertTrue(all.substring(first, second).contains("\"name\":\"left-pad\""), "the first answer is the first request's");
        assertTrue(all.endsWith("{\"status\":\"UP\"}"), all);
    }

    @Test
    void revalidatesUpstreamAndServesStaleWhenItFails() throws Exception {
        // After the TTL Airlock asks upstream with If-None-Match; when upstream fails it serves the stale copy.
        airlock.close();
        airlock = audited(tmp.resolve("data2"), Duration.ZERO);
        assertEquals(200, airlock.get("/npm/left-pad").statusCode());
        HttpResponse<byte[]> again = airlock.get("/npm/left-pad");
        assertEquals(200, again.statusCode());
        assertEquals("revalidated", again.headers().firstValue("x-airlock-cache").orElseThrow());
        // With a TTL of 0 every read asks again, the policy's own reads too (audit mode decides as enforce does).
        assertTrue(registry.notModified("left-pad") >= 1);

        registry.failAll(500);
        HttpResponse<byte[]> stale = airlock.get("/npm/left-pad");
        assertEquals(200, stale.statusCode());
        assertEquals("stale", stale.headers().firstValue("x-airlock-cache").orElseThrow());
        HttpResponse<byte[]> none = airlock.get("/npm/never-seen");
        assertEquals(502, none.statusCode());
        assertTrue(text(none).contains("\"error\""), text(none));

        registry.stop();
        assertEquals("stale", airlock.get("/npm/left-pad").headers().firstValue("x-airlock-cache").orElseThrow());
        HttpResponse<byte[]> down = airlock.get("/npm/other");
        assertTrue(down.statusCode() == 502 || down.statusCode() == 503, down.statusCode() + " " + text(down));
    }

    @Test
    void repeatedFailuresOpenTheCircuit() throws Exception {
        // After failureThreshold consecutive upstream failures Airlock stops asking for a cool-down and says so.
        registry.failAll(503);
        for (int i = 0; i < 5; i++) {
            assertEquals(502, airlock.get("/npm/pkg-" + i).statusCode());
        }
        int before = registry.log().size();
        HttpResponse<byte[]> fast = airlock.get("/npm/pkg-x");
        assertEquals(503, fast.statusCode());
        assertTrue(text(fast).contains("failed repeatedly"), text(fast));
        assertEquals(before, registry.log().size(), "no request reached the upstream while the circuit is open");
        assertTrue(text(airlock.get("/-/health")).contains("\"circuit\":\"open\""));
    }

    @Test
    void internalErrorsForOnePackageDoNotOpenTheCircuit() throws Exception {
        // A 500 says nothing about the upstream's health: repeated ones are passed on as 502s, never turned into fail-fast.
        registry.failAll(500);
        for (int i = 0; i < 7; i++) {
            assertEquals(502, airlock.get("/npm/pkg-" + i).statusCode());
        }
        assertEquals(7, registry.log().size(), "every request reached the upstream");
        registry.clearFaults();
        assertEquals(200, airlock.get("/npm/left-pad").statusCode());
    }

    @Test
    void truncatedDownloadLeavesNoCacheEntry() throws Exception {
        // A download cut off half-way is an error for the client and leaves neither a blob nor a temp file.
        registry.truncateTarball("@acme/util", "2.0.0");
        HttpResponse<byte[]> r = airlock.get("/npm/@acme/util/-/util-2.0.0.tgz");
        assertEquals(502, r.statusCode(), text(r));
        assertFalse(text(r).contains("Exception"), "no stack trace reaches the client: " + text(r));
        assertEquals(0, files(airlock.dataDir().resolve("blobs")));
        assertEquals(0, files(airlock.dataDir().resolve("tmp")));
        registry.clearFaults();
        HttpResponse<byte[]> ok = airlock.get("/npm/@acme/util/-/util-2.0.0.tgz");
        assertEquals(200, ok.statusCode());
        assertArrayEquals(registry.tarball("@acme/util", "2.0.0"), ok.body());
        assertEquals(2, registry.tarballRequests("@acme/util", "2.0.0"));
    }

    @Test
    void fiftyConcurrentMissesMakeOneUpstreamRequest() throws Exception {
        // Concurrent requests for one uncached tarball share one download (and the packument's single fetch).
        registry.delay(Duration.ofMillis(400));
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        ExecutorService pool = Executors.newFixedThreadPool(50);
        CountDownLatch go = new CountDownLatch(1);
        List<Future<HttpResponse<byte[]>>> results = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            results.add(pool.submit(() -> {
                go.await();
                return http.send(HttpRequest.newBuilder(airlock.uri("/npm/@acme/util/-/util-2.0.0.tgz")).build(),
                        HttpResponse.BodyHandlers.ofByteArray());
            }));
        }
        go.countDown();
        byte[] expected = MessageDigest.getInstance("SHA-256").digest(registry.tarball("@acme/util", "2.0.0"));
        for (Future<HttpResponse<byte[]>> f : results) {
            HttpResponse<byte[]> r = f.get();
            assertEquals(200, r.statusCode());
            assertArrayEquals(expected, MessageDigest.getInstance("SHA-256").digest(r.body()));
        }
        pool.shutdown();
        assertEquals(1, registry.tarballRequests("@acme/util", "2.0.0"));
        assertEquals(1, registry.packumentRequests("@acme/util"));
        assertTrue(airlock.metrics().lines().anyMatch(l -> l.startsWith("airlock_coalesced_requests_total") && !l.endsWith(" 0.0")));
    }

    @Test
    void registryEndpointsAreProxiedAtTheMountAndAtTheRoot() throws Exception {
        // ping, keys, attestations, search and audit reach the upstream from /npm/-/... and from /-/...
        registry.keys("{\"keys\":[{\"keyid\":\"SHA256:test\"}]}");
        registry.attestations("@acme/util", "2.0.0", "{\"attestations\":[]}");
        assertEquals(200, airlock.get("/-/ping").statusCode());
        assertEquals(200, airlock.get("/npm/-/ping").statusCode());
        assertTrue(text(airlock.get("/-/npm/v1/keys")).contains("SHA256:test"));
        assertTrue(text(airlock.get("/npm/-/npm/v1/keys")).contains("SHA256:test"));
        assertEquals("{\"attestations\":[]}", text(airlock.get("/-/npm/v1/attestations/@acme%2futil@2.0.0")));
        assertEquals(404, airlock.get("/-/npm/v1/attestations/left-pad@1.0.0").statusCode());
        assertTrue(text(airlock.get("/-/v1/search?text=left")).contains("left-pad"));
        java.io.ByteArrayOutputStream gz = new java.io.ByteArrayOutputStream();
        try (java.util.zip.GZIPOutputStream out = new java.util.zip.GZIPOutputStream(gz)) {
            out.write("{\"left-pad\":[\"1.0.0\"]}".getBytes(StandardCharsets.UTF_8));
        }
        HttpResponse<byte[]> audit = HttpClient.newHttpClient().send(HttpRequest.newBuilder(airlock.uri("/-/npm/v1/security/advisories/bulk"))
                .header("content-type", "application/json").header("content-encoding", "gzip")
                .POST(HttpRequest.BodyPublishers.ofByteArray(gz.toByteArray())).build(), HttpResponse.BodyHandlers.ofByteArray());
        assertEquals(200, audit.statusCode());
        // npm gzips audit bodies: the encoding header travels with the body, so upstream can read it.
        assertTrue(registry.log().stream().anyMatch(r -> r.path().equals("/-/npm/v1/security/advisories/bulk")
                && "gzip".equals(r.header("content-encoding")) && r.bodyText().contains("left-pad")));
        assertEquals(400, rawStatus("GET /-/v1/search?text=a|b HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"),
                "a query a URI cannot carry is a 400, not a 500");
    }

    @Test
    void hostileRequestsGetCleanErrors() throws Exception {
        // What exists beside the data directory before the attack must be all that exists after it.
        java.util.Set<String> beside = siblingsOf(airlock.dataDir());
        // Traversal in every spelling, bad names, oversize lines and headers: a 4xx, no stack trace, nothing touched.
        for (String path : List.of("/npm/%2e%2e/%2e%2e/etc/passwd", "/npm/%252e%252e/x", "/npm/..%5c..%5cx", "/npm/a%00b",
                "/npm/%c0%ae%c0%ae/x", "/npm/./x", "/npm//x", "/npm/a\\b")) {
            int status = rawStatus("GET " + path + " HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
            assertEquals(400, status, path);
        }
        assertEquals(400, airlock.get("/npm/.bin").statusCode());
        assertEquals(400, airlock.get("/npm/@a/b/-/..tgz").statusCode());
        assertEquals(405, send("PUT", "/npm/left-pad").statusCode());
        assertEquals(404, airlock.get("/etc/passwd").statusCode());
        assertEquals(414, rawStatus("GET /npm/" + "a".repeat(9000) + " HTTP/1.1\r\nHost: x\r\n\r\n"));
        assertEquals(431, rawStatus("GET /npm/x HTTP/1.1\r\nHost: x\r\nX-Big: " + "b".repeat(20_000) + "\r\n\r\n"));
        assertEquals(413, rawStatus("POST /-/npm/v1/security/advisories/bulk HTTP/1.1\r\nHost: x\r\nContent-Length: 20000000\r\n\r\n"));
        airlock.get("/npm/left-pad");
        String via = registry.log().get(0).header("via");
        assertTrue(via.matches("1\\.1 airlock-[0-9a-f]{8}"), via);
        assertEquals(508, airlock.get("/npm/left-pad", "Via", via).statusCode(), "Airlock's own Via coming back is a loop");
        HttpResponse<byte[]> missing = airlock.get("/npm/left-pad/-/left-pad-9.9.9.tgz");
        assertEquals(404, missing.statusCode());
        assertTrue(text(missing).contains("not listed"), text(missing));
        assertEquals(beside, siblingsOf(airlock.dataDir()), "nothing was written outside the data directory");
    }

    @Test
    void tarballUrlsOnForeignHostsAreNeverFetched() throws Exception {
        // A packument that points a tarball at a host not configured for npm cannot make Airlock fetch it (no SSRF).
        AtomicInteger victimHits = new AtomicInteger();
        HttpServer victim = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        victim.createContext("/", ex -> {
            victimHits.incrementAndGet();
            ex.sendResponseHeaders(200, -1);
            ex.close();
        });
        victim.start();
        HttpServer evil = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        String doc = "{\"name\":\"evil\",\"dist-tags\":{\"latest\":\"1.0.0\"},\"versions\":{\"1.0.0\":{\"name\":\"evil\",\"version\":\"1.0.0\","
                + "\"dist\":{\"shasum\":\"" + "ab".repeat(20) + "\",\"tarball\":\"http://127.0.0.1:" + victim.getAddress().getPort()
                + "/admin/evil-1.0.0.tgz\"}}}}";
        evil.createContext("/", ex -> {
            byte[] b = doc.getBytes(StandardCharsets.UTF_8);
            ex.getResponseHeaders().set("content-type", "application/json");
            ex.sendResponseHeaders(200, b.length);
            ex.getResponseBody().write(b);
            ex.close();
        });
        evil.start();
        try (RunningAirlock a = RunningAirlock.start(tmp.resolve("evil"), Duration.ofMinutes(5),
                Map.of("npm", URI.create("http://127.0.0.1:" + evil.getAddress().getPort() + "/")))) {
            HttpResponse<byte[]> r = a.get("/npm/evil/-/evil-1.0.0.tgz");
            assertEquals(502, r.statusCode());
            assertTrue(text(r).contains("not configured for npm"), text(r));
            assertEquals(0, victimHits.get());
        } finally {
            victim.stop(0);
            evil.stop(0);
        }
    }

    @Test
    void upstreamRequestsCarryViaAndConfiguredCredentials() throws Exception {
        // Airlock adds Via (loop protection) and sends the configured bearer token, read from the environment.
        airlock.close();
        AirlockConfig c = ConfigLoader.parse("server: { port: 0 }\nupstreams: { npm: { url: '" + registry.baseUrl()
                + "', auth: { token: secret-token } } }\n", "auth.yaml").withStoragePath(tmp.resolve("auth"));
        airlock = RunningAirlock.start(c);
        assertEquals(200, airlock.get("/npm/left-pad/-/left-pad-1.0.0.tgz").statusCode());
        // The packument and the tarball (fetched beside it, in either order), and the registry's
        // signing keys once the tarball is loaded and inspected.
        List<String> paths = registry.log().stream().map(FixtureNpmRegistry.RecordedRequest::path).toList();
        assertEquals(java.util.Set.of("/left-pad", "/-/npm/v1/keys", "/left-pad/-/left-pad-1.0.0.tgz"), java.util.Set.copyOf(paths));
        assertEquals(3, paths.size(), paths.toString());
        for (FixtureNpmRegistry.RecordedRequest r : registry.log()) {
            assertEquals("Bearer secret-token", r.header("authorization"), r.path());
            assertTrue(r.header("via").startsWith("1.1 airlock-"), r.path());
        }
    }

    @Test
    void untrustedUpstreamCertificateIsRefused() throws Exception {
        // TLS to the upstream is verified: a self-signed certificate is a 502, and no request is completed.
        Path ks = tmp.resolve("ks.p12");
        Process keytool = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "keytool").toString(), "-genkeypair",
                "-alias", "u", "-keyalg", "EC", "-dname", "CN=127.0.0.1", "-ext", "SAN=ip:127.0.0.1", "-validity", "2",
                "-storetype", "PKCS12", "-keystore", ks.toString(), "-storepass", "changeit", "-keypass", "changeit")
                .redirectErrorStream(true).start();
        keytool.getInputStream().readAllBytes();
        assertEquals(0, keytool.waitFor());
        java.security.KeyStore store = java.security.KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(ks)) {
            store.load(in, "changeit".toCharArray());
        }
        javax.net.ssl.KeyManagerFactory kmf = javax.net.ssl.KeyManagerFactory.getInstance(javax.net.ssl.KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(store, "changeit".toCharArray());
        javax.net.ssl.SSLContext ssl = javax.net.ssl.SSLContext.getInstance("TLS");
        ssl.init(kmf.getKeyManagers(), null, null);
        com.sun.net.httpserver.HttpsServer https = com.sun.net.httpserver.HttpsServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        https.setHttpsConfigurator(new com.sun.net.httpserver.HttpsConfigurator(ssl));
        AtomicInteger served = new AtomicInteger();
        https.createContext("/", ex -> {
            served.incrementAndGet();
            ex.sendResponseHeaders(200, -1);
            ex.close();
        });
        https.start();
        try (RunningAirlock a = RunningAirlock.start(tmp.resolve("tls"), Duration.ofMinutes(5),
                Map.of("npm", URI.create("https://127.0.0.1:" + https.getAddress().getPort() + "/")))) {
            HttpResponse<byte[]> r = a.get("/npm/left-pad");
            assertEquals(502, r.statusCode());
            assertTrue(text(r).contains("certification path") || text(r).contains("PKIX") || text(r).contains("certificate"), text(r));
            assertEquals(0, served.get());
        } finally {
            https.stop(0);
        }
    }

    @Test
    void withoutAnyUpstreamTheRouteSaysHowToConfigureOne() throws Exception {
        // No configured URL and nothing to discover (no npm on an empty PATH): 503 naming upstreams.npm.url.
        AirlockConfig c = ConfigLoader.defaults().withPort(0).withStoragePath(tmp.resolve("none"));
        try (RunningAirlock a = RunningAirlock.start(c)) {
            HttpResponse<byte[]> r = a.get("/npm/left-pad");
            assertEquals(503, r.statusCode());
            assertTrue(text(r).contains("upstreams.npm.url"), text(r));
            assertEquals(200, a.get("/-/health").statusCode());
        }
    }

    @Test
    void offlineServesOnlyWhatIsStoredAndNeverCallsUpstream() throws Exception {
        // With offline: true the stored packument and tarball are served; anything else is a 404; upstream sees nothing.
        assertEquals(200, airlock.get("/npm/left-pad/-/left-pad-1.0.0.tgz").statusCode());
        airlock.close();
        registry.reset();
        AirlockConfig c = ConfigLoader.parse("offline: true\nserver: { port: 0 }\nupstreams: { npm: { url: '" + registry.baseUrl() + "' } }\n",
                "offline.yaml").withStoragePath(tmp.resolve("data"));
        airlock = RunningAirlock.start(c);
        assertEquals(200, airlock.get("/npm/left-pad").statusCode());
        assertArrayEquals(registry.tarball("left-pad", "1.0.0"), airlock.get("/npm/left-pad/-/left-pad-1.0.0.tgz").body());
        HttpResponse<byte[]> notCached = airlock.get("/npm/left-pad/-/left-pad-1.1.0.tgz");
        assertEquals(404, notCached.statusCode());
        assertTrue(text(notCached).contains("not in this mirror"), text(notCached));
        assertEquals(404, airlock.get("/npm/@acme/util").statusCode());
        assertEquals(404, airlock.get("/-/npm/v1/keys").statusCode());
        assertEquals(0, registry.log().size(), "offline Airlock never contacts the upstream");
    }

    @Test
    void slowClientsAreDisconnected() throws Exception {
        // A request that trickles in slower than server.idleTimeout is dropped, freeing the connection.
        AirlockConfig c = ConfigLoader.parse("server: { port: 0, idleTimeout: 500ms }\nupstreams: { npm: { url: '" + registry.baseUrl() + "' } }\n",
                "test.yaml").withStoragePath(tmp.resolve("slow"));
        try (RunningAirlock a = RunningAirlock.start(c); Socket s = new Socket("127.0.0.1", a.port())) {
            s.setSoTimeout(5000);
            OutputStream out = s.getOutputStream();
            out.write("GET /npm/left-pad HTTP/1.1\r\nHost: x\r\n".getBytes(StandardCharsets.US_ASCII));
            out.flush();
            long start = System.nanoTime();
            assertEquals(-1, s.getInputStream().read(), "connection closed without an answer");
            assertTrue(Duration.ofNanos(System.nanoTime() - start).toMillis() < 4000);
        }
        try (RunningAirlock a = RunningAirlock.start(c.withStoragePath(tmp.resolve("slow2")))) {
            // An upstream slower than the idle timeout is Airlock working, not the client idling.
            registry.delay(Duration.ofMillis(1500));
            assertEquals(200, a.get("/npm/left-pad").statusCode());
            registry.clearFaults();
            // An idle keep-alive connection is closed after the timeout.
            try (Socket s = new Socket("127.0.0.1", a.port())) {
                s.setSoTimeout(5000);
                s.getOutputStream().write("GET /-/health/live HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
                InputStream in = s.getInputStream();
                byte[] head = new byte[12];
                assertEquals(12, in.readNBytes(head, 0, 12));
                assertEquals("HTTP/1.1 200", new String(head, StandardCharsets.US_ASCII));
                long start = System.nanoTime();
                while (in.read() >= 0) {
                    // drain the rest of the answer until the server closes the idle connection
                }
                assertTrue(Duration.ofNanos(System.nanoTime() - start).toMillis() < 4000);
            }
        }
    }

    @Test
    void healthAndMetricsDescribeTheProxy() throws Exception {
        // /-/health reports the state store; /-/metrics has requests, cache results, upstream latency and bytes.
        airlock.get("/npm/left-pad/-/left-pad-1.0.0.tgz");
        airlock.get("/npm/left-pad/-/left-pad-1.0.0.tgz");
        JsonNode health = M.readTree(airlock.get("/-/health").body());
        assertEquals("UP", health.get("status").asText());
        assertEquals("UP", health.at("/checks/stateStore/status").asText());
        String metrics = airlock.metrics();
        for (String needle : List.of("airlock_requests_total{ecosystem=\"npm\",route=\"artifact\",status=\"200\"} 2.0",
                "airlock_cache_lookups_total{ecosystem=\"npm\",kind=\"artifact\",result=\"hit\"}",
                "airlock_cache_lookups_total{ecosystem=\"npm\",kind=\"artifact\",result=\"miss\"} 1.0",
                "airlock_upstream_request_seconds_bucket", "airlock_served_bytes_total{ecosystem=\"npm\"}")) {
            assertTrue(metrics.contains(needle), needle + " in\n" + metrics);
        }
    }

    private HttpResponse<byte[]> send(String method, String path) throws Exception {
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(airlock.uri(path)).method(method, HttpRequest.BodyPublishers.noBody()).build(),
                HttpResponse.BodyHandlers.ofByteArray());
    }

    /** Sends a raw request and returns the response head (before the blank line). */
    private String rawHead(String request) throws Exception {
        try (Socket s = new Socket("127.0.0.1", airlock.port())) {
            s.setSoTimeout(10_000);
            s.getOutputStream().write(request.getBytes(StandardCharsets.ISO_8859_1));
            String all = new String(s.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            return all.substring(0, all.indexOf("\r\n\r\n"));
        }
    }

    /** Sends a raw request and returns the response body (after the blank line). */
    private String rawBody(String request) throws Exception {
        try (Socket s = new Socket("127.0.0.1", airlock.port())) {
            s.setSoTimeout(10_000);
            s.getOutputStream().write(request.getBytes(StandardCharsets.ISO_8859_1));
            s.getOutputStream().flush();
            String all = new String(s.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            return all.substring(all.indexOf("\r\n\r\n") + 4);
        }
    }

    /** Sends raw bytes (clients that do not normalise paths) and returns the status code. */
    private int rawStatus(String request) throws Exception {
        try (Socket s = new Socket("127.0.0.1", airlock.port())) {
            s.setSoTimeout(10_000);
            s.getOutputStream().write(request.getBytes(StandardCharsets.ISO_8859_1));
            s.getOutputStream().flush();
            byte[] head = s.getInputStream().readNBytes(12);
            String line = new String(head, StandardCharsets.ISO_8859_1);
            return Integer.parseInt(line.substring(9, 12));
        }
    }

    /** Every path in the directory holding {@code data}, outside {@code data} itself. */
    private static java.util.Set<String> siblingsOf(Path data) throws Exception {
        try (Stream<Path> s = Files.walk(data.getParent())) {
            return s.filter(p -> !p.startsWith(data)).map(Path::toString).collect(java.util.stream.Collectors.toSet());
        }
    }

    private static long files(Path dir) throws Exception {
        if (!Files.exists(dir)) {
            return 0;
        }
        try (Stream<Path> s = Files.walk(dir)) {
            return s.filter(Files::isRegularFile).count();
        }
    }
}
