package dev.airlock.cli;

import dev.airlock.core.ecosystem.Ecosystem;
import dev.airlock.core.ecosystem.LockedArtifact;
import dev.airlock.core.ecosystem.Prefetching;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.PrintWriter;
import java.net.URI;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.Set;
import java.util.concurrent.Callable;

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
 *
 * <p>This class is the command: its options, their checks, and the order of the steps. Reading
 * the files is {@link PrefetchInput}'s job, talking to Airlock {@link PrefetchClient}'s, the
 * fetch loop {@link PrefetchRun}'s and telling the user {@link PrefetchReport}'s.
 */
@Command(name = "prefetch", mixinStandardHelpOptions = true,
        description = "Fetch, check and cache what lockfiles pin (package-lock.json, npm-shrinkwrap.json, requirements.txt, "
                + "pylock.toml, mvn dependency:list output), or what a pom.xml resolves to, through a running Airlock.")
final class PrefetchCommand implements Callable<Integer> {

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
    static final class Usage extends Exception {
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
            List<PrefetchInput> projects = new ArrayList<>();
            for (Path f : files) {
                PrefetchInput in = PrefetchInput.read(f, ecosystems.values());
                if (in.locked() == null) {
                    projects.add(in);
                } else {
                    locked.addAll(in.locked());
                }
            }
            String t = token != null ? token : System.getenv("AIRLOCK_TOKEN");
            PrefetchClient client = new PrefetchClient(base, t == null || t.isBlank() ? null : t.strip());
            client.probe();
            PrefetchReport report = new PrefetchReport(out, json ? null : System.console() != null);
            PrefetchRun run = new PrefetchRun(client, ecosystems, report);
            for (PrefetchInput p : projects) {
                run.project(p, base);
            }
            run.execute(new ArrayList<>(locked), concurrency);
            return report.report(json);
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
}
