package dev.airlock.core.upstream;

import dev.airlock.config.UpstreamAuth;
import dev.airlock.config.UpstreamConfig;
import dev.airlock.core.ecosystem.UpstreamSettings;
import dev.airlock.core.metrics.AirlockMetrics;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.Base64;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * HTTP client for one ecosystem's upstream.
 *
 * <p>Exception contract: every failure is an {@link UpstreamException} whose kind says whether
 * it was connectivity, time or a response Airlock refuses; an HTTP error status is not an
 * exception (the caller decides what 404 means).
 *
 * <p>Safety: requests go only to the hosts of the configured base and files hosts; redirects
 * are followed by hand, at most five, and only to those hosts, so a URL found in upstream
 * metadata or a redirect cannot make Airlock fetch from anywhere else (no SSRF). Credentials
 * are sent only to those hosts. TLS certificates are verified by the JDK's default trust store.
 *
 * <p>Timeouts: connect from the JDK client; read (no byte for this long) and total (whole
 * exchange) by a watchdog that closes a stalled body stream, which makes the blocked reader fail.
 *
 * <p>Threading: methods block and are called from worker threads only.
 */
public final class UpstreamClient {

    private static final int MAX_REDIRECTS = 5;

    private final String ecosystem;
    private final UpstreamSettings settings;
    private final UpstreamConfig config;
    private final Set<String> allowedOrigins = new LinkedHashSet<>();
    private final HttpClient http;
    /** One per origin: a dead first root must not make Airlock fail fast for the next one. */
    private final ConcurrentHashMap<String, CircuitBreaker> breakers = new ConcurrentHashMap<>();
    private final Clock clock;
    private final ScheduledExecutorService watchdog;
    private final AirlockMetrics metrics;
    private final String via;
    /** Places for requests in flight to this upstream (fair: the longest waiting goes first). */
    private final Semaphore slots;
    private final ConnectionCaps caps;

    /** With the default connection caps, of its own: for tests that build one client. */
    public UpstreamClient(String ecosystem, UpstreamSettings settings, UpstreamConfig config, Clock clock,
                          ScheduledExecutorService watchdog, AirlockMetrics metrics, String viaToken) {
        this(ecosystem, settings, config, clock, watchdog, metrics, viaToken, ConnectionCaps.defaults());
    }

    /**
     * @param viaToken this instance's name in {@code Via} ("airlock-1a2b3c4d"): unique per instance, so
     *                 chained Airlocks (a replica in front of a central one) are fine and only a real loop is refused
     * @param caps     how many requests may be in flight, to this upstream and to all (shared by every client)
     */
    public UpstreamClient(String ecosystem, UpstreamSettings settings, UpstreamConfig config, Clock clock,
                          ScheduledExecutorService watchdog, AirlockMetrics metrics, String viaToken, ConnectionCaps caps) {
        this.ecosystem = ecosystem;
        this.caps = caps;
        this.slots = new Semaphore(caps.perUpstream(), true);
        this.settings = settings;
        this.config = config;
        this.watchdog = watchdog;
        this.metrics = metrics;
        this.via = "1.1 " + viaToken;
        settings.roots().forEach(u -> allowedOrigins.add(origin(u)));
        settings.extraHosts().forEach(u -> allowedOrigins.add(origin(u)));
        this.http = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(config.connectTimeout())
                .followRedirects(HttpClient.Redirect.NEVER)
                .build();
        this.clock = clock;
    }

    public UpstreamSettings settings() {
        return settings;
    }

    /** How long a path every root answered 404 for is answered 404 without asking ({@code notFoundTtl}). */
    public Duration notFoundTtl() {
        return config.notFoundTtl();
    }

    /** The first root's circuit (health checks report it). */
    public CircuitBreaker breaker() {
        return breakerFor(settings.base() != null ? settings.base() : URI.create("http://none.invalid/"));
    }

    private CircuitBreaker breakerFor(URI uri) {
        return breakers.computeIfAbsent(origin(uri), o -> new CircuitBreaker(config.failureThreshold(), config.coolDown(), clock));
    }

    /** Resolves a path relative to the upstream base. */
    public URI resolve(String relativePath) {
        return settings.base().resolve(relativePath);
    }

    /** A path resolved against the base and then each alternate, in the order to try them. */
    public List<URI> resolveAll(String relativePath) {
        return settings.roots().stream().map(root -> root.resolve(relativePath)).toList();
    }

    /** Whether Airlock may fetch this URL for this ecosystem. */
    public boolean allowed(URI uri) {
        return uri.isAbsolute() && uri.getHost() != null && allowedOrigins.contains(origin(uri));
    }

    /** GET with redirects followed within the allowed hosts; {@code kind} says what for (metrics, the access log). */
    public UpstreamResponse get(UpstreamKind kind, URI uri, Map<String, String> headers) throws UpstreamException {
        return send(kind, "GET", uri, headers, null);
    }

    /**
     * Sends a request. {@code body} may be null. The caller must close the response.
     */
    public UpstreamResponse send(UpstreamKind kind, String method, URI uri, Map<String, String> headers, byte[] body)
            throws UpstreamException {
        CircuitBreaker breaker = breakerFor(uri);
        CircuitBreaker.Permit permit = breaker.acquire();
        if (permit == null) {
            throw new UpstreamException(UpstreamException.Kind.COOLING_DOWN,
                    "the " + ecosystem + " upstream " + describe(URI.create(origin(uri) + "/")) + " failed repeatedly; Airlock retries it after "
                            + breaker.openUntil());
        }
        return send(kind, method, uri, headers, body, breaker, permit);
    }

    /**
     * A GET made beside another request to the same upstream (a file's checksum file or signature,
     * asked for with the file): it neither consults nor moves any circuit, since the request it
     * accompanies is judged already; one client request is one judgement of upstream's health.
     */
    public UpstreamResponse beside(UpstreamKind kind, URI uri, Map<String, String> headers) throws UpstreamException {
        return send(kind, "GET", uri, headers, null, null, null);
    }

    /** Whether requests to this URL's origin fail fast now (its circuit is open). */
    public boolean coolingDown(URI uri) {
        return breakerFor(uri).isOpen();
    }

    /**
     * A background request (a size probe): it neither consults nor moves any circuit, so that
     * probing many files cannot make Airlock fail fast for the clients.
     */
    public UpstreamResponse probe(String method, URI uri, Map<String, String> headers) throws UpstreamException {
        return send(UpstreamKind.PROBE, method, uri, headers, null, null, null);
    }

    private UpstreamResponse send(UpstreamKind kind, String method, URI uri, Map<String, String> headers, byte[] body,
                                  CircuitBreaker breaker, CircuitBreaker.Permit permit) throws UpstreamException {
        URI current = uri;
        boolean judged = false;
        Runnable slot = null;
        try {
            slot = slot(uri);
            long start = System.nanoTime();
            for (int hop = 0; ; hop++) {
                if (!allowed(current)) {
                    throw new UpstreamException(UpstreamException.Kind.BAD_RESPONSE,
                            "refusing to fetch " + describe(current) + ": its host is not configured for " + ecosystem);
                }
                HttpResponse<InputStream> response;
                try {
                    response = exchange(kind, method, current, headers, body, start);
                } catch (UpstreamException e) {
                    if (breaker != null && e.kind() != UpstreamException.Kind.BAD_RESPONSE && !Thread.currentThread().isInterrupted()) {
                        breaker.failure();
                        judged = true;
                    }
                    throw e;
                }
                int status = response.statusCode();
                if (status >= 300 && status < 400 && status != 304 && response.headers().firstValue("location").isPresent()) {
                    close(response.body());
                    if (hop >= MAX_REDIRECTS) {
                        failed(kind, breaker, start, "redirects");
                        judged = breaker != null;
                        throw new UpstreamException(UpstreamException.Kind.BAD_RESPONSE, "too many redirects from " + describe(uri));
                    }
                    current = current.resolve(response.headers().firstValue("location").get());
                    if (status == 303) {
                        method = "GET";
                        body = null;
                    }
                    continue;
                }
                if (status == 502 || status == 503 || status == 504) {
                    // The upstream (or its gateway) is down or overloaded. A 500 for one package says
                    // nothing about the others, so it does not count towards failing fast.
                    if (breaker != null) {
                        breaker.failure();
                    }
                    answered(kind, "status_" + status, start);
                } else {
                    if (breaker != null) {
                        breaker.success();
                    }
                    answered(kind, status >= 500 ? "status_" + status : "ok", start);
                }
                judged = true;
                UpstreamResponse answer = new UpstreamResponse(current, status, response.headers(), new GuardedStream(response.body(), slot), this);
                slot = null; // the body gives it back, at its end or when closed
                return answer;
            }
        } finally {
            if (slot != null) {
                slot.run();
            }
            if (breaker != null && !judged) {
                // Ended without an answer to judge upstream by (a refused redirect, an interrupt):
                // a trial slot must not stay taken, or the circuit would never close again.
                breaker.release(permit);
            }
        }
    }

    private HttpResponse<InputStream> exchange(UpstreamKind kind, String method, URI uri, Map<String, String> headers, byte[] body,
                                               long start)
            throws UpstreamException {
        HttpRequest.Builder b = HttpRequest.newBuilder(uri)
                .timeout(config.readTimeout())
                .header("User-Agent", "airlock/0.1")
                .header("Via", via)
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofByteArray(body));
        headers.forEach(b::setHeader);
        // Credentials are for the registry itself, not for files hosts or redirect targets (object
        // stores refuse presigned URLs that arrive with them).
        if (settings.base() != null && origin(uri).equals(origin(settings.base()))) {
            authorization().ifPresent(a -> b.setHeader("Authorization", a));
        }
        try {
            return http.send(b.build(), HttpResponse.BodyHandlers.ofInputStream());
        } catch (HttpConnectTimeoutException e) {
            failed(kind, start, "timeout");
            throw new UpstreamException(UpstreamException.Kind.TIMEOUT, "connecting to " + describe(uri) + " timed out after "
                    + config.connectTimeout().toMillis() + " ms", e);
        } catch (HttpTimeoutException e) {
            failed(kind, start, "timeout");
            throw new UpstreamException(UpstreamException.Kind.TIMEOUT, describe(uri) + " did not answer within "
                    + config.readTimeout().toMillis() + " ms", e);
        } catch (ConnectException e) {
            failed(kind, start, "unreachable");
            throw new UpstreamException(UpstreamException.Kind.UNREACHABLE, "cannot connect to " + describe(uri), e);
        } catch (IOException e) {
            failed(kind, start, "unreachable");
            throw new UpstreamException(UpstreamException.Kind.UNREACHABLE, describe(uri) + " failed: " + safeMessage(e), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new UpstreamException(UpstreamException.Kind.UNREACHABLE, "interrupted while fetching " + describe(uri), e);
        } catch (IllegalArgumentException e) {
            throw new UpstreamException(UpstreamException.Kind.BAD_RESPONSE, "cannot request " + describe(uri) + ": " + e.getMessage(), e);
        }
    }

    /**
     * Takes a place for one request in flight to this upstream and one among all upstreams,
     * waiting at most the connect timeout; returns what gives both back (once, whoever calls it).
     */
    private Runnable slot(URI uri) throws UpstreamException {
        long wait = config.connectTimeout().toNanos();
        long start = System.nanoTime();
        try {
            if (!slots.tryAcquire(wait, TimeUnit.NANOSECONDS)) {
                throw busy(uri, "upstreams to " + ecosystem + " (limits.upstreamConnections)", caps.perUpstream());
            }
            if (!caps.all().tryAcquire(Math.max(0, wait - (System.nanoTime() - start)), TimeUnit.NANOSECONDS)) {
                slots.release();
                throw busy(uri, "all upstreams (limits.upstreamConnectionsTotal)", caps.inFlight());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new UpstreamException(UpstreamException.Kind.UNREACHABLE, "interrupted while waiting to fetch " + describe(uri), e);
        }
        metrics.workerQueue("upstream", System.nanoTime() - start);
        AtomicBoolean given = new AtomicBoolean();
        return () -> {
            if (given.compareAndSet(false, true)) {
                caps.all().release();
                slots.release();
            }
        };
    }

    private UpstreamException busy(URI uri, String which, int inFlight) {
        metrics.event("upstream_busy", ecosystem);
        return new UpstreamException(UpstreamException.Kind.COOLING_DOWN, "not fetching " + describe(uri) + ": " + inFlight
                + " requests to " + which + " have been in flight for the whole connect timeout; retry shortly");
    }

    private void failed(UpstreamKind kind, long start, String outcome) {
        answered(kind, outcome, start);
    }

    private void failed(UpstreamKind kind, CircuitBreaker breaker, long start, String outcome) {
        if (breaker != null) {
            breaker.failure();
        }
        failed(kind, start, outcome);
    }

    /** Counts a request that ended (answered, or failed without an answer) in the metrics and the thread's trace. */
    private void answered(UpstreamKind kind, String outcome, long start) {
        long nanos = System.nanoTime() - start;
        metrics.upstreamRequest(ecosystem, kind.tag(), outcome, nanos);
        UpstreamTrace.record(kind, nanos);
    }

    /** Maps a failure while reading a body to the exception kind the caller reports. */
    UpstreamException bodyFailure(URI uri, IOException e) {
        breakerFor(uri).failure();
        if (e instanceof StalledException s) {
            return new UpstreamException(UpstreamException.Kind.TIMEOUT, describe(uri) + ": " + s.getMessage(), e);
        }
        return new UpstreamException(UpstreamException.Kind.UNREACHABLE, "reading from " + describe(uri) + " failed: " + safeMessage(e), e);
    }

    private Optional<String> authorization() {
        UpstreamAuth auth = config.auth();
        if (auth == null) {
            return Optional.empty();
        }
        if (auth.token() != null && !auth.token().isEmpty()) {
            return Optional.of("Bearer " + auth.token());
        }
        if (auth.username() != null) {
            String pair = auth.username() + ":" + (auth.password() == null ? "" : auth.password());
            return Optional.of("Basic " + Base64.getEncoder().encodeToString(pair.getBytes(StandardCharsets.UTF_8)));
        }
        return Optional.empty();
    }

    /** The URL without credentials or query, for messages. */
    public String describe(URI uri) {
        if (uri == null) {
            return "(none)";
        }
        return uri.getScheme() + "://" + uri.getHost() + (uri.getPort() >= 0 ? ":" + uri.getPort() : "") + (uri.getRawPath() == null ? "" : uri.getRawPath());
    }

    /** Scheme, host and port (the default one spelt out), lower-cased: what makes two URLs one server. */
    public static String origin(URI u) {
        String scheme = u.getScheme() == null ? "" : u.getScheme().toLowerCase(Locale.ROOT);
        int port = u.getPort() >= 0 ? u.getPort() : scheme.equals("https") ? 443 : 80;
        return scheme + "://" + (u.getHost() == null ? "" : u.getHost().toLowerCase(Locale.ROOT)) + ":" + port;
    }

    private static String safeMessage(Throwable e) {
        String m = e.getMessage();
        return m == null ? e.getClass().getSimpleName() : m;
    }

    private static void close(InputStream in) {
        try {
            in.close();
        } catch (IOException ignored) {
            // discarding a redirect body
        }
    }

    /** A read that the watchdog ended. */
    private static final class StalledException extends IOException {
        StalledException(String message) {
            super(message);
        }
    }

    /**
     * A body stream the watchdog closes when no byte arrived for the read timeout or the whole
     * exchange exceeded the total timeout; the blocked reader then gets a {@link StalledException}.
     */
    private final class GuardedStream extends FilterInputStream {
        private final long startedNanos = System.nanoTime();
        private final AtomicBoolean closed = new AtomicBoolean();
        private final ScheduledFuture<?> check;
        private volatile long lastProgressNanos = startedNanos;
        private volatile String stalled;
        /** Gives the request's place back (see {@link ConnectionCaps}): at the body's end, or when closed. */
        private final Runnable slot;

        GuardedStream(InputStream in, Runnable slot) {
            super(in);
            this.slot = slot;
            long period = Math.max(50, Math.min(1000, config.readTimeout().toMillis() / 4));
            this.check = watchdog.scheduleAtFixedRate(this::inspect, period, period, TimeUnit.MILLISECONDS);
        }

        private void inspect() {
            long now = System.nanoTime();
            Duration idle = Duration.ofNanos(now - lastProgressNanos);
            Duration total = Duration.ofNanos(now - startedNanos);
            if (idle.compareTo(config.readTimeout()) > 0) {
                abort("no data for " + idle.toMillis() + " ms (upstreams." + ecosystem + ".readTimeout)");
            } else if (total.compareTo(config.totalTimeout()) > 0) {
                abort("transfer exceeded " + config.totalTimeout().toMillis() + " ms (upstreams." + ecosystem + ".totalTimeout)");
            }
        }

        private void abort(String why) {
            stalled = why;
            try {
                close();
            } catch (IOException ignored) {
                // the reader sees the failure
            }
        }

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            int n = read(one, 0, 1);
            return n < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            try {
                int n = super.read(b, off, len);
                lastProgressNanos = System.nanoTime();
                if (n < 0) {
                    check.cancel(false);
                    slot.run();
                    if (stalled != null) {
                        throw new StalledException(stalled);
                    }
                }
                return n;
            } catch (IOException e) {
                if (stalled != null) {
                    throw new StalledException(stalled);
                }
                throw e;
            }
        }

        @Override
        public void close() throws IOException {
            if (closed.compareAndSet(false, true)) {
                check.cancel(false);
                try {
                    super.close();
                } finally {
                    slot.run();
                }
            }
        }
    }
}
