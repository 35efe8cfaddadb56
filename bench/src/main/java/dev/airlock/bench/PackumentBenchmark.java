package dev.airlock.bench;

import dev.airlock.core.ecosystem.Ecosystem;
import dev.airlock.core.ecosystem.MetadataException;
import dev.airlock.core.ecosystem.MetadataRequest;
import dev.airlock.core.ecosystem.PackageMetadata;
import dev.airlock.core.ecosystem.RenderContext;
import dev.airlock.npm.NpmEcosystem;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

import java.io.IOException;
import java.io.InputStream;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.zip.GZIPInputStream;

/**
 * Parse and render of real recorded packuments through the npm ecosystem's public SPI: what a
 * cold or revalidated metadata request costs before its rendering is cached.
 *
 * <p>Run: {@code mvn -q -DskipTests install && java -jar bench/target/benchmarks.jar PackumentBenchmark}
 * (add {@code -f 1 -wi 3 -i 5} for a quick run).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class PackumentBenchmark {

    /** next: 21 MB, 3000+ versions; react: 4 MB. */
    @Param({"next", "react"})
    public String pkg;

    private final Ecosystem npm = new NpmEcosystem();
    private byte[] raw;
    private MetadataRequest full;
    private MetadataRequest abbreviated;
    private PackageMetadata parsedFull;
    private PackageMetadata parsedAbbreviated;
    private final RenderContext context = new RenderContext("http://127.0.0.1:8080/npm/", v -> true);

    @Setup
    public void load() throws IOException, MetadataException {
        try (InputStream in = new GZIPInputStream(PackumentBenchmark.class.getResourceAsStream("/packuments/" + pkg + ".json.gz"))) {
            raw = in.readAllBytes();
        }
        full = new MetadataRequest(pkg, "full", pkg, Map.of());
        abbreviated = new MetadataRequest(pkg, "abbreviated", pkg, Map.of());
        parsedFull = npm.parse(full, null, raw, "application/json");
        parsedAbbreviated = npm.parse(abbreviated, null, raw, "application/json");
    }

    @Benchmark
    public PackageMetadata parse() throws MetadataException {
        return npm.parse(full, null, raw, "application/json");
    }

    @Benchmark
    public byte[] renderFull() {
        return parsedFull.render(raw, context).body();
    }

    @Benchmark
    public byte[] renderAbbreviated() {
        return parsedAbbreviated.render(raw, context).body();
    }

    @Benchmark
    public byte[] parseAndRenderFull() throws MetadataException {
        return npm.parse(full, null, raw, "application/json").render(raw, context).body();
    }
}
