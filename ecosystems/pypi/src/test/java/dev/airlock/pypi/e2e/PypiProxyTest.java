package dev.airlock.pypi.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import dev.airlock.core.testing.NettyLeaks;
import dev.airlock.core.testing.RunningAirlock;
import dev.airlock.pypi.fixture.Dists;
import dev.airlock.pypi.fixture.FixturePypiIndex;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Airlock's PyPI route over HTTP, against fixture indexes on loopback. */
class PypiProxyTest {

    private static final ObjectMapper M = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER).build();

    @AfterAll
    static void noBufferLeaked() throws InterruptedException {
        NettyLeaks.assertNone();
    }

    @TempDir
    Path tmp;

    /** A loopback upstream answering fixed (content type, body) pairs by path, 404 for anything else. */
    private static HttpServer canned(Map<String, Map.Entry<String, String>> byPath) throws Exception {
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/", ex -> {
            Map.Entry<String, String> answer = byPath.get(ex.getRequestURI().getPath());
            if (answer == null) {
                ex.sendResponseHeaders(404, -1);
            } else {
                byte[] body = answer.getValue().getBytes(StandardCharsets.UTF_8);
                ex.getResponseHeaders().set("Content-Type", answer.getKey());
                ex.sendResponseHeaders(200, body.length);
                ex.getResponseBody().write(body);
            }
            ex.close();
        });
        server.start();
        return server;
    }

    private static HttpResponse<byte[]> get(RunningAirlock a, String path, String accept) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(a.uri(path));
        if (accept != null) {
            b.header("Accept", accept);
        }
        return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
    }

    @Test
    void staticHtmlIndexWithRelativeLinksBecomesJsonAndHtml() throws Exception {
        // An HTML-only index with relative links works as upstream; clients get JSON or HTML as they ask, files on Airlock.
        try (FixturePypiIndex idx = FixturePypiIndex.builder().json(false).relativeLinks(true).coreMetadata(false)
                .project("Six.Pack", p -> p.release("1.0", r -> r.wheel().requiresPython(">=3.7")).release("0.9", r -> r.wheel().yanked("bad")))
                .start();
             RunningAirlock a = RunningAirlock.start(tmp.resolve("d"), Duration.ofMinutes(5), Map.of("pypi", URI.create(idx.simpleUrl())))) {
            HttpResponse<byte[]> json = get(a, "/pypi/simple/six-pack/", FixturePypiIndex.PIP_ACCEPT);
            assertEquals(200, json.statusCode());
            assertEquals("application/vnd.pypi.simple.v1+json", json.headers().firstValue("content-type").orElseThrow());
            JsonNode doc = M.readTree(json.body());
            String wheel = Dists.wheelFilename("Six.Pack", "1.0");
            JsonNode file = null;
            for (JsonNode f : doc.get("files")) {
                if (f.get("filename").asText().equals(wheel)) {
                    file = f;
                }
            }
            assertEquals(a.uri("/pypi/files/six-pack/" + wheel).toString(), file.get("url").asText());
            assertEquals(idx.sha256(wheel), file.at("/hashes/sha256").asText());
            assertEquals(">=3.7", file.get("requires-python").asText());
            String html = new String(get(a, "/pypi/simple/six-pack/", "text/html").body(), StandardCharsets.UTF_8);
            assertTrue(html.contains("data-yanked=\"bad\""), html);
            assertTrue(html.contains("data-requires-python=\"&gt;=3.7\""), html);
            HttpResponse<byte[]> viaFormat = get(a, "/pypi/simple/six-pack/?format=application/vnd.pypi.simple.v1%2Bjson", "text/html");
            assertEquals("application/vnd.pypi.simple.v1+json", viaFormat.headers().firstValue("content-type").orElseThrow());
            HttpResponse<byte[]> bytes = get(a, "/pypi/files/six-pack/" + wheel, null);
            assertEquals(200, bytes.statusCode());
            assertArrayEquals(idx.file(wheel), bytes.body());
            assertEquals(1, idx.fileRequests(wheel));
        }
    }

    private static JsonNode fileEntry(JsonNode page, String filename) {
        for (JsonNode f : page.get("files")) {
            if (f.get("filename").asText().equals(filename)) {
                return f;
            }
        }
        throw new AssertionError(filename + " is not listed: " + page);
    }

    @Test
    void whatAStaticIndexLeavesOutIsSynthesised() throws Exception {
        // A static tree gives no size, upload-time or core metadata. Airlock states when it first saw each file,
        // learns sizes with one HEAD per file in the background, and once it holds a wheel offers its METADATA
        // (PEP 658) with the hash of exactly the bytes it serves; the cached page is rendered again each time.
        try (FixturePypiIndex idx = FixturePypiIndex.builder().json(false).relativeLinks(true).coreMetadata(false)
                // Three releases: the newest and the one before it are read for the policy before they are listed;
                // 1.0 is fetched only when a client asks.
                .project("static-pkg", p -> p.release("1.0", r -> r.dependency("dep>=2").wheel().sdist())
                        .release("1.1", r -> r.wheel()).release("1.2", r -> r.wheel()))
                .start();
             RunningAirlock a = RunningAirlock.start(tmp.resolve("d"), Duration.ofMinutes(5), Map.of("pypi", URI.create(idx.simpleUrl())))) {
            java.time.Instant before = java.time.Instant.now();
            JsonNode page = M.readTree(get(a, "/pypi/simple/static-pkg/", FixturePypiIndex.PIP_ACCEPT).body());
            java.time.Instant after = java.time.Instant.now();
            for (JsonNode f : page.get("files")) {
                java.time.Instant t = java.time.Instant.parse(f.get("upload-time").asText());
                assertTrue(!t.isBefore(before.truncatedTo(java.time.temporal.ChronoUnit.MILLIS)) && !t.isAfter(after),
                        "upload-time is when Airlock first saw the file: " + f);
            }
            // Sizes arrive from background HEADs; the cached page is rendered again with them.
            long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
            while (!page.at("/meta/api-version").asText().equals("1.1") && System.nanoTime() < deadline) {
                Thread.sleep(50);
                page = M.readTree(get(a, "/pypi/simple/static-pkg/", FixturePypiIndex.PIP_ACCEPT).body());
            }
            assertEquals("1.1", page.at("/meta/api-version").asText(), page.toString());
            assertEquals(4, page.get("files").size());
            for (JsonNode f : page.get("files")) {
                assertEquals(idx.file(f.get("filename").asText()).length, f.get("size").asLong(), f.toString());
            }
            assertEquals("[\"1.0\",\"1.1\",\"1.2\"]", page.get("versions").toString());
            long heads = idx.log().stream().filter(r -> r.method().equals("HEAD")).count();
            for (JsonNode f : page.get("files")) {
                String path = "/files/" + f.get("filename").asText();
                long probes = idx.log().stream().filter(r -> r.method().equals("HEAD") && r.path().equals(path)).count();
                // One size probe per file; the newest release's wheel is also asked its size before it is read for the policy.
                assertTrue(probes >= 1 && probes <= 2, path + ": " + probes);
            }

            String wheel = Dists.wheelFilename("static-pkg", "1.0");
            assertTrue(fileEntry(page, wheel).path("core-metadata").isMissingNode(), "nothing to offer before Airlock holds the wheel");
            assertEquals(404, get(a, "/pypi/files/static-pkg/" + wheel + ".metadata", null).statusCode());
            assertArrayEquals(idx.file(wheel), get(a, "/pypi/files/static-pkg/" + wheel, null).body());

            JsonNode json = fileEntry(M.readTree(get(a, "/pypi/simple/static-pkg/", FixturePypiIndex.PIP_ACCEPT).body()), wheel);
            String advertised = json.at("/core-metadata/sha256").asText();
            assertEquals(advertised, json.at("/dist-info-metadata/sha256").asText());
            HttpResponse<byte[]> md = get(a, "/pypi/files/static-pkg/" + wheel + ".metadata", null);
            assertEquals(200, md.statusCode());
            assertArrayEquals(Dists.coreMetadata(idx.file(wheel)), md.body(), "the wheel's own METADATA");
            assertEquals(advertised, HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(md.body())));
            String html = new String(get(a, "/pypi/simple/static-pkg/", "text/html").body(), StandardCharsets.UTF_8);
            assertTrue(html.contains("data-core-metadata=\"sha256=" + advertised + "\""), html);
            String sdist = Dists.sdistFilename("static-pkg", "1.0");
            assertTrue(fileEntry(M.readTree(get(a, "/pypi/simple/static-pkg/", FixturePypiIndex.PIP_ACCEPT).body()), sdist)
                    .path("core-metadata").isMissingNode(), "sdists get none: their metadata may be dynamic");
            assertEquals(0, idx.metadataRequests(wheel), "upstream was never asked for a .metadata file");
            assertEquals(heads, idx.log().stream().filter(r -> r.method().equals("HEAD")).count(), "sizes are asked for once");
        }
    }

    @Test
    void aPageListingManyUnsizedFilesCostsUpstreamABoundedNumberOfProbes() throws Exception {
        // A page of 300 files without sizes once set off a HEAD for each, and a hostile one of 200,000 tens of thousands
        // in seconds: a refresh now starts at most 100 size probes (the newest files), rate-limited per upstream.
        try (FixturePypiIndex idx = FixturePypiIndex.builder().json(false).relativeLinks(true).coreMetadata(false)
                .project("many-files", p -> {
                    for (int i = 0; i < 300; i++) {
                        p.release("1.0." + i, r -> r.wheel());
                    }
                })
                .start();
             RunningAirlock a = RunningAirlock.start(tmp.resolve("d"), Duration.ofMinutes(5), Map.of("pypi", URI.create(idx.simpleUrl())))) {
            assertEquals(200, get(a, "/pypi/simple/many-files/", FixturePypiIndex.PIP_ACCEPT).statusCode());
            Thread.sleep(3000); // the background probes run (at most 20 a second)
            long heads = idx.log().stream().filter(r -> r.method().equals("HEAD")).count();
            // 100 size probes, plus the policy's own look at the newest release and the one before it.
            assertTrue(heads >= 20 && heads <= 102, "HEAD requests: " + heads);
            assertTrue(a.metrics().contains("airlock_size_probe_queue"), "the probe queue is a metric");
        }
    }

    @Test
    void namesAreNormalisedWithARedirect() throws Exception {
        // Non-normalised project URLs redirect to the PEP 503 form on Airlock; the project list links there too.
        try (FixturePypiIndex idx = FixturePypiIndex.builder().project("Fixture.A", p -> p.release("1.0", r -> r.wheel())).start();
             RunningAirlock a = RunningAirlock.start(tmp.resolve("d"), Duration.ofMinutes(5), Map.of("pypi", URI.create(idx.simpleUrl())))) {
            HttpResponse<byte[]> r = get(a, "/pypi/simple/Fixture_A/", null);
            assertEquals(301, r.statusCode());
            assertEquals("/pypi/simple/fixture-a/", r.headers().firstValue("location").orElseThrow());
            String list = new String(get(a, "/pypi/simple/", "text/html").body(), StandardCharsets.UTF_8);
            assertTrue(list.contains("href=\"" + a.uri("/pypi/simple/fixture-a/") + "\">Fixture.A</a>"), list);
        }
    }

    @Test
    void coreMetadataIsServedAndVerified() throws Exception {
        // PEP 658: the advertised hash is the hash of what Airlock serves at <file>.metadata.
        try (FixturePypiIndex idx = FixturePypiIndex.builder().project("meta-pkg", p -> p.release("2.0", r -> r.wheel().dependency("dep>=1"))).start();
             RunningAirlock a = RunningAirlock.start(tmp.resolve("d"), Duration.ofMinutes(5), Map.of("pypi", URI.create(idx.simpleUrl())))) {
            String wheel = Dists.wheelFilename("meta-pkg", "2.0");
            JsonNode page = M.readTree(get(a, "/pypi/simple/meta-pkg/", FixturePypiIndex.PIP_ACCEPT).body());
            String advertised = page.at("/files/0/core-metadata/sha256").asText();
            HttpResponse<byte[]> md = get(a, "/pypi/files/meta-pkg/" + wheel + ".metadata", null);
            assertEquals(200, md.statusCode());
            assertEquals(advertised, HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(md.body())));
            assertTrue(new String(md.body(), StandardCharsets.UTF_8).contains("Requires-Dist: dep>=1"));
        }
    }

    @Test
    void provenanceStaysReachableThroughAirlock() throws Exception {
        // PEP 740: the page's provenance URL points at Airlock, which proxies the Integrity API beside the index.
        String sha = "ab".repeat(32);
        String page = "{\"meta\":{\"api-version\":\"1.3\"},\"name\":\"prov\",\"versions\":[\"1.0\"],\"files\":[{\"filename\":"
                + "\"prov-1.0-py3-none-any.whl\",\"url\":\"/f/prov-1.0-py3-none-any.whl\",\"hashes\":{\"sha256\":\"" + sha + "\"},"
                + "\"yanked\":false,\"size\":1,\"upload-time\":\"2024-01-02T00:00:00.000000Z\",\"provenance\":"
                + "\"https://elsewhere.test/integrity/prov/1.0/prov-1.0-py3-none-any.whl/provenance\"}]}";
        String provenance = "{\"version\":1,\"attestation_bundles\":[]}";
        HttpServer upstream = canned(Map.of(
                "/simple/prov/", Map.entry("application/vnd.pypi.simple.v1+json", page),
                "/integrity/prov/1.0/prov-1.0-py3-none-any.whl/provenance", Map.entry("application/vnd.pypi.integrity.v1+json", provenance)));
        try (RunningAirlock a = RunningAirlock.start(tmp.resolve("d"), Duration.ofMinutes(5),
                Map.of("pypi", URI.create("http://127.0.0.1:" + upstream.getAddress().getPort() + "/simple/")))) {
            JsonNode doc = M.readTree(get(a, "/pypi/simple/prov/", FixturePypiIndex.PIP_ACCEPT).body());
            String url = doc.at("/files/0/provenance").asText();
            assertEquals(a.uri("/pypi/integrity/prov/1.0/prov-1.0-py3-none-any.whl/provenance").toString(), url);
            HttpResponse<byte[]> p = get(a, "/pypi/integrity/prov/1.0/prov-1.0-py3-none-any.whl/provenance", "application/vnd.pypi.integrity.v1+json");
            assertEquals(200, p.statusCode());
            assertEquals(provenance, new String(p.body(), StandardCharsets.UTF_8));
            assertEquals(400, get(a, "/pypi/integrity/prov/1.0/other-1.0.tar.gz/provenance", null).statusCode());
        } finally {
            upstream.stop(0);
        }
    }

    @Test
    void jsonApiIsProxiedWithFileUrlsOnAirlock() throws Exception {
        // /pypi/<project>/json and /pypi/<project>/<version>/json keep upstream's document with file URLs pointing at Airlock.
        String sha = "ab".repeat(32);
        String release = "[{\"filename\":\"demo-1.0-py3-none-any.whl\",\"url\":\"https://files.test/demo-1.0-py3-none-any.whl\","
                + "\"digests\":{\"sha256\":\"" + sha + "\"},\"yanked\":false},{\"filename\":\"evil-1.0.tar.gz\",\"url\":\"https://x.test/e\"}]";
        String all = "{\"info\":{\"name\":\"Demo\",\"version\":\"1.0\",\"summary\":\"s\"},\"releases\":{\"1.0\":" + release
                + "},\"urls\":" + release + "}";
        String one = "{\"info\":{\"name\":\"Demo\",\"version\":\"1.0\"},\"urls\":" + release + "}";
        HttpServer upstream = canned(Map.of(
                "/pypi/demo/json", Map.entry("application/json", all),
                "/pypi/demo/1.0/json", Map.entry("application/json", one)));
        try (RunningAirlock a = RunningAirlock.start(tmp.resolve("d"), Duration.ofMinutes(5),
                Map.of("pypi", URI.create("http://127.0.0.1:" + upstream.getAddress().getPort() + "/simple/")))) {
            JsonNode doc = M.readTree(get(a, "/pypi/Demo/json", null).body());
            assertEquals("s", doc.at("/info/summary").asText());
            assertEquals(a.uri("/pypi/files/demo/demo-1.0-py3-none-any.whl").toString(), doc.at("/urls/0/url").asText());
            assertEquals(a.uri("/pypi/files/demo/demo-1.0-py3-none-any.whl").toString(), doc.at("/releases/1.0/0/url").asText());
            assertEquals(sha, doc.at("/urls/0/digests/sha256").asText());
            assertTrue(doc.at("/urls/1/url").isMissingNode(), "a file of another project keeps no URL");
            JsonNode v = M.readTree(get(a, "/pypi/demo/1.0/json", null).body());
            assertEquals(a.uri("/pypi/files/demo/demo-1.0-py3-none-any.whl").toString(), v.at("/urls/0/url").asText());
            assertEquals(404, get(a, "/pypi/nothing/json", null).statusCode());
        } finally {
            upstream.stop(0);
        }
    }

    @Test
    void hostileAndBrokenInputGetCleanErrorsAndNothingIsCached() throws Exception {
        // Bad names and files are 4xx; a malformed upstream page is 502; a file URL on a foreign host is never fetched.
        AtomicInteger foreign = new AtomicInteger();
        HttpServer other = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        other.createContext("/", ex -> {
            foreign.incrementAndGet();
            ex.sendResponseHeaders(200, -1);
            ex.close();
        });
        other.start();
        String sha = "ab".repeat(32);
        HttpServer upstream = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        upstream.createContext("/", ex -> {
            String path = ex.getRequestURI().getPath();
            byte[] body = path.endsWith("/broken/") ? "{\"files\": 7".getBytes()
                    : ("<a href=\"http://127.0.0.1:" + other.getAddress().getPort() + "/evil-1.0.tar.gz#sha256=" + sha + "\">evil-1.0.tar.gz</a>").getBytes();
            ex.getResponseHeaders().set("Content-Type", path.endsWith("/broken/") ? "application/vnd.pypi.simple.v1+json" : "text/html");
            ex.sendResponseHeaders(200, body.length);
            ex.getResponseBody().write(body);
            ex.close();
        });
        upstream.start();
        try (RunningAirlock a = RunningAirlock.start(tmp.resolve("d"), Duration.ofMinutes(5),
                Map.of("pypi", URI.create("http://127.0.0.1:" + upstream.getAddress().getPort() + "/simple/")))) {
            assertEquals(400, get(a, "/pypi/simple/..%2f..%2fetc/", null).statusCode());
            assertEquals(400, get(a, "/pypi/simple/-x-/", null).statusCode());
            assertEquals(400, get(a, "/pypi/files/evil/other-1.0.tar.gz", null).statusCode());
            assertEquals(400, get(a, "/pypi/files/evil/evil-1.0.exe", null).statusCode());
            HttpResponse<byte[]> broken = get(a, "/pypi/simple/broken/", FixturePypiIndex.PIP_ACCEPT);
            assertEquals(502, broken.statusCode());
            assertTrue(new String(broken.body(), StandardCharsets.UTF_8).contains("malformed"));
            HttpResponse<byte[]> r = get(a, "/pypi/files/evil/evil-1.0.tar.gz", null);
            assertEquals(502, r.statusCode());
            assertTrue(new String(r.body(), StandardCharsets.UTF_8).contains("not configured for pypi"));
            assertEquals(0, foreign.get());
            try (Stream<Path> blobs = Files.walk(a.dataDir().resolve("blobs"))) {
                assertEquals(0, blobs.filter(Files::isRegularFile).count());
            }
        } finally {
            other.stop(0);
            upstream.stop(0);
        }
    }

    @Test
    void aPageFromTheSecondRootKeepsItsLinksAfterARestart() throws Exception {
        // Two indexes tried in order; only the second has the project, with relative links. After a restart the
        // stored page still resolves its links against the root it came from, not the first one.
        try (FixturePypiIndex first = FixturePypiIndex.builder().project("other", p -> p.release("1.0", r -> r.wheel())).start();
             FixturePypiIndex second = FixturePypiIndex.builder().json(false).relativeLinks(true)
                     .project("two-roots", p -> p.release("1.0", r -> r.wheel())).start()) {
            dev.airlock.config.AirlockConfig c = dev.airlock.config.ConfigLoader.defaults().withPort(0).withStoragePath(tmp.resolve("d"))
                    .withCache(new dev.airlock.config.CacheConfig(Duration.ofHours(1), 64L * 1024 * 1024))
                    .withUpstream("pypi", dev.airlock.config.UpstreamConfig.empty()
                            .withUrls(java.util.List.of(URI.create(first.simpleUrl()), URI.create(second.simpleUrl()))));
            String wheel = Dists.wheelFilename("two-roots", "1.0");
            try (RunningAirlock a = RunningAirlock.start(c)) {
                assertEquals(200, get(a, "/pypi/simple/two-roots/", FixturePypiIndex.PIP_ACCEPT).statusCode());
            }
            try (RunningAirlock a = RunningAirlock.start(c)) {
                HttpResponse<byte[]> r = get(a, "/pypi/files/two-roots/" + wheel, null);
                assertEquals(200, r.statusCode(), new String(r.body(), StandardCharsets.UTF_8));
                assertArrayEquals(second.file(wheel), r.body());
                assertEquals(0, first.fileRequests(wheel));
            }
        }
    }

    @Test
    void aFileAddedToAnOldReleaseIsHeldUntilItComesOfAge() throws Exception {
        // PyPI lets a project add files to an existing release (what a stolen token allows): the release is old,
        // the new file is not. Airlock holds the file by its own first sighting, not the release's upload time.
        dev.airlock.core.testing.MutableClock clock = new dev.airlock.core.testing.MutableClock(java.time.Instant.parse("2026-11-20T12:00:00Z"));
        String sdist = Dists.sdistFilename("old-proj", "1.0");
        try (FixturePypiIndex before = FixturePypiIndex.builder().project("old-proj", p -> p.release("1.0", r -> r.wheel())).start();
             FixturePypiIndex after = FixturePypiIndex.builder().project("old-proj", p -> p.release("1.0", r -> r.wheel().sdist())).start()) {
            try (RunningAirlock a = RunningAirlock.start(pypiConfig(before, Duration.ZERO), clock)) {
                assertEquals(200, get(a, "/pypi/simple/old-proj/", FixturePypiIndex.PIP_ACCEPT).statusCode());
            }
            clock.advance(Duration.ofHours(1));
            try (RunningAirlock a = RunningAirlock.start(pypiConfig(after, Duration.ZERO), clock)) {
                JsonNode page = M.readTree(get(a, "/pypi/simple/old-proj/", FixturePypiIndex.PIP_ACCEPT).body());
                assertEquals(1, page.get("files").size(), page.toString());
                HttpResponse<byte[]> held = get(a, "/pypi/files/old-proj/" + sdist, null);
                assertEquals(403, held.statusCode());
                assertTrue(new String(held.body(), StandardCharsets.UTF_8).contains("added after Airlock first saw the project"));
                clock.advance(Duration.ofHours(73));
                assertEquals(2, M.readTree(get(a, "/pypi/simple/old-proj/", FixturePypiIndex.PIP_ACCEPT).body()).get("files").size());
                assertEquals(200, get(a, "/pypi/files/old-proj/" + sdist, null).statusCode());
            }
        }
    }

    private dev.airlock.config.AirlockConfig pypiConfig(FixturePypiIndex idx, Duration ttl) {
        return dev.airlock.config.ConfigLoader.defaults().withPort(0).withStoragePath(tmp.resolve("restarted"))
                .withCache(new dev.airlock.config.CacheConfig(ttl, 64L * 1024 * 1024))
                .withUpstream("pypi", dev.airlock.config.UpstreamConfig.empty().withUrl(URI.create(idx.simpleUrl())));
    }
}
