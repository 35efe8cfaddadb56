package dev.airlock.cli;

import dev.airlock.cli.PrefetchClient.Metadata;
import dev.airlock.cli.PrefetchCommand.Usage;
import dev.airlock.core.ecosystem.Ecosystem;
import dev.airlock.core.ecosystem.LockedArtifact;
import dev.airlock.core.ecosystem.MetadataException;
import dev.airlock.core.ecosystem.PrefetchOutcome;
import dev.airlock.core.ecosystem.Prefetching;

import java.net.URI;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * The fetch loop of one prefetch: project files handed to their ecosystem's resolver, then for
 * the locked artifacts each metadata document once and then the files it names,
 * {@code concurrency} requests at a time, each file fetched once; every outcome goes to the
 * {@link PrefetchReport}.
 */
final class PrefetchRun {

    private final PrefetchClient client;
    private final Map<String, Ecosystem> ecosystems;
    private final PrefetchReport report;
    private final Set<String> fetched = ConcurrentHashMap.newKeySet();

    PrefetchRun(PrefetchClient client, Map<String, Ecosystem> ecosystems, PrefetchReport report) {
        this.client = client;
        this.ecosystems = ecosystems;
        this.report = report;
    }

    /** A project file: its ecosystem resolves it against its mount and reports every file. */
    void project(PrefetchInput in, URI base) throws Usage {
        Prefetching e = in.project();
        boolean took;
        try {
            took = e.prefetchProject(in.file(), in.content(), base.resolve(e.id() + "/"), client.token(),
                    p -> projectFile(e.id(), in.file(), p));
        } catch (MetadataException m) {
            throw new Usage(in.file() + ": " + m.getMessage());
        }
        if (!took) {
            throw new IllegalStateException(e.id() + " took " + in.file() + " as its project, then declined it");
        }
    }

    private void projectFile(String ecosystem, Path project, PrefetchOutcome p) {
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
        FileOutcome o;
        if (p.isCached()) {
            o = FileOutcome.cached(a, path);
        } else if (p.isRefused()) {
            // The client library kept the status, not the body: ask once more, to read the verdict and its reasons.
            o = client.artifact(a);
        } else {
            o = FileOutcome.failed(a, path, p.message());
        }
        report.expect(1);
        report.record(o);
    }

    void execute(List<LockedArtifact> locked, int concurrency) throws InterruptedException {
        report.expect(locked.size());
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
                    for (FileOutcome o : prefetch(a, m.get())) {
                        report.record(o);
                    }
                    return null;
                }));
            }
            for (Future<?> f : files) {
                try {
                    f.get();
                } catch (ExecutionException e) {
                    throw new IllegalStateException(e.getCause());
                }
            }
        } finally {
            pool.shutdownNow();
        }
    }

    private List<FileOutcome> prefetch(LockedArtifact a, Metadata m) {
        if (m.failure() != null) {
            FileOutcome f = m.failure();
            return List.of(new FileOutcome(a, a.artifactPath() != null ? a.artifactPath() : a.metadataPath(), f.status(),
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
                return List.of(FileOutcome.failed(a, a.metadataPath(), "cannot read Airlock's " + a.metadataPath() + ": " + e.getMessage()));
            }
            if (named.isEmpty()) {
                return List.of(client.whyMissing(a, ecosystems.get(a.ecosystem()).canonicalName(a.name())));
            }
        }
        List<FileOutcome> done = new ArrayList<>();
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
}
