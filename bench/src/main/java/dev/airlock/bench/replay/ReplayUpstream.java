package dev.airlock.bench.replay;

import com.sun.net.httpserver.Headers;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import java.io.BufferedWriter;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.zip.GZIPOutputStream;

/**
 * A loopback stand-in for a package registry: serves recorded responses by path, each after a
 * configurable round trip and under a per-connection bandwidth cap, and logs when each request
 * started and ended. The cold-path benchmark ({@code bench/cold/run.sh}) points the clients at it
 * directly and Airlock at it as its upstream; {@code bench/README.md} ("Cold path") describes it.
 *
 * <pre>
 * java -cp bench/target/benchmarks.jar dev.airlock.bench.replay.ReplayUpstream --data DIR [--port N]
 *      [--rtt 30ms] [--bandwidth 0|BYTES_PER_SEC] [--log FILE] [--record UPSTREAM_URL --placeholder HOST]
 * </pre>
 *
 * <ul>
 *   <li>Per request: waits the round trip (plus {@code --connect-rtts} round trips on a
 *   connection's first request), then sends the headers, then streams the body at most
 *   {@code --bandwidth} bytes per second.</li>
 *   <li>A path never recorded is a <b>miss</b>: 404, logged with flag {@code MISS} and counted;
 *   {@code run.sh} warns about them. With {@code --record URL} a miss is fetched from that
 *   upstream instead, stored ({@link ReplayStore}) and served (flag {@code REC}).</li>
 *   <li>Text bodies (JSON, HTML) are recorded with the upstream's base URL replaced by
 *   {@code http://PLACEHOLDER} and its host by {@code PLACEHOLDER}, and served with the replay's
 *   own address in its place. Files (tarballs, jars, POMs, wheels) are stored as they came: their
 *   digests must hold.</li>
 *   <li>Text bodies over 1 KB are sent gzip'd to clients that accept it, as registries do.</li>
 *   <li>The log (one line per request, tab-separated): {@code startNanos endNanos status bytes
 *   connection method key variant flag}, with {@code # mark LABEL NANOS} lines between segments
 *   ({@code GET /__replay/mark?label=LABEL}). Nanos are {@link System#nanoTime()}.</li>
 *   <li>Control: {@code /__replay/health} (200 once ready), {@code /__replay/stats},
 *   {@code /__replay/mark?label=L} (answers the segment's stats, then starts a new one),
 *   {@code /__replay/set?rtt=30ms&bandwidth=N}.</li>
 * </ul>
 */
public final class ReplayUpstream implements AutoCloseable {

    /** How a replay runs. {@code record} null: replay only. */
    public record Options(Path data, String host, int port, Duration rtt, long bandwidth, int connectRtts, Path log,
                          URI record, String placeholder) {
        public static Options of(Path data) {
            return new Options(data, "127.0.0.1", 0, Duration.ZERO, 0, 0, null, null, null);
        }

        public Options withRtt(Duration d) {
            return new Options(data, host, port, d, bandwidth, connectRtts, log, record, placeholder);
        }

        public Options withLog(Path p) {
            return new Options(data, host, port, rtt, bandwidth, connectRtts, p, record, placeholder);
        }

        public Options withPort(int p) {
            return new Options(data, host, p, rtt, bandwidth, connectRtts, log, record, placeholder);
        }
    }

    /** One request as the log has it. */
    public record Timing(String path, String variant, int status, long startNanos, long endNanos, String flag) {
    }

    private static final String CONTROL = "/__replay/";
    private static final int CHUNK = 16 * 1024;

    private final Options options;
    private final ReplayStore store;
    private final HttpServer server;
    private final ExecutorService pool;
    private final BufferedWriter log;
    private final String placeholder;
    private final String recordBase;
    private final String recordHost;
    private final HttpClient upstream;
    private final Map<String, CompletableFuture<ReplayStore.Entry>> recording = new ConcurrentHashMap<>();
    /** Served bytes of text entries, by "gzip|host|id". */
    private final Map<String, byte[]> served = new ConcurrentHashMap<>();
    private final Set<InetSocketAddress> connections = ConcurrentHashMap.newKeySet();
    private final List<Timing> timings = Collections.synchronizedList(new ArrayList<>());
    private final Map<String, AtomicLong> segmentMisses = new ConcurrentHashMap<>();
    private final AtomicLong segmentRequests = new AtomicLong();
    private final AtomicLong segmentBytes = new AtomicLong();
    private volatile Duration rtt;
    private volatile long bandwidth;
    private volatile boolean ready;

    private ReplayUpstream(Options o) throws IOException {
        this.options = o;
        this.rtt = o.rtt();
        this.bandwidth = o.bandwidth();
        this.store = new ReplayStore(o.data());
        Properties props = new Properties();
        Path propsFile = o.data().resolve("replay.properties");
        if (Files.exists(propsFile)) {
            try (InputStream in = Files.newInputStream(propsFile)) {
                props.load(in);
            }
        }
        String ph = o.placeholder() != null ? o.placeholder() : props.getProperty("placeholder");
        if (o.record() != null) {
            if (ph == null) {
                throw new IllegalArgumentException("--record needs --placeholder HOST (the host recorded bodies name instead of the upstream's)");
            }
            if (!ph.equals(props.getProperty("placeholder"))) {
                props.setProperty("placeholder", ph);
                try (OutputStream out = Files.newOutputStream(propsFile)) {
                    props.store(out, "the host recorded text bodies name in place of the upstream's");
                }
            }
            String base = o.record().toString();
            this.recordBase = base.endsWith("/") ? base : base + "/";
            this.recordHost = o.record().getHost();
            this.upstream = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NORMAL)
                    .connectTimeout(Duration.ofSeconds(20)).build();
        } else {
            this.recordBase = null;
            this.recordHost = null;
            this.upstream = null;
        }
        this.placeholder = ph;
        if (o.log() != null) {
            if (o.log().getParent() != null) {
                Files.createDirectories(o.log().getParent());
            }
            this.log = Files.newBufferedWriter(o.log(), StandardCharsets.UTF_8);
            this.log.write("# replay start epochMillis=" + System.currentTimeMillis() + " nanos=" + System.nanoTime()
                    + " rtt=" + rtt.toMillis() + "ms bandwidth=" + bandwidth + " entries=" + store.size() + "\n");
            this.log.write("# startNanos\tendNanos\tstatus\tbytes\tconnection\tmethod\tkey\tvariant\tflag\n");
            this.log.flush();
        } else {
            this.log = null;
        }
        // Small responses must not wait for Nagle's algorithm (40 ms with a delayed ACK).
        System.setProperty("sun.net.httpserver.nodelay", "true");
        this.server = HttpServer.create(new InetSocketAddress(InetAddress.getByName(o.host()), o.port()), 1024);
        this.pool = Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, "replay");
            t.setDaemon(true);
            return t;
        });
        server.setExecutor(pool);
        server.createContext("/", this::handle);
    }

    public static ReplayUpstream start(Options o) throws IOException {
        ReplayUpstream r = new ReplayUpstream(o);
        r.server.start();
        r.prepare();
        r.ready = true;
        return r;
    }

    /** Renders every text body for this replay's own address now, so no measured request pays for it. */
    private void prepare() {
        String host = "127.0.0.1:" + port();
        for (ReplayStore.Entry e : store.all()) {
            if (e.rewrite() && e.body() != null) {
                try {
                    text(e, host, false);
                    if (e.length() > 1024) {
                        text(e, host, true);
                    }
                } catch (IOException ex) {
                    throw new IllegalStateException("cannot read the body of " + e.key() + ": " + ex, ex);
                }
            }
        }
    }

    public int port() {
        return server.getAddress().getPort();
    }

    /** {@code http://127.0.0.1:PORT/}. */
    public URI baseUrl() {
        return URI.create("http://127.0.0.1:" + port() + "/");
    }

    public int entries() {
        return store.size();
    }

    /** Every request served since start (control requests excluded). */
    public List<Timing> timings() {
        synchronized (timings) {
            return List.copyOf(timings);
        }
    }

    @Override
    public void close() {
        server.stop(0);
        pool.shutdownNow();
        try {
            pool.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        try {
            synchronized (this) {
                if (log != null) {
                    log.close();
                }
            }
            store.close();
        } catch (IOException ignored) {
            // closing
        }
    }

    private void handle(HttpExchange ex) throws IOException {
        long start = System.nanoTime();
        String rawPath = ex.getRequestURI().getRawPath();
        try (ex) {
            if (rawPath.startsWith(CONTROL)) {
                control(ex, rawPath.substring(CONTROL.length()));
                return;
            }
            String method = ex.getRequestMethod();
            boolean head = method.equals("HEAD");
            String key = ReplayStore.key(rawPath, ex.getRequestURI().getRawQuery());
            String variant = ReplayStore.variant(ex.getRequestHeaders().getFirst("Accept"));
            if (!head && !method.equals("GET")) {
                finish(ex, start, 405, plain("the replay serves GET and HEAD only\n"), false, method, key, variant, "METHOD", null);
                return;
            }
            String flag = "HIT";
            ReplayStore.Entry e = store.find(key, variant);
            if (e == null && recordBase != null) {
                try {
                    e = record(ex, key, variant);
                    flag = "REC";
                } catch (IOException | RuntimeException failure) {
                    delay(start, ex);
                    finish(ex, start, 502, plain("replay: recording failed: " + failure + "\n"), head, method, key, variant,
                            "RECERR", null);
                    return;
                }
            }
            if (e == null && !variant.isEmpty()) {
                e = store.find(key, "");
                flag = "FALLBACK";
            }
            delay(start, ex);
            if (e == null) {
                segmentMisses.computeIfAbsent(variant.isEmpty() ? key : key + " [" + variant + "]", k -> new AtomicLong())
                        .incrementAndGet();
                finish(ex, start, 404, plain("replay: not recorded: " + key + "\n"), head, method, key, variant, "MISS", null);
                return;
            }
            finish(ex, start, e.status(), null, head, method, key, variant, flag, e);
        }
    }

    /** Waits the round trip, plus the connect round trips on a connection's first request. */
    private void delay(long start, HttpExchange ex) {
        long nanos = rtt.toNanos();
        if (options.connectRtts() > 0 && connections.add(ex.getRemoteAddress())) {
            nanos += options.connectRtts() * nanos;
        }
        sleepUntil(start + nanos);
    }

    private static void sleepUntil(long deadline) {
        long wait;
        while ((wait = deadline - System.nanoTime()) > 0) {
            try {
                TimeUnit.NANOSECONDS.sleep(wait);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    private record Plain(byte[] body) {
    }

    private static Plain plain(String s) {
        return new Plain(s.getBytes(StandardCharsets.UTF_8));
    }

    private void finish(HttpExchange ex, long start, int status, Plain plain, boolean head, String method, String key,
                        String variant, String flag, ReplayStore.Entry e) throws IOException {
        Headers h = ex.getResponseHeaders();
        long sent = 0;
        InputStream body;
        long length;
        if (e == null) {
            h.set("Content-Type", "text/plain; charset=utf-8");
            body = new java.io.ByteArrayInputStream(plain.body());
            length = plain.body().length;
        } else {
            if (e.contentType() != null) {
                h.set("Content-Type", e.contentType());
            }
            e.headers().forEach(h::set);
            h.set("Vary", "Accept, Accept-Encoding");
            if (e.body() == null) {
                body = InputStream.nullInputStream();
                length = 0;
            } else if (e.rewrite()) {
                String ae = ex.getRequestHeaders().getFirst("Accept-Encoding");
                boolean gzip = ae != null && ae.toLowerCase(Locale.ROOT).contains("gzip") && e.length() > 1024;
                String host = ex.getRequestHeaders().getFirst("Host");
                byte[] b = text(e, host == null ? "127.0.0.1:" + port() : host, gzip);
                if (gzip) {
                    h.set("Content-Encoding", "gzip");
                }
                body = new java.io.ByteArrayInputStream(b);
                length = b.length;
            } else {
                Path f = e.bodyFile(store.dir());
                body = Files.newInputStream(f);
                length = Files.size(f);
            }
        }
        try (InputStream in = body) {
            if (head) {
                h.set("Content-Length", Long.toString(length));
                ex.sendResponseHeaders(status, -1);
            } else {
                ex.sendResponseHeaders(status, length == 0 ? -1 : length);
                if (length > 0) {
                    sent = stream(in, ex.getResponseBody());
                }
            }
        } finally {
            long end = System.nanoTime();
            segmentRequests.incrementAndGet();
            segmentBytes.addAndGet(sent);
            timings.add(new Timing(key, variant, status, start, end, flag));
            if (log != null) {
                String line = start + "\t" + end + "\t" + status + "\t" + sent + "\t" + ex.getRemoteAddress().getPort() + "\t" + method
                        + "\t" + key + "\t" + (variant.isEmpty() ? "-" : variant) + "\t" + flag + "\n";
                synchronized (this) {
                    log.write(line);
                    log.flush();
                }
            }
        }
    }

    /** Copies under the bandwidth cap (per response, so per connection: one response at a time on each). */
    private long stream(InputStream in, OutputStream out) throws IOException {
        byte[] buf = new byte[CHUNK];
        long t0 = System.nanoTime();
        long sent = 0;
        int n;
        while ((n = in.read(buf)) > 0) {
            out.write(buf, 0, n);
            sent += n;
            long bw = bandwidth;
            if (bw > 0) {
                out.flush();
                sleepUntil(t0 + (long) (sent * 1e9 / bw));
            }
        }
        return sent;
    }

    /** A text body with the placeholder replaced by {@code host}, gzip'd or not; kept for the next request. */
    private byte[] text(ReplayStore.Entry e, String host, boolean gzip) throws IOException {
        String k = (gzip ? "gz|" : "id|") + host + "|" + e.body();
        byte[] b = served.get(k);
        if (b != null) {
            return b;
        }
        byte[] raw = Files.readAllBytes(e.bodyFile(store.dir()));
        if (placeholder != null) {
            raw = new String(raw, StandardCharsets.UTF_8).replace("http://" + placeholder, "http://" + host)
                    .getBytes(StandardCharsets.UTF_8);
        }
        if (gzip) {
            ByteArrayOutputStream bo = new ByteArrayOutputStream(raw.length / 4 + 64);
            try (GZIPOutputStream gz = new GZIPOutputStream(bo)) {
                gz.write(raw);
            }
            raw = bo.toByteArray();
        }
        served.put(k, raw);
        return raw;
    }

    // --- record mode -----------------------------------------------------------------------------

    private ReplayStore.Entry record(HttpExchange ex, String key, String variant) throws IOException {
        String id = ReplayStore.id(key, variant);
        CompletableFuture<ReplayStore.Entry> mine = new CompletableFuture<>();
        CompletableFuture<ReplayStore.Entry> running = recording.putIfAbsent(id, mine);
        if (running != null) {
            return running.join();
        }
        try {
            ReplayStore.Entry e = fetch(ex, key, variant);
            mine.complete(e);
            return e;
        } catch (IOException | RuntimeException failure) {
            mine.completeExceptionally(failure);
            recording.remove(id);
            throw failure;
        }
    }

    private ReplayStore.Entry fetch(HttpExchange ex, String key, String variant) throws IOException {
        String raw = ex.getRequestURI().getRawPath().substring(1);
        String q = ex.getRequestURI().getRawQuery();
        URI uri = URI.create(recordBase + raw + (q == null ? "" : "?" + q));
        HttpRequest.Builder b = HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(120)).GET();
        String accept = ex.getRequestHeaders().getFirst("Accept");
        if (accept != null) {
            b.header("Accept", accept);
        }
        HttpResponse<byte[]> r;
        try {
            r = upstream.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
        if (r.statusCode() >= 500 || r.statusCode() == 429) {
            throw new IOException("upstream answered " + r.statusCode() + " for " + key + "; not recorded");
        }
        String ct = r.headers().firstValue("content-type").orElse(null);
        boolean text = ct != null && (ct.contains("json") || ct.contains("html"));
        byte[] body = r.body();
        if (text) {
            String s = new String(body, StandardCharsets.UTF_8);
            String base = recordBase.substring(0, recordBase.length() - 1);
            s = s.replace(base, "http://" + placeholder).replace(recordHost, placeholder);
            body = s.getBytes(StandardCharsets.UTF_8);
        }
        Map<String, String> kept = new LinkedHashMap<>();
        for (String name : ReplayStore.KEPT_HEADERS) {
            r.headers().firstValue(name).ifPresent(v -> kept.put(name, v));
        }
        String ua = ex.getRequestHeaders().getFirst("User-Agent");
        String note = java.time.Instant.now() + " " + (ua == null ? "-" : ua.split("[ /]")[0]);
        return store.put(key, variant, r.statusCode(), ct, text, body, kept, note);
    }

    // --- control ---------------------------------------------------------------------------------

    private void control(HttpExchange ex, String what) throws IOException {
        Map<String, String> q = query(ex.getRequestURI().getRawQuery());
        String answer;
        int status = 200;
        switch (what) {
            case "health" -> {
                status = ready ? 200 : 503;
                answer = ready ? "ok\n" : "preparing\n";
            }
            case "stats" -> answer = stats();
            case "mark" -> {
                answer = stats();
                segmentRequests.set(0);
                segmentBytes.set(0);
                segmentMisses.clear();
                synchronized (this) {
                    if (log != null) {
                        log.write("# mark " + q.getOrDefault("label", "-").replaceAll("\\s", "_") + " " + System.nanoTime() + "\n");
                        log.flush();
                    }
                }
            }
            case "set" -> {
                if (q.containsKey("rtt")) {
                    rtt = parseDuration(q.get("rtt"));
                }
                if (q.containsKey("bandwidth")) {
                    bandwidth = parseBytes(q.get("bandwidth"));
                }
                connections.clear();
                answer = "rtt " + rtt.toMillis() + "ms bandwidth " + bandwidth + "\n";
            }
            default -> {
                status = 404;
                answer = "control: health, stats, mark?label=, set?rtt=&bandwidth=\n";
            }
        }
        byte[] b = answer.getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().set("Content-Type", "text/plain; charset=utf-8");
        ex.sendResponseHeaders(status, b.length);
        ex.getResponseBody().write(b);
    }

    /** {@code requests N}, {@code bytes N}, {@code misses N}, then one {@code miss KEY COUNT} per missed key. */
    private String stats() {
        StringBuilder s = new StringBuilder();
        long misses = segmentMisses.values().stream().mapToLong(AtomicLong::get).sum();
        s.append("requests ").append(segmentRequests.get()).append('\n').append("bytes ").append(segmentBytes.get())
                .append('\n').append("misses ").append(misses).append('\n');
        segmentMisses.entrySet().stream().sorted(Map.Entry.comparingByKey())
                .forEach(m -> s.append("miss ").append(m.getKey()).append(' ').append(m.getValue().get()).append('\n'));
        return s.toString();
    }

    private static Map<String, String> query(String raw) {
        Map<String, String> m = new LinkedHashMap<>();
        if (raw != null) {
            for (String kv : raw.split("&")) {
                int eq = kv.indexOf('=');
                if (eq > 0) {
                    m.put(kv.substring(0, eq), URLDecoder.decode(kv.substring(eq + 1), StandardCharsets.UTF_8));
                }
            }
        }
        return m;
    }

    /** {@code 30ms}, {@code 0.1s}, {@code 0}. */
    static Duration parseDuration(String s) {
        s = s.trim().toLowerCase(Locale.ROOT);
        if (s.endsWith("ms")) {
            return Duration.ofNanos((long) (Double.parseDouble(s.substring(0, s.length() - 2)) * 1e6));
        }
        if (s.endsWith("s")) {
            return Duration.ofNanos((long) (Double.parseDouble(s.substring(0, s.length() - 1)) * 1e9));
        }
        return Duration.ofMillis(Long.parseLong(s));
    }

    /** {@code 0} (no cap), {@code 1000000}, {@code 500k}, {@code 10m} (bytes per second). */
    static long parseBytes(String s) {
        s = s.trim().toLowerCase(Locale.ROOT);
        long mult = 1;
        if (s.endsWith("k")) {
            mult = 1000;
        } else if (s.endsWith("m")) {
            mult = 1000_000;
        } else if (s.endsWith("g")) {
            mult = 1000_000_000;
        }
        if (mult != 1) {
            s = s.substring(0, s.length() - 1);
        }
        return (long) (Double.parseDouble(s) * mult);
    }

    public static void main(String[] args) throws Exception {
        Path data = null;
        String host = "127.0.0.1";
        int port = 0;
        Duration rtt = Duration.ofMillis(30);
        long bw = 0;
        int connectRtts = 0;
        Path log = null;
        URI record = null;
        String placeholder = null;
        Path portFile = null;
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            String v = i + 1 < args.length ? args[i + 1] : null;
            switch (a) {
                case "--data" -> data = Path.of(v);
                case "--host" -> host = v;
                case "--port" -> port = Integer.parseInt(v);
                case "--rtt" -> rtt = parseDuration(v);
                case "--bandwidth" -> bw = parseBytes(v);
                case "--connect-rtts" -> connectRtts = Integer.parseInt(v);
                case "--log" -> log = Path.of(v);
                case "--record" -> record = URI.create(v);
                case "--placeholder" -> placeholder = v;
                case "--port-file" -> portFile = Path.of(v);
                case "-h", "--help" -> {
                    System.out.println("ReplayUpstream --data DIR [--host 127.0.0.1] [--port 0] [--rtt 30ms] [--bandwidth 0|BYTES_PER_SEC]"
                            + " [--connect-rtts 0] [--log FILE] [--record UPSTREAM_URL --placeholder HOST] [--port-file FILE]");
                    return;
                }
                default -> {
                    System.err.println("unknown argument: " + a + " (--help)");
                    System.exit(2);
                }
            }
            i++;
        }
        if (data == null) {
            System.err.println("--data DIR is required (--help)");
            System.exit(2);
        }
        ReplayUpstream r = start(new Options(data, host, port, rtt, bw, connectRtts, log, record, placeholder));
        Runtime.getRuntime().addShutdownHook(new Thread(r::close));
        System.out.println("replay: listening on http://" + host + ":" + r.port() + "/ with " + r.entries() + " recorded responses from "
                + data + ", rtt " + rtt.toMillis() + " ms, bandwidth " + (bw == 0 ? "unlimited" : bw + " B/s")
                + (record == null ? "" : ", recording misses from the upstream given, as " + placeholder));
        if (portFile != null) {
            Path tmp = Files.createTempFile(portFile.toAbsolutePath().getParent(), "port", ".tmp");
            Files.writeString(tmp, r.port() + "\n");
            Files.move(tmp, portFile, java.nio.file.StandardCopyOption.REPLACE_EXISTING, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        }
        Thread.currentThread().join();
    }
}
