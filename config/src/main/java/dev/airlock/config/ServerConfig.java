package dev.airlock.config;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * Airlock's one HTTP listener: where it binds and how much it accepts from a client.
 *
 * @param host                 address to listen on, never blank
 * @param port                 0 to 65535; 0 lets the operating system pick a free port
 * @param publicUrl            the URL clients reach Airlock at (behind a reverse proxy or a port
 *                             mapping), never ending in "/"; null means derive it from the bound host and port
 * @param workerThreads        threads serving requests, 1 to 1024
 * @param maxRequestBodyBytes  largest request body accepted, 0 or more
 * @param idleTimeout          a connection idle this long is closed; {@link Duration#ZERO} never closes it
 * @param maxInitialLineLength longest request line (method, URL, version) accepted, 256 to 65536
 * @param maxHeaderSize        largest block of request headers accepted, 1024 to 1048576
 * @param accessLog            write one line per request to standard output
 * @param logFormat            text or JSON lines, for the access log and the application log alike
 * @param requireToken         package routes (npm, PyPI, Maven) need an admin API token too, of any
 *                             role: as a bearer token (npm) or as the password of basic auth (pip, Maven)
 * @param maxConcurrentPerClient requests one client may have in work at once, 1 to 100000; more get 429. A
 *                             client is its token when it sends a valid one, else its address
 * @param trustedProxies       addresses of reverse proxies whose {@code X-Forwarded-For} names the client;
 *                             from anyone else the header is ignored
 */
public record ServerConfig(String host, int port, URI publicUrl, int workerThreads, long maxRequestBodyBytes,
        Duration idleTimeout, int maxInitialLineLength, int maxHeaderSize, boolean accessLog, boolean requireToken,
        int maxConcurrentPerClient, List<String> trustedProxies, LogFormat logFormat) {

    /** How the access log and the application log are written. */
    public enum LogFormat {
        /** One human-readable line per record. */
        TEXT,
        /** One JSON object per line, with stable field names, for log collectors. */
        JSON
    }

    /** Text logs. */
    public ServerConfig(String host, int port, URI publicUrl, int workerThreads, long maxRequestBodyBytes, Duration idleTimeout,
                        int maxInitialLineLength, int maxHeaderSize, boolean accessLog, boolean requireToken,
                        int maxConcurrentPerClient, List<String> trustedProxies) {
        this(host, port, publicUrl, workerThreads, maxRequestBodyBytes, idleTimeout, maxInitialLineLength, maxHeaderSize, accessLog,
                requireToken, maxConcurrentPerClient, trustedProxies, LogFormat.TEXT);
    }

    /** The default per-client bound and no trusted proxies. */
    public ServerConfig(String host, int port, URI publicUrl, int workerThreads, long maxRequestBodyBytes, Duration idleTimeout,
                        int maxInitialLineLength, int maxHeaderSize, boolean accessLog, boolean requireToken) {
        this(host, port, publicUrl, workerThreads, maxRequestBodyBytes, idleTimeout, maxInitialLineLength, maxHeaderSize, accessLog,
                requireToken, DEFAULT_MAX_CONCURRENT_PER_CLIENT, List.of());
    }

    /** As many requests in work per client as the embedded defaults allow. */
    public static final int DEFAULT_MAX_CONCURRENT_PER_CLIENT = 64;
    static final IntRange CONCURRENT_PER_CLIENT = new IntRange(1, 100_000);

    /** Package routes open to anyone who reaches the listener. */
    public ServerConfig(String host, int port, URI publicUrl, int workerThreads, long maxRequestBodyBytes, Duration idleTimeout,
                        int maxInitialLineLength, int maxHeaderSize, boolean accessLog) {
        this(host, port, publicUrl, workerThreads, maxRequestBodyBytes, idleTimeout, maxInitialLineLength, maxHeaderSize, accessLog, false);
    }

    static final IntRange PORT = new IntRange(0, 65535);
    static final IntRange WORKER_THREADS = new IntRange(1, 1024);
    static final IntRange INITIAL_LINE_LENGTH = new IntRange(256, 65536);
    static final IntRange HEADER_SIZE = new IntRange(1024, 1048576);

    public ServerConfig {
        Objects.requireNonNull(host, "host");
        if (host.isBlank()) {
            throw new IllegalArgumentException("host: empty");
        }
        PORT.check("port", port);
        if (publicUrl != null) {
            publicUrl = Checks.prefixUrl("publicUrl", publicUrl);
        }
        WORKER_THREADS.check("workerThreads", workerThreads);
        Checks.nonNegative("maxRequestBodyBytes", maxRequestBodyBytes);
        Checks.nonNegative("idleTimeout", idleTimeout);
        INITIAL_LINE_LENGTH.check("maxInitialLineLength", maxInitialLineLength);
        HEADER_SIZE.check("maxHeaderSize", maxHeaderSize);
        CONCURRENT_PER_CLIENT.check("maxConcurrentPerClient", maxConcurrentPerClient);
        trustedProxies = List.copyOf(trustedProxies);
        Objects.requireNonNull(logFormat, "logFormat");
    }
}
