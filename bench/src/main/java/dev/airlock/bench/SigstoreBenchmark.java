package dev.airlock.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.airlock.core.trust.SigstoreBundle;
import dev.airlock.core.trust.SigstoreVerifier;
import dev.airlock.core.trust.TrustedRoot;
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

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * Verifying one real SLSA provenance bundle offline (npm's {@code @playwright/cli@0.1.1}, recorded
 * in the repository's test resources): certificate chain, SCT, signed entry timestamp, inclusion proof,
 * checkpoint and DSSE signature. A release's attestations are verified once and remembered, so
 * this is a per-release cost, never a per-request one.
 *
 * <p>Run from the repository root: {@code java -jar bench/target/benchmarks.jar SigstoreBenchmark}
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class SigstoreBenchmark {

    private SigstoreVerifier verifier;
    private JsonNode bundle;

    @Setup
    public void setUp() throws Exception {
        Path real = Path.of("proxy-core/src/test/resources/dev/airlock/core/trust/real/npm-playwright-cli-0.1.1-attestations.json");
        if (!Files.isRegularFile(real)) {
            throw new IllegalStateException("run from the repository root: " + real.toAbsolutePath() + " is missing");
        }
        for (JsonNode a : new ObjectMapper().readTree(real.toFile()).path("attestations")) {
            if (a.path("predicateType").asText().startsWith("https://slsa.dev/provenance/")) {
                bundle = a.path("bundle");
            }
        }
        verifier = new SigstoreVerifier(TrustedRoot.shipped());
    }

    @Benchmark
    public Object parseAndVerifyProvenance() throws Exception {
        return verifier.verifyDsse(SigstoreBundle.parse(bundle), null);
    }
}
