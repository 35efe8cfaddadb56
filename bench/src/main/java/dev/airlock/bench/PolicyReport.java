package dev.airlock.bench;

import dev.airlock.config.ConfigLoader;
import dev.airlock.config.PolicyConfig;
import dev.airlock.core.ecosystem.ContentFacts;
import dev.airlock.core.ecosystem.Ecosystem;
import dev.airlock.core.ecosystem.MetadataRequest;
import dev.airlock.core.ecosystem.PackageMetadata;
import dev.airlock.core.ecosystem.ReleaseFacts;
import dev.airlock.core.policy.Evaluation;
import dev.airlock.core.policy.Finding;
import dev.airlock.core.policy.KnownMalicious;
import dev.airlock.core.policy.PolicyEngine;
import dev.airlock.core.policy.Typosquats;
import dev.airlock.npm.NpmEcosystem;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import java.util.zip.GZIPInputStream;

/**
 * How many latest versions of real packages the default policy would hold, and why: the false
 * positive check behind docs/POLICY.md. Reads npm packuments ({@code *.json} or {@code *.json.gz})
 * and, optionally, the latest versions' tarballs ({@code <name with / as _>.tgz}), and decides
 * each package as Airlock would on first sight.
 *
 * <p>Run: {@code java -cp bench/target/benchmarks.jar dev.airlock.bench.PolicyReport PACKUMENTS [TARBALLS] [--now ISO] [--by-version]}
 */
public final class PolicyReport {

    private PolicyReport() {
    }

    public static void main(String[] args) throws Exception {
        Path packuments = Path.of(args[0]);
        Path tarballs = args.length > 1 && !args[1].startsWith("--") ? Path.of(args[1]) : null;
        Instant now = Instant.now();
        boolean byVersion = false;
        for (int i = 0; i < args.length; i++) {
            if (args[i].equals("--now") && i + 1 < args.length) {
                now = Instant.parse(args[i + 1]);
            }
            // Publish times that cannot be trusted (a mirror that rewrites them): order releases by version instead.
            byVersion |= args[i].equals("--by-version");
        }
        PolicyConfig defaults = ConfigLoader.defaults().policy();
        Ecosystem npm = new NpmEcosystem();
        PolicyEngine engine = new PolicyEngine(defaults, defaults.holdUnknownAge(), KnownMalicious.none(),
                new Typosquats(Map.of("npm", npm.popularNames())));
        Map<String, Integer> byCheck = new TreeMap<>();
        int packages = 0;
        int held = 0;
        List<Path> files;
        try (Stream<Path> s = Files.list(packuments)) {
            files = s.filter(p -> p.toString().endsWith(".json") || p.toString().endsWith(".json.gz")).sorted().toList();
        }
        for (Path f : files) {
            byte[] body;
            try (InputStream in = f.toString().endsWith(".gz") ? new GZIPInputStream(Files.newInputStream(f)) : Files.newInputStream(f)) {
                body = in.readAllBytes();
            }
            com.fasterxml.jackson.databind.JsonNode doc = new com.fasterxml.jackson.databind.ObjectMapper().readTree(body);
            String name = doc.get("name").asText();
            PackageMetadata md = npm.parse(new MetadataRequest(name, "full", name, Map.of()), null, body, "application/json");
            List<ReleaseFacts> history = md.releaseFacts();
            if (byVersion && md.versionOrder() != null) {
                java.util.Comparator<String> order = md.versionOrder();
                history = history.stream().sorted((a, b) -> {
                    try {
                        return order.compare(a.version(), b.version());
                    } catch (RuntimeException e) {
                        return 0;
                    }
                }).toList();
            }
            if (history.isEmpty()) {
                continue;
            }
            packages++;
            // The version npm installs by default, whose tarball was recorded (not always the newest by time).
            String latest = doc.path("dist-tags").path("latest").asText(history.get(history.size() - 1).version());
            Map<String, ContentFacts> content = Map.of();
            if (tarballs != null) {
                Path tgz = tarballs.resolve(name.replace('/', '_') + ".tgz");
                if (Files.isRegularFile(tgz)) {
                    String filename = (name.contains("/") ? name.substring(name.indexOf('/') + 1) : name) + "-" + latest + ".tgz";
                    content = Map.of(latest, npm.inspect(md, name, latest, filename, tgz));
                }
            }
            List<Evaluation> all = engine.evaluate("npm", name, history, Map.of(), content, dep -> null, md.versionOrder(), now);
            Evaluation e = all.stream().filter(x -> x.version().equals(latest)).findFirst().orElse(all.get(all.size() - 1));
            StringBuilder line = new StringBuilder(String.format("%-28s %-14s %-11s", name, latest, e.verdict()));
            for (Finding finding : e.findings()) {
                line.append(finding.holds() ? " HOLD " : " note ").append(finding.check()).append(": ").append(finding.message());
                if (finding.holds()) {
                    byCheck.merge(finding.check(), 1, Integer::sum);
                }
            }
            if (e.verdict() != dev.airlock.core.policy.Verdict.APPROVED) {
                held++;
            }
            System.out.println(line);
        }
        System.out.println();
        System.out.println(packages + " packages, " + held + " latest versions held (now " + now + ", minimumReleaseAge "
                + defaults.minimumReleaseAge() + ")");
        byCheck.forEach((check, n) -> System.out.println("  " + check + ": " + n));
    }
}
