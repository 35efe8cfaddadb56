package dev.airlock.core.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;

import java.time.Duration;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * Airlock's meters, exposed in Prometheus text format at {@code /-/metrics}.
 *
 * <p>Meters are looked up once per tag combination and kept, so recording on the warm request
 * path is a map lookup and an atomic add.
 */
public final class AirlockMetrics {

    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final ConcurrentHashMap<Key, Counter> counters = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<Key, Timer> timers = new ConcurrentHashMap<>();

    /** Meter name and tag values; a cheap lookup key (tag values' hash codes are cached by String). */
    private record Key(String name, String a, String b, String c) {
    }

    public AirlockMetrics() {
        new JvmMemoryMetrics().bindTo(registry);
        new JvmThreadMetrics().bindTo(registry);
        new ProcessorMetrics().bindTo(registry);
    }

    /** One answered client request. {@code route} is the route kind (metadata, artifact, ...). */
    public void request(String ecosystem, String route, int status, long bytes) {
        counters.computeIfAbsent(new Key("airlock.requests", ecosystem, route, statusText(status)), k -> Counter.builder(k.name())
                .description("requests answered").tags("ecosystem", k.a(), "route", k.b(), "status", k.c()).register(registry)).increment();
        if (bytes > 0) {
            counter("airlock.served.bytes", "body bytes sent to clients", "ecosystem", ecosystem).increment(bytes);
        }
    }

    /** A cache lookup: {@code kind} metadata or artifact, {@code result} hit, miss, revalidated or stale. */
    public void cache(String ecosystem, String kind, String result) {
        counter("airlock.cache.lookups", "cache lookups by result", "ecosystem", ecosystem, "kind", kind, "result", result).increment();
    }

    /** A request that joined an upstream fetch already under way instead of starting its own. */
    public void coalesced(String ecosystem, String kind) {
        counter("airlock.coalesced.requests", "requests served by another request's upstream fetch", "ecosystem", ecosystem, "kind", kind).increment();
    }

    /** A request to an upstream, what it was for (document, file, signature, attestation, probe, keys), and how it ended. */
    public void upstreamRequest(String ecosystem, String kind, String outcome, long nanos) {
        timers.computeIfAbsent(new Key("airlock.upstream.request", ecosystem, outcome, kind), k -> Timer.builder(k.name())
                .description("upstream request latency until headers, by kind and outcome")
                .tags("ecosystem", ecosystem, "kind", kind, "outcome", outcome)
                .publishPercentileHistogram()
                .minimumExpectedValue(Duration.ofMillis(1))
                .maximumExpectedValue(Duration.ofSeconds(60))
                .register(registry)).record(nanos, TimeUnit.NANOSECONDS);
    }

    /** How long a request waited for a thread of a pool ("workers", "admin") before its work began. */
    public void workerQueue(String pool, long nanos) {
        timers.computeIfAbsent(new Key("airlock.worker.queue", pool, null, null), k -> Timer.builder(k.name())
                .description("time a request waited for a worker thread")
                .tags("pool", pool)
                .publishPercentileHistogram()
                .minimumExpectedValue(Duration.ofNanos(10_000))
                .maximumExpectedValue(Duration.ofSeconds(60))
                .register(registry)).record(nanos, TimeUnit.NANOSECONDS);
    }

    /** An event worth alerting on (integrity failure, dropped access-log lines). */
    public void event(String name, String ecosystem) {
        counter("airlock.events", "notable events", "event", name, "ecosystem", ecosystem).increment();
    }

    /** A value read when scraped. */
    public void gauge(String name, String description, Supplier<Number> value) {
        Gauge.builder(name, value).description(description).register(registry);
    }

    public String scrape() {
        return registry.scrape();
    }

    /** A counter with one to three tags (name/value pairs). */
    private Counter counter(String name, String description, String... tags) {
        Key key = new Key(name, tags[1], tags.length > 3 ? tags[3] : null, tags.length > 5 ? tags[5] : null);
        return counters.computeIfAbsent(key, k -> Counter.builder(name).description(description).tags(tags).register(registry));
    }

    private static final String[] STATUS_TEXT = new String[600];

    static {
        for (int i = 100; i < STATUS_TEXT.length; i++) {
            STATUS_TEXT[i] = Integer.toString(i).intern();
        }
    }

    private static String statusText(int status) {
        return status >= 100 && status < STATUS_TEXT.length ? STATUS_TEXT[status] : Integer.toString(status);
    }
}
