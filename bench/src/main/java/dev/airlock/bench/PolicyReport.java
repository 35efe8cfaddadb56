package dev.airlock.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.airlock.config.ConfigLoader;
import dev.airlock.config.PolicyConfig;
import dev.airlock.core.ecosystem.ContentFacts;
import dev.airlock.core.ecosystem.Ecosystem;
import dev.airlock.core.ecosystem.LockedArtifact;
import dev.airlock.core.ecosystem.MetadataRequest;
import dev.airlock.core.ecosystem.PackageMetadata;
import dev.airlock.core.ecosystem.ReleaseFacts;
import dev.airlock.core.policy.Evaluation;
import dev.airlock.core.policy.Finding;
import dev.airlock.core.policy.KnownMalicious;
import dev.airlock.core.policy.PolicyEngine;
import dev.airlock.core.policy.Typosquats;
import dev.airlock.core.policy.Verdict;
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
 * each package as Airlock would on first sight. With {@code --lockfiles DIR} it also decides every
 * version the {@code *package-lock.json[.gz]} files in DIR pin, against the packuments in
 * {@code DIR/packuments} (and their tarballs {@code TARBALLS/pinned/<name with / as _>-<version>.tgz}).
 *
 * <p>Run: {@code java -cp bench/target/benchmarks.jar dev.airlock.bench.PolicyReport PACKUMENTS [TARBALLS] [--lockfiles DIR] [--now ISO] [--by-version]}
 */
public final class PolicyReport {

    private final PolicyEngine engine;
    private final NpmEcosystem npm = new NpmEcosystem();
    private final Instant now;
    private final boolean byVersion;
    private final Map<String, Integer> byCheck = new TreeMap<>();
    private int decided;
    private int held;

    private PolicyReport(Instant now, boolean byVersion) {
        PolicyConfig defaults = ConfigLoader.defaults().policy();
        this.engine = new PolicyEngine(defaults, defaults.holdUnknownAge(), KnownMalicious.none(),
                new Typosquats(Map.of("npm", npm.popularNames())));
        this.now = now;
        this.byVersion = byVersion;
    }

    public static void main(String[] args) throws Exception {
        Path packuments = Path.of(args[0]);
        Path tarballs = args.length > 1 && !args[1].startsWith("--") ? Path.of(args[1]) : null;
        Path lockfiles = null;
        Instant now = Instant.now();
        boolean byVersion = false;
        for (int i = 0; i < args.length; i++) {
            if (args[i].equals("--now") && i + 1 < args.length) {
                now = Instant.parse(args[i + 1]);
            }
            if (args[i].equals("--lockfiles") && i + 1 < args.length) {
                lockfiles = Path.of(args[i + 1]);
            }
            // Publish times that cannot be trusted (a mirror that rewrites them): order releases by version instead.
            byVersion |= args[i].equals("--by-version");
        }
        PolicyReport report = new PolicyReport(now, byVersion);
        for (Path f : list(packuments, ".json", ".json.gz")) {
            byte[] body = read(f);
            JsonNode doc = new ObjectMapper().readTree(body);
            // The version npm installs by default, whose tarball was recorded (not always the newest by time).
            String latest = doc.path("dist-tags").path("latest").asText(null);
            Path tgz = tarballs == null ? null : tarballs.resolve(doc.get("name").asText().replace('/', '_') + ".tgz");
            report.decide(body, latest, tgz);
        }
        report.summary("latest versions");
        if (lockfiles != null) {
            report = new PolicyReport(now, byVersion);
            Map<String, java.util.SortedSet<String>> pinned = new TreeMap<>();
            for (Path f : list(lockfiles, "package-lock.json", "package-lock.json.gz")) {
                for (LockedArtifact a : report.npm.lockfile(Path.of("package-lock.json"), read(f)).orElseThrow()) {
                    pinned.computeIfAbsent(a.name(), k -> new java.util.TreeSet<>()).add(a.version());
                }
            }
            for (Map.Entry<String, java.util.SortedSet<String>> e : pinned.entrySet()) {
                String file = e.getKey().replace('/', '_');
                byte[] body = read(lockfiles.resolve("packuments").resolve(file + ".json.gz"));
                for (String version : e.getValue()) {
                    report.decide(body, version, tarballs == null ? null : tarballs.resolve("pinned").resolve(file + "-" + version + ".tgz"));
                }
            }
            report.summary("pinned versions (" + pinned.size() + " packages)");
        }
    }

    private static List<Path> list(Path dir, String... suffixes) throws java.io.IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(p -> Stream.of(suffixes).anyMatch(x -> p.toString().endsWith(x))).sorted().toList();
        }
    }

    private static byte[] read(Path f) throws java.io.IOException {
        try (InputStream in = f.toString().endsWith(".gz") ? new GZIPInputStream(Files.newInputStream(f)) : Files.newInputStream(f)) {
            return in.readAllBytes();
        }
    }

    /** Decides {@code version} (the newest when null) of the packument in {@code body}, reading its tarball when there is one. */
    private void decide(byte[] body, String version, Path tgz) throws Exception {
        String name = new ObjectMapper().readTree(body).get("name").asText();
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
            return;
        }
        String wanted = version == null ? history.get(history.size() - 1).version() : version;
        Map<String, ContentFacts> content = Map.of();
        if (tgz != null && Files.isRegularFile(tgz)) {
            String filename = (name.contains("/") ? name.substring(name.indexOf('/') + 1) : name) + "-" + wanted + ".tgz";
            content = Map.of(wanted, npm.inspect(md, name, wanted, filename, tgz));
        }
        List<Evaluation> all = engine.evaluate("npm", name, history, Map.of(), content, dep -> null, md.versionOrder(), now);
        Evaluation e = all.stream().filter(x -> x.version().equals(wanted)).findFirst().orElse(all.get(all.size() - 1));
        decided++;
        StringBuilder line = new StringBuilder(String.format("%-28s %-14s %-11s", name, wanted, e.verdict()));
        for (Finding finding : e.findings()) {
            line.append(finding.holds() ? " HOLD " : " note ").append(finding.check()).append(": ").append(finding.message());
            if (finding.holds()) {
                byCheck.merge(finding.check(), 1, Integer::sum);
            }
        }
        if (e.verdict() != Verdict.APPROVED) {
            held++;
        }
        System.out.println(line);
    }

    private void summary(String what) {
        System.out.println();
        System.out.println(decided + " " + what + ", " + held + " held (now " + now + ", minimumReleaseAge "
                + ConfigLoader.defaults().policy().minimumReleaseAge() + ")");
        byCheck.forEach((check, n) -> System.out.println("  " + check + ": " + n));
        System.out.println();
    }
}
