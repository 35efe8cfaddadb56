package dev.airlock.bench;

import dev.airlock.core.ecosystem.Ecosystem;
import dev.airlock.core.ecosystem.MetadataException;
import dev.airlock.core.ecosystem.MetadataRequest;
import dev.airlock.core.ecosystem.PackageMetadata;
import dev.airlock.core.ecosystem.RenderContext;
import dev.airlock.pypi.PypiEcosystem;
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

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Rendering a 2,000-file PyPI project page (HTML and JSON) from parsed facts, through the PyPI
 * ecosystem's public SPI: what a cold or changed project page costs before its rendering is cached.
 * The page is generated in the shape of PyPI's PEP 691 JSON (PyPI is not reachable here to record one).
 *
 * <p>Run: {@code mvn -q -DskipTests install && java -jar bench/target/benchmarks.jar ProjectPageBenchmark}
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class ProjectPageBenchmark {

    private static final int FILES = 2000;

    private final Ecosystem pypi = new PypiEcosystem();
    private final RenderContext context = new RenderContext("http://127.0.0.1:8080/pypi/", v -> true);
    private final URI url = URI.create("https://index.example/simple/bigproject/");
    private byte[] raw;
    private PackageMetadata json;
    private PackageMetadata html;

    @Setup
    public void load() throws MetadataException {
        StringBuilder sb = new StringBuilder("{\"meta\":{\"api-version\":\"1.1\"},\"name\":\"BigProject\",\"versions\":[");
        for (int v = 0; v < FILES / 4; v++) {
            sb.append(v == 0 ? "" : ",").append("\"1.").append(v).append(".0\"");
        }
        sb.append("],\"files\":[");
        String[] tags = {"cp311-cp311-manylinux_2_17_x86_64.manylinux2014_x86_64", "cp312-cp312-macosx_11_0_arm64", "py3-none-any"};
        for (int i = 0; i < FILES; i++) {
            int v = i / 4;
            String file = i % 4 == 3 ? "bigproject-1." + v + ".0.tar.gz" : "bigproject-1." + v + ".0-" + tags[i % 4] + ".whl";
            String sha = String.format("%064x", i * 2654435761L);
            sb.append(i == 0 ? "" : ",").append("{\"filename\":\"").append(file).append("\",\"url\":\"https://files.example/packages/")
                    .append(sha, 0, 2).append('/').append(sha, 2, 4).append('/').append(file).append("\",\"hashes\":{\"sha256\":\"")
                    .append(sha).append("\"},\"requires-python\":\">=3.8\",\"core-metadata\":{\"sha256\":\"").append(sha)
                    .append("\"},\"yanked\":false,\"size\":").append(100_000 + i).append(",\"upload-time\":\"2024-01-02T03:04:05.123456Z\"}");
        }
        raw = sb.append("]}").toString().getBytes(StandardCharsets.UTF_8);
        json = pypi.parse(new MetadataRequest("bigproject", "json", "bigproject/", Map.of()), url, raw, "application/vnd.pypi.simple.v1+json");
        html = pypi.parse(new MetadataRequest("bigproject", "html", "bigproject/", Map.of()), url, raw, "application/vnd.pypi.simple.v1+json");
    }

    @Benchmark
    public byte[] renderJson() {
        return json.render(raw, context).body();
    }

    @Benchmark
    public byte[] renderHtml() {
        return html.render(raw, context).body();
    }

    /** A hostile HTML page: 20,000 unclosed anchors (234 KiB), which a regular expression once read in quadratic time. */
    private final byte[] unclosedAnchors = "<a href=\"x.whl\">".repeat(20_000).getBytes(StandardCharsets.UTF_8);

    @Benchmark
    public PackageMetadata parseHostileHtml() throws MetadataException {
        return pypi.parse(new MetadataRequest("bigproject", "html", "bigproject/", Map.of()), url, unclosedAnchors, "text/html");
    }

    @Benchmark
    public PackageMetadata parseJson() throws MetadataException {
        return pypi.parse(new MetadataRequest("bigproject", "json", "bigproject/", Map.of()), url, raw, "application/vnd.pypi.simple.v1+json");
    }
}
