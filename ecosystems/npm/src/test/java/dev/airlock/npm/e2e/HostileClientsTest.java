package dev.airlock.npm.e2e;

import dev.airlock.core.testing.NettyLeaks;
import dev.airlock.core.testing.RunningAirlock;
import dev.airlock.npm.fixture.FixtureNpmRegistry;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Hostile clients over raw sockets, on every route of a running Airlock (the npm mount, the
 * origin-root npm endpoints, the admin API, the console, health and metrics): several hundred
 * requests generated from a fixed seed (traversal spellings, encodings, smuggling headers, bad
 * versions and Host values, oversized lines and headers, junk bytes, hostile JSON to the admin
 * API). Each client closes its sending side once the request is out. Rule: each gets an answer
 * below 500 (505 for another HTTP major version) with no stack trace, within seconds, and the
 * server stays healthy.
 */
class HostileClientsTest {

    @TempDir
    static Path tmp;

    @AfterAll
    static void noBufferLeaked() throws InterruptedException {
        NettyLeaks.assertNone();
    }

    private static final String[] PATHS = {
            "/npm/left-pad", "/npm/left-pad/-/left-pad-1.0.0.tgz", "/npm/@acme%2futil", "/npm/@acme/util/-/util-2.0.0.tgz",
            "/npm/", "/-/npm/v1/keys", "/-/npm/v1/attestations/left-pad@1.0.0", "/-/v1/search?text=x", "/-/ping",
            "/-/admin/api/quarantine", "/-/admin/api/tokens", "/-/admin/api/rules", "/-/admin/api/audit", "/-/admin/api/openapi.json",
            "/-/console/", "/-/console/console.js", "/-/health", "/-/health/live", "/-/metrics", "/pypi/simple/x/", "/maven/a/b/1/b-1.pom",
    };
    private static final String[] MUTATIONS = {
            "", "/../../etc/passwd", "/%2e%2e/%2e%2e/etc/passwd", "/%252e%252e/x", "/..%2f..%2f", "\\..\\..\\x", "/%00", "/%c0%ae%c0%ae/x",
            "/" + "a".repeat(3000), "?" + "q=".repeat(500), "#frag", "/%", "/%zz", "/./././x", ";jsessionid=1", "//double//slash", "/%ff%fe",
    };
    private static final String[] METHODS = {"GET", "HEAD", "POST", "PUT", "DELETE", "PATCH", "OPTIONS", "TRACE", "PROPFIND", "get"};

    private static String request(Random r, int i) {
        String path = PATHS[r.nextInt(PATHS.length)] + MUTATIONS[r.nextInt(MUTATIONS.length)];
        String method = METHODS[r.nextInt(METHODS.length)];
        String host = "Host: localhost\r\n";
        String extra = "";
        String body = "";
        switch (i % 12) {
            case 0 -> host = "";
            case 1 -> host = "Host: a\r\nHost: b\r\n";
            case 2 -> host = "Host: evil\"/><x\r\n";
            case 3 -> extra = "Content-Length: 5\r\nTransfer-Encoding: chunked\r\n";
            case 4 -> extra = "Content-Length: 3\r\nContent-Length: 7\r\n";
            case 5 -> extra = "X-Big: " + "b".repeat(20_000) + "\r\n";
            case 6 -> extra = "Authorization: Bearer " + "z".repeat(300) + "\r\n";
            case 7 -> {
                method = "POST";
                path = "/-/admin/api/tokens";
                extra = "Authorization: Bearer alk_nope\r\nContent-Type: application/json\r\n";
                body = "{\"name\":\"x\",\"role\":\"viewer\",\"role\":\"admin\"}";
            }
            case 8 -> path = "http://evil.invalid" + path;
            case 9 -> {
                extra = "Expect: 100-continue\r\n";
                body = "0123456789";
            }
            case 10 -> extra = "Accept: " + "application/json;q=0.".repeat(200) + "\r\n";
            default -> {
            }
        }
        if (!body.isEmpty()) {
            extra += "Content-Length: " + body.getBytes(StandardCharsets.UTF_8).length + "\r\n";
        }
        String version = switch (i % 17) {
            case 3 -> "HTTP/2.0";
            case 5 -> "HTTP/1.2";
            case 7 -> "HTTP/1.0";
            default -> "HTTP/1.1";
        };
        return method + " " + path + " " + version + "\r\n" + host + extra + "Connection: close\r\n\r\n" + body;
    }

    /** Sends one raw request; the whole answer, or what came before the server closed or went silent. */
    private static String send(int port, byte[] request) throws Exception {
        try (Socket s = new Socket("127.0.0.1", port)) {
            s.setSoTimeout(10_000);
            s.getOutputStream().write(request);
            s.getOutputStream().flush();
            s.shutdownOutput();
            InputStream in = s.getInputStream();
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            byte[] buf = new byte[8192];
            try {
                for (int n; (n = in.read(buf)) > 0 && out.size() < 1 << 20; ) {
                    out.write(buf, 0, n);
                }
            } catch (SocketTimeoutException e) {
                return "TIMEOUT " + out.toString(StandardCharsets.ISO_8859_1);
            } catch (java.net.SocketException e) {
                // A reset after the answer was sent is how some refusals end.
            }
            return out.toString(StandardCharsets.ISO_8859_1);
        }
    }

    @Test
    void hundredsOfHostileRequestsGetCleanAnswersAndTheServerStaysHealthy() throws Exception {
        try (FixtureNpmRegistry registry = FixtureNpmRegistry.builder()
                .pkg("left-pad", p -> p.version("1.0.0"))
                .pkg("@acme/util", p -> p.version("2.0.0"))
                .start();
             RunningAirlock airlock = RunningAirlock.start(RunningAirlock.config(tmp.resolve("data"), "npm", URI.create(registry.baseUrl())))) {
            Random r = new Random(20261207L);
            List<String> bad = new ArrayList<>();
            int n = 360;
            for (int i = 0; i < n; i++) {
                byte[] req = request(r, i).getBytes(StandardCharsets.UTF_8);
                boolean junk = i % 29 == 0;
                if (junk) {
                    req = new byte[600];
                    r.nextBytes(req); // junk bytes, not HTTP at all
                }
                String answer = send(airlock.port(), req);
                String statusLine = answer.lines().findFirst().orElse("");
                int status = statusLine.startsWith("HTTP/1.") && statusLine.length() >= 12 ? Integer.parseInt(statusLine.substring(9, 12)) : -1;
                boolean trace = answer.contains("at dev.airlock") || answer.contains("at io.netty") || answer.contains("Exception");
                // 505 is the answer RFC 9110 gives for another major version (HTTP/2.0 in a request line).
                boolean clean = status >= 100 && (status < 500 || status == 505)
                        // Bytes that never form a request line may be answered 400 or simply closed on.
                        || junk && answer.isEmpty();
                if (!clean || trace || answer.startsWith("TIMEOUT")) {
                    bad.add("#" + i + " " + new String(req, 0, Math.min(req.length, 120), StandardCharsets.ISO_8859_1).replaceAll("[\\r\\n]+", " | ")
                            + " -> " + statusLine);
                }
            }
            assertEquals(List.of(), bad, bad.size() + " of " + n + " requests were not answered cleanly");
            assertEquals(200, airlock.get("/-/health").statusCode(), "still healthy");
            assertEquals(200, airlock.get("/npm/left-pad").statusCode(), "still serving");
        }
    }
}
