package dev.airlock.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.airlock.core.testing.ClientProcess;
import dev.airlock.core.testing.RunningAirlock;
import dev.airlock.maven.PgpSignature;
import dev.airlock.maven.fixture.FixtureMavenRepository;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * How many of the files a real Maven build needs Airlock's embedded default policy refuses, and
 * why: the Maven false-positive report behind docs/POLICY.md. It starts a loopback repository that
 * serves a recorded build (the POMs and jars from a local repository, the real {@code .asc} files
 * and {@code maven-metadata.xml} from the recording), Airlock on its defaults ({@code enforce}) in
 * front of it, runs the recorded project's {@code mvn package} through Airlock from an empty local
 * repository, then asks Airlock for every file the build needs and counts the 403s with their
 * reasons.
 *
 * <p>The recording ({@code bench/maven-build/}, see its README) names the files; the files
 * themselves come from the local repository. {@code --fill} first runs the same build straight
 * against the machine's own Maven repositories into that local repository (network needed once).
 *
 * <p>Run: {@code java -cp bench/target/benchmarks.jar dev.airlock.bench.MavenBuildReport bench/maven-build [--repo DIR] [--fill]}
 * ({@code --repo} defaults to {@code ~/.m2/repository}).
 */
public final class MavenBuildReport {

    private static final ObjectMapper JSON = new ObjectMapper();

    private MavenBuildReport() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length == 0 || args[0].startsWith("--")) {
            System.err.println("usage: MavenBuildReport RECORDING [--repo LOCAL_REPOSITORY] [--fill]");
            System.exit(2);
        }
        // Airlock's own log (keys learnt, decisions) would bury the figures; warnings stay.
        java.util.logging.Logger.getLogger("").setLevel(java.util.logging.Level.WARNING);
        Path recording = Path.of(args[0]);
        Path repo = Path.of(System.getProperty("user.home"), ".m2", "repository");
        boolean fill = false;
        for (int i = 1; i < args.length; i++) {
            if (args[i].equals("--repo") && i + 1 < args.length) {
                repo = Path.of(args[++i]);
            } else if (args[i].equals("--fill")) {
                fill = true;
            } else {
                throw new IllegalArgumentException("unknown argument " + args[i]);
            }
        }
        List<String> files = Files.readAllLines(recording.resolve("files.txt")).stream().filter(l -> !l.isBlank()).toList();
        Path work = Files.createTempDirectory("maven-build-report-");
        try {
            if (fill) {
                Files.createDirectories(repo);
                ClientProcess.Result r = mvnPackage(recording, work.resolve("fill"), null, repo);
                if (r.exitCode() != 0) {
                    System.err.println(r.both());
                    throw new IllegalStateException("the build against the machine's own repositories failed (exit " + r.exitCode() + ")");
                }
                for (String f : previousFiles(recording)) {
                    String[] p = f.split("/");
                    String gav = String.join(".", List.of(p).subList(0, p.length - 3)) + ":" + p[p.length - 3] + ":" + p[p.length - 2]
                            + ":" + f.substring(f.lastIndexOf('.') + 1);
                    r = ClientProcess.run(work, Map.of(), 600, List.of("mvn", "-B", "-Dmaven.repo.local=" + repo.toAbsolutePath(),
                            "org.apache.maven.plugins:maven-dependency-plugin:3.8.1:get", "-Dtransitive=false", "-Dartifact=" + gav));
                    if (r.exitCode() != 0) {
                        System.err.println(r.both());
                        throw new IllegalStateException("cannot fetch " + gav);
                    }
                }
            }
            final Path local = repo;
            List<String> missing = Stream.concat(files.stream(), previousFiles(recording).stream())
                    .filter(f -> !Files.isRegularFile(local.resolve(f))).toList();
            if (!missing.isEmpty()) {
                System.err.println(missing.size() + " of the " + files.size() + " files are not in " + repo + ", e.g. " + missing.get(0)
                        + "; run once with --fill (network needed)");
                System.exit(2);
            }
            report(recording, files, repo, work);
        } finally {
            deleteTree(work);
        }
    }

    private static void report(Path recording, List<String> files, Path repo, Path work) throws Exception {
        Map<String, PgpSignature.Detached> signatures = new TreeMap<>();
        // Only signed POMs have a date (their signature's); the rest are sent undated, as the mirror sends them.
        FixtureMavenRepository.Builder b = FixtureMavenRepository.builder().localRepository(repo).undatedUnlessRecorded();
        for (Path f : regularFiles(recording.resolve("asc"))) {
            String path = rel(recording.resolve("asc"), f);
            String signed = path.substring(0, path.length() - ".asc".length());
            PgpSignature.Detached d = (PgpSignature.Detached) PgpSignature.parse(f);
            signatures.put(signed, d);
            b.raw(path, "application/pgp-signature", Files.readAllBytes(f));
            // The repository here sends no Last-Modified; a real one's is within minutes of the signature.
            if (signed.endsWith(".pom")) {
                b.lastModified(signed, d.createdAt());
            }
        }
        for (Path f : regularFiles(recording.resolve("metadata"))) {
            b.raw(rel(recording.resolve("metadata"), f), Files.readAllBytes(f));
        }
        // The versions before those with a hook, which Airlock reads to compare them with: POMs and .asc
        // recorded, jars from the local repository. Dated by their signatures like the rest, else a lower
        // version would look published after the release above it, and be passed over as a backport.
        for (Path f : regularFiles(recording.resolve("previous"))) {
            String path = rel(recording.resolve("previous"), f);
            if (path.endsWith(".asc")) {
                b.raw(path, "application/pgp-signature", Files.readAllBytes(f));
                if (path.endsWith(".pom.asc")) {
                    b.lastModified(path.substring(0, path.length() - ".asc".length()),
                            ((PgpSignature.Detached) PgpSignature.parse(f)).createdAt());
                }
            } else {
                b.raw(path, Files.readAllBytes(f));
            }
        }
        long sha1 = signatures.values().stream().filter(d -> d.hashAlgorithm().equals("SHA-1")).count();
        System.out.println(files.size() + " files (" + files.stream().filter(f -> f.endsWith(".jar")).count() + " jars), "
                + signatures.size() + " with an .asc upstream (" + sha1 + " over SHA-1, by "
                + signatures.values().stream().map(PgpSignature.Detached::keyId).distinct().count() + " keys)");

        try (FixtureMavenRepository up = b.start();
             RunningAirlock airlock = RunningAirlock.start(RunningAirlock.config(work.resolve("data"), "maven", URI.create(up.baseUrl())))) {
            ClientProcess.Result build = mvnPackage(recording, work.resolve("build"), airlock.uri("/maven/").toString(), work.resolve("repo"));
            System.out.println("mvn package through Airlock (enforce, embedded defaults): "
                    + (build.exitCode() == 0 ? "BUILD SUCCESS" : "failed, exit " + build.exitCode()));
            if (build.exitCode() != 0) {
                build.both().lines().filter(l -> l.contains("[ERROR]")).limit(5).forEach(l -> System.out.println("  " + l));
            }

            // Every file the build needs, asked for directly: the build stops at its first refusal, this does not.
            Map<String, Integer> statuses = new TreeMap<>();
            Map<String, Integer> reasons = new TreeMap<>();
            List<String> refused = new ArrayList<>();
            for (String f : files) {
                HttpResponse<byte[]> r = airlock.get("/maven/" + f);
                statuses.merge(String.valueOf(r.statusCode()), 1, Integer::sum);
                if (r.statusCode() == 403) {
                    JsonNode block = JSON.readTree(r.body());
                    List<String> why = new ArrayList<>();
                    block.path("reasons").forEach(n -> why.add(n.isTextual() ? n.asText() : n.toString()));
                    refused.add(f + " " + block.path("verdict").asText() + " " + why);
                    why.forEach(w -> reasons.merge(block.path("verdict").asText() + ": " + w, 1, Integer::sum));
                }
            }
            refused.forEach(l -> System.out.println("  refused " + l));
            System.out.printf("%d of %d files refused (%.1f %%); statuses %s%n", refused.size(), files.size(),
                    100.0 * refused.size() / files.size(), statuses);
            reasons.forEach((reason, n) -> System.out.println("  " + n + " x " + reason));

            // The releases Airlock decided other than approved.
            Set<String> asked = new HashSet<>();
            files.forEach(f -> asked.add(release(f)));
            HttpResponse<String> q = airlock.admin("GET", "quarantine?status=all&limit=5000", airlock.adminToken(), null);
            for (JsonNode e : JSON.readTree(q.body()).path("items")) {
                String release = e.path("package").asText() + "@" + e.path("version").asText();
                String line = release + " " + e.path("verdict").asText() + " " + e.path("reasons");
                if (!e.path("verdict").asText().equals("APPROVED")) {
                    System.out.println("  " + (asked.contains(release) ? "not approved " : "not approved (read to compare) ") + line);
                }
            }
            List<String> absent = up.log().stream().filter(r -> r.method().equals("GET"))
                    .map(r -> r.path().substring(1)).filter(p -> !servable(p, files, signatures, recording, repo)).distinct().sorted().toList();
            List<String> files404 = absent.stream().filter(p -> !p.endsWith(".asc") && !p.endsWith(".sigstore.json")).toList();
            System.out.println("asked upstream and absent from the recording (404 here): " + (absent.size() - files404.size())
                    + " .asc and .sigstore.json, " + files404.size() + " other files");
            files404.forEach(p -> System.out.println("  " + p));
        }
    }

    /** Whether the loopback repository had something at this path (a file, its checksum, a recorded .asc or metadata). */
    private static boolean servable(String path, List<String> files, Map<String, PgpSignature.Detached> signatures, Path recording, Path repo) {
        String base = path.replaceFirst("\\.(sha1|md5|sha256|sha512)$", "");
        if (base.endsWith(".asc") && signatures.containsKey(base.substring(0, base.length() - 4))) {
            return true;
        }
        return Files.isRegularFile(repo.resolve(base)) || Files.isRegularFile(recording.resolve("metadata").resolve(base))
                || Files.isRegularFile(recording.resolve("previous").resolve(base));
    }

    /** The files of previous versions Airlock reads to compare with that are not recorded (jars): from the local repository. */
    private static List<String> previousFiles(Path recording) throws IOException {
        Path list = recording.resolve("previous.txt");
        return Files.isRegularFile(list) ? Files.readAllLines(list).stream().filter(l -> !l.isBlank()).toList() : List.of();
    }

    /** {@code mvn -B package} of the recorded project in a copy, through {@code mirror} (null: the machine's own settings). */
    private static ClientProcess.Result mvnPackage(Path recording, Path dir, String mirror, Path localRepository) throws Exception {
        Path project = recording.resolve("project");
        for (Path f : regularFiles(project)) {
            Path to = dir.resolve(rel(project, f));
            Files.createDirectories(to.getParent());
            Files.copy(f, to, StandardCopyOption.REPLACE_EXISTING);
        }
        List<String> command = new ArrayList<>(List.of("mvn", "-B", "-Dmaven.repo.local=" + localRepository.toAbsolutePath()));
        if (mirror != null) {
            Path settings = Files.writeString(dir.resolveSibling(dir.getFileName() + "-settings.xml"),
                    "<settings><mirrors><mirror><id>airlock</id><mirrorOf>*</mirrorOf><url>" + mirror + "</url></mirror></mirrors></settings>");
            command.addAll(List.of("-s", settings.toString()));
        }
        command.add("package");
        return ClientProcess.run(dir, Map.of(), 1800, command);
    }

    /** A repository path's release as the admin API names it: "group:artifact@version". */
    private static String release(String path) {
        String[] p = path.split("/");
        return String.join(".", List.of(p).subList(0, p.length - 3)) + ":" + p[p.length - 3] + "@" + p[p.length - 2];
    }

    private static List<Path> regularFiles(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (Stream<Path> s = Files.walk(dir)) {
            return s.filter(Files::isRegularFile).sorted().toList();
        }
    }

    private static String rel(Path root, Path file) {
        return root.relativize(file).toString().replace('\\', '/');
    }

    private static void deleteTree(Path dir) throws IOException {
        try (Stream<Path> s = Files.walk(dir)) {
            for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
