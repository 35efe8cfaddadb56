package dev.airlock.core.server;

import dev.airlock.config.ConfigLoader;
import dev.airlock.core.testing.RunningAirlock;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.InputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Request lines and Host headers as RFC 9112 wants them, over a raw socket to a running server: a
 * missing, doubled or invalid Host on HTTP/1.1 and a malformed version are 400, another major
 * version 505; a well-formed HTTP/1.0 request without Host is served.
 */
class HttpConformanceTest {

    @TempDir
    static Path tmp;
    private static RunningAirlock airlock;

    @BeforeAll
    static void start() throws Exception {
        airlock = RunningAirlock.start(ConfigLoader.defaults().withPort(0).withStoragePath(tmp.resolve("data")));
    }

    @AfterAll
    static void stop() {
        airlock.close();
    }

    /** The status line's code for one raw request. */
    private static int status(String request) throws Exception {
        try (Socket s = new Socket("127.0.0.1", airlock.port())) {
            s.setSoTimeout(10_000);
            s.getOutputStream().write(request.getBytes(StandardCharsets.ISO_8859_1));
            InputStream in = s.getInputStream();
            String head = new String(in.readNBytes(12), StandardCharsets.ISO_8859_1);
            assertTrue(head.startsWith("HTTP/1.1 "), head);
            return Integer.parseInt(head.substring(9, 12));
        }
    }

    @Test
    void hostMustBeThereOnceAndValidOnHttp11() throws Exception {
        assertEquals(200, status("GET /-/health HTTP/1.1\r\nHost: localhost:8080\r\nConnection: close\r\n\r\n"));
        assertEquals(200, status("GET /-/health HTTP/1.1\r\nHost: [::1]:8080\r\nConnection: close\r\n\r\n"));
        assertEquals(400, status("GET /-/health HTTP/1.1\r\nConnection: close\r\n\r\n"), "no Host");
        assertEquals(400, status("GET /-/health HTTP/1.1\r\nHost: a\r\nHost: b\r\nConnection: close\r\n\r\n"), "two Hosts");
        assertEquals(400, status("GET /-/health HTTP/1.1\r\nHost: a b\r\nConnection: close\r\n\r\n"), "a space");
        assertEquals(400, status("GET /-/health HTTP/1.1\r\nHost: evil/path\r\nConnection: close\r\n\r\n"), "a slash");
        assertEquals(400, status("GET /-/health HTTP/1.1\r\nHost: a:99999x\r\nConnection: close\r\n\r\n"), "a bad port");
        assertEquals(200, status("GET /-/health HTTP/1.0\r\n\r\n"), "HTTP/1.0 may omit Host");
    }

    @Test
    void versionsOtherThanHttp1AreRefused() throws Exception {
        assertEquals(505, status("GET /-/health HTTP/2.0\r\nHost: x\r\nConnection: close\r\n\r\n"));
        assertEquals(505, status("GET /-/health HTTP/3.0\r\nHost: x\r\nConnection: close\r\n\r\n"));
        assertEquals(400, status("GET /-/health HTTP/1.2\r\nHost: x\r\nConnection: close\r\n\r\n"));
        assertEquals(400, status("GET /-/health HTTP/1.1x\r\nHost: x\r\nConnection: close\r\n\r\n"));
        // The version is case-sensitive (RFC 9112 §2.3): Netty upper-cases it, Airlock does not accept it.
        assertEquals(400, status("GET /-/health http/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"));
        assertEquals(400, status("GET /-/health Http/1.0\r\n\r\n"));
        assertEquals(400, status("GET /-/health HTTP/01.1\r\nHost: x\r\nConnection: close\r\n\r\n"));
    }
}
