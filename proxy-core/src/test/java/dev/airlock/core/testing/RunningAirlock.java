package dev.airlock.core.testing;

import dev.airlock.config.AirlockConfig;
import dev.airlock.config.CacheConfig;
import dev.airlock.config.ConfigLoader;
import dev.airlock.config.UpstreamConfig;
import dev.airlock.core.Airlock;

import java.io.OutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;

/**
 * A real Airlock on 127.0.0.1 with an ephemeral port and its own data directory, for tests.
 * Start it with an upstream per ecosystem; close it at the end.
 */
public final class RunningAirlock implements AutoCloseable {

    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    private final Airlock airlock;
    private final Path data;

    private RunningAirlock(Airlock airlock, Path data) {
        this.airlock = airlock;
        this.data = data;
    }

    /**
     * The embedded defaults on an ephemeral port with this data directory, a 5-minute metadata
     * TTL and one ecosystem's upstream: what most tests start from before their own settings.
     */
    public static AirlockConfig config(Path data, String ecosystem, URI upstream) {
        return ConfigLoader.defaults().withPort(0).withStoragePath(data).withCache(new CacheConfig(Duration.ofMinutes(5), 64L * 1024 * 1024))
                .withUpstream(ecosystem, UpstreamConfig.empty().withUrl(upstream));
    }

    /** Starts Airlock on the embedded defaults with these overrides. */
    public static RunningAirlock start(Path data, Duration metadataTtl, Map<String, URI> upstreams) throws Exception {
        AirlockConfig c = ConfigLoader.defaults().withPort(0).withStoragePath(data)
                .withCache(new CacheConfig(metadataTtl, 64L * 1024 * 1024));
        for (Map.Entry<String, URI> u : upstreams.entrySet()) {
            c = c.withUpstream(u.getKey(), UpstreamConfig.empty().withUrl(u.getValue()));
        }
        return start(c);
    }

    public static RunningAirlock start(AirlockConfig config) throws Exception {
        return start(config, Clock.systemUTC());
    }

    /** With a clock the test moves (release ages, TTLs). */
    public static RunningAirlock start(AirlockConfig config, Clock clock) throws Exception {
        Airlock a = Airlock.start(config, Map.of(), config.storage().path().resolve("home"), clock,
                OutputStream.nullOutputStream());
        return new RunningAirlock(a, config.storage().path());
    }

    /** With the access log written to {@code accessLog} (complete once the server is closed). */
    public static RunningAirlock start(AirlockConfig config, OutputStream accessLog) throws Exception {
        Airlock a = Airlock.start(config, Map.of(), config.storage().path().resolve("home"), Clock.systemUTC(), accessLog);
        return new RunningAirlock(a, config.storage().path());
    }

    /** On storage the test chooses, opened from the data directory. */
    public static RunningAirlock start(AirlockConfig config, java.util.function.Function<Path, dev.airlock.core.store.Storage> storage)
            throws Exception {
        Airlock a = Airlock.start(config, Map.of(), config.storage().path().resolve("home"), Clock.systemUTC(),
                OutputStream.nullOutputStream(), storage);
        return new RunningAirlock(a, config.storage().path());
    }

    public Airlock airlock() {
        return airlock;
    }

    public Path dataDir() {
        return data;
    }

    public int port() {
        return airlock.port();
    }

    /** {@code http://127.0.0.1:PORT} + path. */
    public URI uri(String path) {
        return URI.create("http://127.0.0.1:" + port() + path);
    }

    public HttpResponse<byte[]> get(String path, String... headers) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(uri(path)).timeout(Duration.ofSeconds(60));
        if (headers.length > 0) {
            b.headers(headers);
        }
        return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
    }

    /** The admin token Airlock wrote on its first start ({@code <data>/admin-token}). */
    public String adminToken() throws Exception {
        return java.nio.file.Files.readString(data.resolve("admin-token")).strip();
    }

    /**
     * Every release this Airlock decided other than approved with nothing to say (the whole queue,
     * {@code view=all}), by "package@version", to its verdict and the reasons it gave.
     */
    public Map<String, String> verdicts() throws Exception {
        HttpResponse<String> r = admin("GET", "quarantine?status=all&view=all&limit=1000", adminToken(), null);
        if (r.statusCode() != 200) {
            throw new AssertionError("the queue answered " + r.statusCode() + ": " + r.body());
        }
        Map<String, String> out = new java.util.TreeMap<>();
        for (com.fasterxml.jackson.databind.JsonNode e : new com.fasterxml.jackson.databind.ObjectMapper().readTree(r.body()).path("items")) {
            out.put(e.path("package").asText() + "@" + e.path("version").asText(), e.path("verdict").asText() + " " + e.path("reasons"));
        }
        return out;
    }

    /** Calls the admin API ({@code path} below {@code /-/admin/api/}) with a bearer token (null for none) and a JSON body (null for none). */
    public HttpResponse<String> admin(String method, String path, String token, String json) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(uri("/-/admin/api/" + path)).timeout(Duration.ofSeconds(60))
                .method(method, json == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(json));
        if (token != null) {
            b.header("Authorization", "Bearer " + token);
        }
        if (json != null) {
            b.header("Content-Type", "application/json");
        }
        return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    public String metrics() throws Exception {
        return new String(get("/-/metrics").body());
    }

    @Override
    public void close() {
        airlock.close();
    }
}
