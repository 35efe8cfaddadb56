package dev.airlock.bench.replay;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayInputStream;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.zip.GZIPInputStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The replay upstream on its own, with the committed npm subset. */
class ReplayUpstreamTest {

    private static final HttpClient HTTP = HttpClient.newHttpClient();

    @TempDir
    Path tmp;

    private HttpResponse<byte[]> get(ReplayUpstream r, String path, String... headers) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(r.baseUrl().resolve(path)).timeout(Duration.ofSeconds(20));
        if (headers.length > 0) {
            b.headers(headers);
        }
        return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
    }

    @Test
    void servesRecordedDocumentsWithItsOwnAddressAndCountsMisses() throws Exception {
        Path data = ColdReplayInstallTest.copy(ColdReplayInstallTest.resource("replay/npm"), tmp.resolve("replay"));
        Path log = tmp.resolve("log.tsv");
        try (ReplayUpstream r = ReplayUpstream.start(ReplayUpstream.Options.of(data).withRtt(Duration.ofMillis(50)).withLog(log))) {
            long t0 = System.nanoTime();
            HttpResponse<byte[]> doc = get(r, "/yargs", "Accept", "application/vnd.npm.install-v1+json");
            assertTrue(System.nanoTime() - t0 >= 50_000_000L, "the round trip is waited");
            assertEquals(200, doc.statusCode());
            String body = new String(doc.body(), StandardCharsets.UTF_8);
            assertTrue(body.contains("\"tarball\": \"http://127.0.0.1:" + r.port() + "/yargs/-/yargs-17.7.3.tgz\""), body);
            assertFalse(body.contains(".invalid"), body);

            HttpResponse<byte[]> gz = get(r, "/yargs", "Accept-Encoding", "gzip");
            assertEquals("gzip", gz.headers().firstValue("content-encoding").orElse(""));
            assertEquals(body, new String(new GZIPInputStream(new ByteArrayInputStream(gz.body())).readAllBytes(), StandardCharsets.UTF_8));

            // A scoped-name spelling or a percent-encoded slash is one key; a path never recorded is a miss.
            assertEquals(200, get(r, "/yargs/-/yargs-17.7.3.tgz").statusCode());
            assertEquals(404, get(r, "/-/npm/v1/keys").statusCode());
            assertEquals(404, get(r, "/left-pad").statusCode());
            String stats = new String(get(r, "/__replay/stats").body(), StandardCharsets.UTF_8);
            assertTrue(stats.contains("misses 1\nmiss /left-pad 1"), stats);
        }
        List<ReplayLog.Request> logged = ReplayLog.read(log);
        assertEquals(List.of("HIT", "HIT", "HIT", "HIT", "MISS"), logged.stream().map(ReplayLog.Request::flag).toList());
        assertTrue(logged.stream().allMatch(q -> q.endNanos() - q.startNanos() >= 50_000_000L), logged.toString());
    }

    @Test
    void recordsWhatItDoesNotHaveFromTheUpstreamWithThePlaceholderHost() throws Exception {
        Path origin = ColdReplayInstallTest.copy(ColdReplayInstallTest.resource("replay/npm"), tmp.resolve("origin"));
        try (ReplayUpstream upstream = ReplayUpstream.start(ReplayUpstream.Options.of(origin));
             ReplayUpstream recorder = ReplayUpstream.start(new ReplayUpstream.Options(tmp.resolve("rec"), "127.0.0.1", 0,
                     Duration.ZERO, 0, 0, null, upstream.baseUrl(), "test-registry.invalid"))) {
            assertEquals(200, get(recorder, "/cliui").statusCode());
            assertEquals(404, get(recorder, "/left-pad").statusCode());
        }
        ReplayStore store = new ReplayStore(tmp.resolve("rec"));
        ReplayStore.Entry e = store.find("/cliui", "");
        String stored = java.nio.file.Files.readString(e.bodyFile(tmp.resolve("rec")));
        assertTrue(stored.contains("http://test-registry.invalid/cliui/-/cliui-8.0.1.tgz"), stored);
        assertFalse(stored.contains("127.0.0.1"), stored);
        assertEquals(404, store.find("/left-pad", "").status());
        // Served again, without the upstream, with the replay's own address.
        try (ReplayUpstream replay = ReplayUpstream.start(ReplayUpstream.Options.of(tmp.resolve("rec")))) {
            String body = new String(get(replay, "/cliui").body(), StandardCharsets.UTF_8);
            assertTrue(body.contains("http://127.0.0.1:" + replay.port() + "/cliui/-/cliui-8.0.1.tgz"), body);
        }
    }

    @Test
    void negotiatesLikeTheRegistries() {
        assertEquals("corgi", ReplayStore.variant("application/vnd.npm.install-v1+json; q=1.0, application/json; q=0.8, */*"));
        assertEquals("", ReplayStore.variant("application/json"));
        // pip's Accept, and Airlock's: JSON preferred.
        assertEquals("pypi-json", ReplayStore.variant(
                "application/vnd.pypi.simple.v1+json, application/vnd.pypi.simple.v1+html; q=0.1, text/html; q=0.01"));
        assertEquals("", ReplayStore.variant("application/vnd.pypi.simple.v1+html, application/vnd.pypi.simple.v1+json; q=0.5"));
        assertEquals("/@babel/core", ReplayStore.key("/@babel%2fcore", null));
        assertEquals("/@babel/core", ReplayStore.key("/@babel%2Fcore", null));
    }
}
