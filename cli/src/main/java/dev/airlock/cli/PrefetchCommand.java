package dev.airlock.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.airlock.core.ecosystem.Ecosystem;
import dev.airlock.core.ecosystem.Prefetching;
import dev.airlock.core.ecosystem.LockedArtifact;
import dev.airlock.core.ecosystem.MetadataException;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * {@code prefetch FILE... --server URL}: fills a running Airlock with what lockfiles pin, as
 * the package managers themselves would: for each pinned file it asks Airlock's own package
 * routes for the metadata and then the file, so the very checks of live traffic run and a held
 * release is reported with the reasons a client would see. Which ecosystem reads a file is
 * decided by the ecosystems ({@link Prefetching#lockfile}); this class knows none of them.
 *
 * <p>A project file that only the ecosystem's own resolver can expand (a Maven {@code pom.xml})
 * is handed to the ecosystem instead ({@link Prefetching#prefetchProject}): it resolves the project
 * with its client library against Airlock's mount, so that every parent, import and dependency
 * comes through the same routes, and reports each file; a file Airlock refused is asked for once
 * more here, to read the verdict the library did not keep.
 *
 * <p>Answers: 200 is cached (and checked against the digest the lockfile pins, when it pins
 * one), 403 is held or denied (the body says why), anything else failed. Exit codes: 0 when
 * everything was cached, 1 when anything was held or failed, 2 for bad usage (an unknown or
 * unparsable file).
 */
@Command(name = "prefetch", mixinStandardHelpOptions = true,
        description = "Fetch, check and cache what lockfiles pin (package-lock.json, npm-shrinkwrap.json, requirements.txt, "
                + "pylock.toml, mvn dependency:list output), or what a pom.xml resolves to, through a running Airlock.")
final class PrefetchCommand implements Callable<Integer> {

    private static final ObjectMapper JSON = new ObjectMapper();
    /** A metadata document larger than this is not kept in memory (packuments of huge packages stay far below). */
    private static final int MAX_METADATA_BYTES = 256 * 1024 * 1024;
    private static final int MAX_ERROR_BYTES = 64 * 1024;

    @Parameters(arity = "1..*", paramLabel = "FILE", description = "Lockfiles (or Maven pom.xml files) to read.")
    List<Path> files;

    @Option(names = "--server", paramLabel = "URL", description = "The running Airlock to fill, e.g. http://127.0.0.1:8080")
    String server;

    @Option(names = "--token", paramLabel = "TOKEN",
            description = "Token for package requests when the server requires one, and to ask the admin API why a version "
                    + "is missing (default: the AIRLOCK_TOKEN environment variable).")
    String token;

    @Option(names = "--json", description = "Print one JSON summary instead of a line per file.")
    boolean json;

    @Option(names = "--concurrency", paramLabel = "N", defaultValue = "4", description = "Requests in flight at once (default: ${DEFAULT-VALUE}).")
    int concurrency;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    /** A command-line mistake: exit 2 with this sentence. */
    private static final class Usage extends Exception {
        Usage(String message) {
            super(message, null, false, false);
        }
    }

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        try {
            URI base = base();
            if (concurrency < 1 || concurrency > 64) {
                throw new Usage("--concurrency must be between 1 and 64, not " + concurrency);
            }
            Map<String, Ecosystem> ecosystems = new LinkedHashMap<>();
            ServiceLoader.load(Ecosystem.class).forEach(e -> ecosystems.putIfAbsent(e.id(), e));
            Set<LockedArtifact> locked = new LinkedHashSet<>();
            List<Input> projects = new ArrayList<>();
            for (Path f : files) {
                Input in = read(f, ecosystems.values());
                if (in.locked() == null) {
                    projects.add(in);
                } else {
                    locked.addAll(in.locked());
                }
            }
            String t = token != null ? token : System.getenv("AIRLOCK_TOKEN");
            Client client = new Client(base, t == null || t.isBlank() ? null : t.strip());
            client.probe();
            Run run = new Run(client, ecosystems, out, json ? null : System.console() != null);
            for (Input p : projects) {
                run.project(p, base);
            }
            run.execute(new ArrayList<>(locked), concurrency);
            return run.report(out, json);
        } catch (Usage u) {
            err.println("airlock prefetch: " + u.getMessage());
            return 2;
        } catch (Remote.Failed f) {
            err.println("airlock prefetch: " + f.getMessage());
            return f.code;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            err.println("airlock prefetch: interrupted");
            return 1;
        } catch (RuntimeException e) {
            err.println("airlock prefetch: " + e);
            return 1;
        } finally {
            out.flush();
            err.flush();
        }
    }

    private URI base() throws Usage {
        if (server == null) {
            throw new Usage("--server URL is required: prefetch fills a running Airlock");
        }
        try {
            URI u = URI.create(server.replaceAll("/+$", "") + "/");
            if (u.getScheme() == null || !(u.getScheme().equals("http") || u.getScheme().equals("https")) || u.getHost() == null) {
                throw new IllegalArgumentException();
            }
            return u;
        } catch (IllegalArgumentException e) {
            throw new Usage("--server must be an http(s) URL, not " + server);
        }
    }

    /**
     * One file to prefetch: what it pins when an ecosystem read it as a lockfile, or (locked
     * null) the ecosystem that resolves it as a project itself.
     */
    record Input(Path file, byte[] content, List<LockedArtifact> locked, Prefetching project) {
    }

    static final String KNOWN = "package-lock.json, npm-shrinkwrap.json, requirements.txt, pylock.toml, a Maven pom.xml, "
            + "or the output of mvn dependency:list -DoutputFile=FILE";

    /** The artifacts one file pins, read by the one ecosystem that claims it (null when none does). */
    static Input read(Path file, Iterable<Ecosystem> ecosystems) throws Usage {
        List<Prefetching> readers = new java.util.ArrayList<>();
        ecosystems.forEach(e -> {
            if (e instanceof Prefetching p) {
                readers.add(p);
            }
        });
        byte[] content;
        try {
            if (!Files.isRegularFile(file)) {
                throw new Usage(file + ": no such file");
            }
            if (Files.size(file) > LockedArtifact.MAX_LOCKFILE_BYTES) {
                throw new Usage(file + ": larger than " + (LockedArtifact.MAX_LOCKFILE_BYTES >> 20) + " MiB; not read as a lockfile");
            }
            content = Files.readAllBytes(file);
        } catch (IOException e) {
            throw new Usage(file + ": cannot read: " + e.getMessage());
        }
        List<LockedArtifact> found = null;
        String by = null;
        for (Prefetching e : readers) {
            java.util.Optional<List<LockedArtifact>> r;
            try {
                r = e.lockfile(file, content);
            } catch (MetadataException m) {
                throw new Usage(file + ": " + m.getMessage());
            } catch (RuntimeException m) {
                throw new Usage(file + ": cannot be read as a " + e.id() + " lockfile: " + m);
            }
            if (r.isPresent()) {
                if (found != null) {
                    throw new Usage(file + ": both " + by + " and " + e.id() + " read it as their lockfile; rename it to the usual name");
                }
                found = r.get();
                by = e.id();
            }
        }
        if (found == null) {
            Prefetching project = null;
            for (Prefetching e : readers) {
                boolean takes;
                try {
                    takes = e.isProject(file, content);
                } catch (MetadataException m) {
                    throw new Usage(file + ": " + m.getMessage());
                } catch (RuntimeException m) {
                    throw new Usage(file + ": cannot be read as a " + e.id() + " project: " + m);
                }
                if (takes) {
                    if (project != null) {
                        throw new Usage(file + ": both " + project.id() + " and " + e.id() + " read it as their project; rename it to the usual name");
                    }
                    project = e;
                }
            }
            if (project == null) {
                throw new Usage(file + ": not a lockfile prefetch knows (" + KNOWN + ")");
            }
            return new Input(file, content, null, project);
        }
        for (LockedArtifact a : found) {
            if (!a.ecosystem().equals(by)) {
                throw new IllegalStateException(by + " returned an artifact of " + a.ecosystem());
            }
        }
        return new Input(file, content, found, null);
    }

    /** How one file ended. */
    enum Status { CACHED, HELD, FAILED }

    /**
     * @param path    the file's path below the mount (or the metadata path when the file could not be named)
     * @param message why it failed, or the one-line summary of a hold
     */
    record Outcome(LockedArtifact artifact, String path, Status status, String message, String verdict, List<String> reasons,
                   String releaseId) {

        static Outcome cached(LockedArtifact a, String path) {
            return new Outcome(a, path, Status.CACHED, null, null, List.of(), null);
        }

        static Outcome failed(LockedArtifact a, String path, String why) {
            return new Outcome(a, path, Status.FAILED, why, null, List.of(), null);
        }

        /** From a 403 body ({@code {"verdict","reasons":[...],"releaseId"}}) or the admin API's view of a version ({@code "id"}). */
        static Outcome held(LockedArtifact a, String path, JsonNode body) {
            List<String> reasons = new ArrayList<>();
            body.path("reasons").forEach(r -> reasons.add(r.asText()));
            if (reasons.isEmpty() && body.hasNonNull("error")) {
                reasons.add(body.get("error").asText());
            }
            return new Outcome(a, path, Status.HELD, null, body.path("verdict").asText("HELD"), List.copyOf(reasons),
                    body.path("releaseId").asText(body.path("id").asText(null)));
        }

        String line() {
            String what = artifact.ecosystem() + " " + artifact.name() + " " + artifact.version() + " " + (path.equals(artifact.metadataPath())
                    ? path.replaceFirst("\\?.*", "") : path.substring(path.lastIndexOf('/') + 1));
            return switch (status) {
                case CACHED -> what + ": cached";
                case HELD -> what + ": " + (verdict.equals("QUARANTINED") ? "held" : verdict.toLowerCase(Locale.ROOT)) + ": "
                        + String.join("; ", reasons)
                        + (releaseId == null ? "" : " (release " + releaseId + ")");
                case FAILED -> what + ": failed: " + message;
            };
        }
    }

    /** One metadata document as Airlock answered it: the body when asked to keep it, else the outcome of a failure. */
    private record Metadata(byte[] body, Outcome failure) {
    }

    /** One prefetch: metadata first (each document once), then the files, {@code concurrency} requests at a time. */
    private static final class Run {
        private final Client client;
        private final Map<String, Ecosystem> ecosystems;
        private final PrintWriter out;
        /** null: print nothing per file (--json); true: keep a progress line at the bottom. */
        private final Boolean terminal;
        private final List<Outcome> outcomes = new ArrayList<>();
        private final Set<String> fetched = ConcurrentHashMap.newKeySet();
        private int total;
        private int progressWidth;

        Run(Client client, Map<String, Ecosystem> ecosystems, PrintWriter out, Boolean terminal) {
            this.client = client;
            this.ecosystems = ecosystems;
            this.out = out;
            this.terminal = terminal;
        }

        /** A project file: its ecosystem resolves it against its mount and reports every file. */
        void project(Input in, URI base) throws Usage {
            Prefetching e = in.project();
            boolean took;
            try {
                took = e.prefetchProject(in.file(), in.content(), base.resolve(e.id() + "/"), client.token,
                        p -> projectFile(e.id(), in.file(), p));
            } catch (MetadataException m) {
                throw new Usage(in.file() + ": " + m.getMessage());
            }
            if (!took) {
                throw new IllegalStateException(e.id() + " took " + in.file() + " as its project, then declined it");
            }
        }

        private void projectFile(String ecosystem, Path project, dev.airlock.core.ecosystem.PrefetchOutcome p) {
            LockedArtifact a = p.artifact();
            if (!a.ecosystem().equals(ecosystem)) {
                throw new IllegalStateException(ecosystem + " reported an artifact of " + a.ecosystem());
            }
            // An outcome about no one file (the project's model, a range) is shown against the project file.
            String path = a.artifactPath() != null ? a.artifactPath()
                    : String.valueOf(project.getFileName()).replaceAll("[\\p{Cntrl}/\\\\]", "?");
            if (a.artifactPath() != null) {
                fetched.add(a.ecosystem() + "/" + a.artifactPath() + " " + a.expectedDigest());
            }
            Outcome o;
            if (p.isCached()) {
                o = Outcome.cached(a, path);
            } else if (p.isRefused()) {
                // The client library kept the status, not the body: ask once more, to read the verdict and its reasons.
                o = client.artifact(a);
            } else {
                o = Outcome.failed(a, path, p.message());
            }
            synchronized (this) {
                total++;
            }
            record(o);
        }

        void execute(List<LockedArtifact> locked, int concurrency) throws InterruptedException {
            synchronized (this) {
                total += locked.size();
            }
            ExecutorService pool = Executors.newFixedThreadPool(concurrency, r -> {
                Thread t = new Thread(r, "prefetch");
                t.setDaemon(true);
                return t;
            });
            try {
                Map<String, Boolean> keep = new LinkedHashMap<>();
                for (LockedArtifact a : locked) {
                    keep.merge(a.ecosystem() + "/" + a.metadataPath(), a.artifactPath() == null, Boolean::logicalOr);
                }
                Map<String, Future<Metadata>> metadata = new LinkedHashMap<>();
                for (LockedArtifact a : locked) {
                    String key = a.ecosystem() + "/" + a.metadataPath();
                    metadata.computeIfAbsent(key, k -> pool.submit(() -> client.metadata(a, keep.get(k))));
                }
                List<Future<?>> files = new ArrayList<>();
                for (LockedArtifact a : locked) {
                    Future<Metadata> m = metadata.get(a.ecosystem() + "/" + a.metadataPath());
                    files.add(pool.submit(() -> {
                        for (Outcome o : prefetch(a, m.get())) {
                            record(o);
                        }
                        return null;
                    }));
                }
                for (Future<?> f : files) {
                    try {
                        f.get();
                    } catch (java.util.concurrent.ExecutionException e) {
                        throw new IllegalStateException(e.getCause());
                    }
                }
            } finally {
                pool.shutdownNow();
            }
        }

        private List<Outcome> prefetch(LockedArtifact a, Metadata m) {
            if (m.failure() != null) {
                Outcome f = m.failure();
                return List.of(new Outcome(a, a.artifactPath() != null ? a.artifactPath() : a.metadataPath(), f.status(),
                        f.message(), f.verdict(), f.reasons(), f.releaseId()));
            }
            List<LockedArtifact> named;
            if (a.artifactPath() != null) {
                named = List.of(a);
            } else {
                try {
                    // Only a Prefetching ecosystem reads lockfiles, so the one that named this artifact is one.
                    named = ((Prefetching) ecosystems.get(a.ecosystem())).lockedFiles(a, m.body());
                } catch (MetadataException | RuntimeException e) {
                    return List.of(Outcome.failed(a, a.metadataPath(), "cannot read Airlock's " + a.metadataPath() + ": " + e.getMessage()));
                }
                if (named.isEmpty()) {
                    return List.of(client.whyMissing(a, ecosystems.get(a.ecosystem()).canonicalName(a.name())));
                }
            }
            List<Outcome> done = new ArrayList<>();
            for (LockedArtifact f : named) {
                if (f.artifactPath() == null) {
                    throw new IllegalStateException(a.ecosystem() + " named no path for " + a.name());
                }
                if (fetched.add(f.ecosystem() + "/" + f.artifactPath() + " " + f.expectedDigest())) {
                    done.add(client.artifact(f));
                }
            }
            return done;
        }

        private synchronized void record(Outcome o) {
            outcomes.add(o);
            if (terminal == null) {
                return;
            }
            if (terminal) {
                out.print("\r" + " ".repeat(progressWidth) + "\r");
            }
            out.println(o.line());
            if (terminal) {
                long cached = outcomes.stream().filter(x -> x.status() == Status.CACHED).count();
                long held = outcomes.stream().filter(x -> x.status() == Status.HELD).count();
                int done = outcomes.size();
                String p = "[" + done + "/" + Math.max(total, done) + "] " + cached + " cached, " + held + " held, "
                        + (done - cached - held) + " failed";
                progressWidth = p.length();
                out.print(p);
            }
            out.flush();
        }

        int report(PrintWriter out, boolean asJson) {
            List<Outcome> sorted = new ArrayList<>(outcomes);
            sorted.sort(Comparator.comparing((Outcome o) -> o.artifact().ecosystem()).thenComparing(Outcome::path));
            long cached = sorted.stream().filter(o -> o.status() == Status.CACHED).count();
            List<Outcome> held = sorted.stream().filter(o -> o.status() == Status.HELD).toList();
            List<Outcome> failed = sorted.stream().filter(o -> o.status() == Status.FAILED).toList();
            if (asJson) {
                ObjectNode o = JSON.createObjectNode().put("cached", cached);
                ArrayNode h = o.putArray("held");
                for (Outcome x : held) {
                    ObjectNode n = describe(h.addObject(), x).put("verdict", x.verdict()).put("releaseId", x.releaseId());
                    x.reasons().forEach(n.putArray("reasons")::add);
                }
                ArrayNode f = o.putArray("failed");
                failed.forEach(x -> describe(f.addObject(), x).put("error", x.message()));
                out.println(o.toPrettyString());
            } else {
                if (Boolean.TRUE.equals(terminal)) {
                    out.print("\r" + " ".repeat(progressWidth) + "\r");
                }
                out.println(total == 0 ? "nothing to prefetch: the lockfiles pin no registry packages"
                        : "prefetch: " + cached + " cached, " + held.size() + " held, " + failed.size() + " failed");
            }
            return held.isEmpty() && failed.isEmpty() ? 0 : 1;
        }

        private static ObjectNode describe(ObjectNode n, Outcome x) {
            return n.put("ecosystem", x.artifact().ecosystem()).put("package", x.artifact().name())
                    .put("version", x.artifact().version()).put("path", x.path());
        }
    }

    /** HTTP to the running Airlock: its package routes, health and (for explanations) the admin API. */
    private static final class Client {
        private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(10)).followRedirects(HttpClient.Redirect.NORMAL).build();
        private final URI base;
        private final String token;

        Client(URI base, String token) {
            this.base = base;
            this.token = token;
        }

        /** Fails early, with one sentence, when nothing answers at --server. */
        void probe() throws InterruptedException {
            try {
                http.send(request("-/health", "application/json").build(), HttpResponse.BodyHandlers.discarding());
            } catch (ConnectException e) {
                throw new Remote.Failed("cannot reach Airlock at " + base + " (is it running?)", 1);
            } catch (IOException e) {
                throw new Remote.Failed("cannot talk to Airlock at " + base + ": " + e, 1);
            }
        }

        private HttpRequest.Builder request(String path, String accept) {
            HttpRequest.Builder b = HttpRequest.newBuilder(base.resolve(path)).timeout(Duration.ofMinutes(10))
                    .header("Accept", accept).header("User-Agent", "airlock-prefetch");
            if (token != null) {
                b.header("Authorization", "Bearer " + token);
            }
            return b;
        }

        /**
         * A package's metadata document, as a client reads it first. The full JSON document where
         * there is a choice (npm's packument); other ecosystems ignore the header or name their
         * representation in the path.
         */
        Metadata metadata(LockedArtifact a, boolean keep) {
            String path = a.ecosystem() + "/" + a.metadataPath();
            try {
                HttpResponse<InputStream> r = http.send(request(path, "application/json, */*;q=0.1").build(),
                        HttpResponse.BodyHandlers.ofInputStream());
                try (InputStream in = r.body()) {
                    if (r.statusCode() == 200) {
                        if (!keep) {
                            in.transferTo(java.io.OutputStream.nullOutputStream());
                            return new Metadata(null, null);
                        }
                        byte[] body = in.readNBytes(MAX_METADATA_BYTES + 1);
                        return body.length > MAX_METADATA_BYTES
                                ? new Metadata(null, Outcome.failed(a, a.metadataPath(), path + " is larger than " + (MAX_METADATA_BYTES >> 20) + " MiB"))
                                : new Metadata(body, null);
                    }
                    return new Metadata(null, refused(a, a.metadataPath(), r.statusCode(), in.readNBytes(MAX_ERROR_BYTES)));
                }
            } catch (IOException e) {
                return new Metadata(null, Outcome.failed(a, a.metadataPath(), "metadata " + path + ": " + e));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return new Metadata(null, Outcome.failed(a, a.metadataPath(), "interrupted"));
            }
        }

        /** Fetches a file through Airlock, checking it against the lockfile's digest as it streams past. */
        Outcome artifact(LockedArtifact a) {
            String path = a.ecosystem() + "/" + a.artifactPath();
            Expected expected;
            try {
                expected = Expected.parse(a.expectedDigest());
            } catch (IllegalArgumentException e) {
                return Outcome.failed(a, a.artifactPath(), e.getMessage());
            }
            try {
                HttpResponse<InputStream> r = http.send(request(path, "*/*").build(), HttpResponse.BodyHandlers.ofInputStream());
                try (InputStream in = r.body()) {
                    if (r.statusCode() != 200) {
                        return refused(a, a.artifactPath(), r.statusCode(), in.readNBytes(MAX_ERROR_BYTES));
                    }
                    MessageDigest d = expected == null ? null : expected.digest();
                    byte[] buf = new byte[1 << 16];
                    for (int n; (n = in.read(buf)) > 0; ) {
                        if (d != null) {
                            d.update(buf, 0, n);
                        }
                    }
                    if (d != null && !expected.matches(d.digest())) {
                        return Outcome.failed(a, a.artifactPath(), "Airlock served other bytes than the lockfile pins ("
                                + a.expectedDigest() + ")");
                    }
                    return Outcome.cached(a, a.artifactPath());
                }
            } catch (IOException e) {
                return Outcome.failed(a, a.artifactPath(), e.toString());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return Outcome.failed(a, a.artifactPath(), "interrupted");
            }
        }

        /** A non-200 answer: 403 is a verdict (its JSON says which and why), anything else a failure. */
        private static Outcome refused(LockedArtifact a, String path, int status, byte[] body) {
            JsonNode json;
            try {
                json = JSON.readTree(body);
            } catch (IOException e) {
                json = null;
            }
            if (status == 403 && json != null && json.has("verdict")) {
                return Outcome.held(a, path, json);
            }
            String message = json != null && json.hasNonNull("error") ? json.get("error").asText()
                    : new String(body, StandardCharsets.UTF_8).strip();
            String why = switch (status) {
                case 401 -> "the server wants a token for package requests (--token or AIRLOCK_TOKEN)";
                case 404 -> "not found";
                default -> "HTTP " + status;
            };
            return Outcome.failed(a, path, why + (message.isEmpty() || status == 401 ? "" : ": " + abbreviate(message)));
        }

        /**
         * Why a locked version has no file in the metadata Airlock served: a held version is left
         * out of it, so the admin API (with a token) gives the verdict and its reasons.
         */
        Outcome whyMissing(LockedArtifact a, String canonicalName) {
            String notListed = "Airlock's " + a.metadataPath().replaceAll("\\?.*", "") + " lists no file of version " + a.version()
                    + (a.expectedDigest() == null ? "" : " with " + a.expectedDigest());
            if (token == null) {
                return Outcome.failed(a, a.metadataPath(), notListed + " (held, or not on the upstream: with --token the admin API says which)");
            }
            try {
                HttpResponse<String> r = http.send(request("-/admin/api/packages/" + a.ecosystem() + "/"
                        + java.net.URLEncoder.encode(canonicalName, StandardCharsets.UTF_8), "application/json").build(),
                        HttpResponse.BodyHandlers.ofString());
                if (r.statusCode() == 200) {
                    for (JsonNode v : JSON.readTree(r.body()).path("versions")) {
                        if (v.path("version").asText().equalsIgnoreCase(a.version()) && !v.path("verdict").asText().equals("APPROVED")) {
                            return Outcome.held(a, a.metadataPath(), v);
                        }
                    }
                }
            } catch (IOException e) {
                return Outcome.failed(a, a.metadataPath(), notListed);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return Outcome.failed(a, a.metadataPath(), notListed);
        }

        private static String abbreviate(String s) {
            String one = s.replaceAll("\\s+", " ");
            return one.length() > 300 ? one.substring(0, 300) + "..." : one;
        }
    }

    /**
     * A lockfile's digest: {@code sha256:HEX}, or SRI (several space-separated entries; the
     * strongest algorithm decides, any of its values may match, as in the SRI spec).
     */
    record Expected(String algorithm, List<byte[]> values) {

        private static final List<String> STRENGTH = List.of("sha512", "sha384", "sha256", "sha1");

        static Expected parse(String s) {
            if (s == null) {
                return null;
            }
            if (s.startsWith("sha256:")) {
                try {
                    return new Expected("SHA-256", List.of(HexFormat.of().parseHex(s.substring(7))));
                } catch (IllegalArgumentException e) {
                    throw new IllegalArgumentException("the lockfile's digest is not hex: " + s);
                }
            }
            String best = null;
            List<byte[]> values = new ArrayList<>();
            for (String part : s.strip().split("\\s+")) {
                int dash = part.indexOf('-');
                String alg = dash < 0 ? "" : part.substring(0, dash).toLowerCase(Locale.ROOT);
                if (!STRENGTH.contains(alg)) {
                    continue;
                }
                String b64 = part.substring(dash + 1).replaceAll("\\?.*", "");
                byte[] v;
                try {
                    v = Base64.getDecoder().decode(b64);
                } catch (IllegalArgumentException e) {
                    throw new IllegalArgumentException("the lockfile's integrity is not base64: " + part);
                }
                if (best == null || STRENGTH.indexOf(alg) < STRENGTH.indexOf(best)) {
                    best = alg;
                    values.clear();
                }
                if (alg.equals(best)) {
                    values.add(v);
                }
            }
            if (best == null) {
                throw new IllegalArgumentException("the lockfile's digest uses no algorithm prefetch checks: " + s);
            }
            return new Expected(best.equals("sha1") ? "SHA-1" : "SHA-" + best.substring(3), List.copyOf(values));
        }

        MessageDigest digest() {
            try {
                return MessageDigest.getInstance(algorithm);
            } catch (NoSuchAlgorithmException e) {
                throw new IllegalStateException(e);
            }
        }

        boolean matches(byte[] actual) {
            return values.stream().anyMatch(v -> MessageDigest.isEqual(v, actual));
        }
    }
}
