package dev.airlock.bench;

import dev.airlock.config.ConfigLoader;
import dev.airlock.config.PolicyConfig;
import dev.airlock.core.ecosystem.MetadataRequest;
import dev.airlock.core.ecosystem.PackageMetadata;
import dev.airlock.core.ecosystem.ReleaseFacts;
import dev.airlock.core.policy.Evaluation;
import dev.airlock.core.policy.KnownMalicious;
import dev.airlock.core.policy.PolicyEngine;
import dev.airlock.core.policy.Typosquats;
import dev.airlock.npm.NpmEcosystem;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

import java.io.InputStream;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.zip.GZIPInputStream;

/**
 * Deciding every release of a package with thousands of versions: what a changed packument costs
 * the policy (it runs once per document change, never per request). Uses the recorded packument
 * of {@code next} (3,000+ versions) from the npm module's test resources.
 *
 * <p>Run: {@code java -jar bench/target/benchmarks.jar PolicyBenchmark}
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class PolicyBenchmark {

    private final NpmEcosystem npm = new NpmEcosystem();
    private PolicyEngine engine;
    private PackageMetadata next;
    private List<ReleaseFacts> history;
    private final Instant now = Instant.parse("2026-11-22T00:00:00Z");

    @Setup
    public void load() throws Exception {
        PolicyConfig defaults = ConfigLoader.defaults().policy();
        engine = new PolicyEngine(defaults, false, KnownMalicious.none(), new Typosquats(Map.of("npm", npm.popularNames())));
        byte[] body;
        try (InputStream in = new GZIPInputStream(PolicyBenchmark.class.getResourceAsStream("/packuments/next.json.gz"))) {
            body = in.readAllBytes();
        }
        next = npm.parse(new MetadataRequest("next", "full", "next", Map.of()), null, body, "application/json");
        history = next.releaseFacts();
    }

    @Benchmark
    public List<Evaluation> evaluateAllVersions() {
        return engine.evaluate("npm", "next", history, Map.of(), Map.of(), d -> null, next.versionOrder(), now);
    }
}
