package dev.airlock.bench;

import dev.airlock.core.ecosystem.Ecosystem;
import dev.airlock.core.ecosystem.MetadataException;
import dev.airlock.core.ecosystem.MetadataRequest;
import dev.airlock.core.ecosystem.PackageMetadata;
import dev.airlock.core.ecosystem.RenderContext;
import dev.airlock.maven.MavenEcosystem;
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
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;

/**
 * An artifact's {@code maven-metadata.xml} with 2,000 versions: parsed (safe StAX, no DTD) and
 * rendered again in Maven's version order with {@code latest}/{@code release} recomputed, all
 * versions visible and with a policy hiding one in ten. Versions mix the shapes real artifacts
 * use (x.y.z, .Final, -rc-N, -beta, -M, -jre/-android flavours) in shuffled upload order.
 *
 * <p>Run: {@code mvn -q -DskipTests install && java -jar bench/target/benchmarks.jar MavenMetadataBenchmark}
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class MavenMetadataBenchmark {

    private static final int VERSIONS = 2000;

    private final Ecosystem maven = new MavenEcosystem();
    private final MetadataRequest request = new MetadataRequest("org:example:big", "metadata", "org/example/big/maven-metadata.xml", Map.of());
    private final URI url = URI.create("https://repo.example/maven2/org/example/big/maven-metadata.xml");
    private final RenderContext all = new RenderContext("http://127.0.0.1:8080/maven/", v -> true);
    private final RenderContext filtered = new RenderContext("http://127.0.0.1:8080/maven/", v -> v.hashCode() % 10 != 0);
    private byte[] raw;
    private PackageMetadata parsed;

    @Setup
    public void load() throws MetadataException {
        String[] suffix = {"", ".Final", "-rc-1", "-beta", "-M2", "-jre", "-android", ".RELEASE", "-alpha-3", "-SNAPSHOT"};
        List<String> versions = new ArrayList<>();
        for (int i = 0; versions.size() < VERSIONS; i++) {
            versions.add((i / 100) + "." + (i / 10 % 10) + "." + (i % 10) + suffix[i % suffix.length]);
        }
        Collections.shuffle(versions, new Random(42));
        StringBuilder sb = new StringBuilder("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<metadata>\n  <groupId>org.example</groupId>\n"
                + "  <artifactId>big</artifactId>\n  <versioning>\n    <latest>0.0.1</latest>\n    <release>0.0.1</release>\n    <versions>\n");
        versions.forEach(v -> sb.append("      <version>").append(v).append("</version>\n"));
        sb.append("    </versions>\n    <lastUpdated>20261019203412</lastUpdated>\n  </versioning>\n</metadata>\n");
        raw = sb.toString().getBytes(StandardCharsets.UTF_8);
        parsed = maven.parse(request, url, raw, "text/xml");
    }

    @Benchmark
    public PackageMetadata parse() throws MetadataException {
        return maven.parse(request, url, raw, "text/xml");
    }

    @Benchmark
    public byte[] render() {
        return parsed.render(raw, all).body();
    }

    @Benchmark
    public byte[] renderFiltered() {
        return parsed.render(raw, filtered).body();
    }

    @Benchmark
    public byte[] parseAndRender() throws MetadataException {
        return maven.parse(request, url, raw, "text/xml").render(raw, all).body();
    }
}
