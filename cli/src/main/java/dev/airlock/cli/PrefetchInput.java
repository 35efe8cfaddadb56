package dev.airlock.cli;

import dev.airlock.cli.PrefetchCommand.Usage;
import dev.airlock.core.ecosystem.Ecosystem;
import dev.airlock.core.ecosystem.LockedArtifact;
import dev.airlock.core.ecosystem.MetadataException;
import dev.airlock.core.ecosystem.Prefetching;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * One file to prefetch, and how it is recognised: the one {@link Prefetching} ecosystem that
 * reads it as its lockfile says what it pins; failing that, the one that takes it as a project
 * resolves it itself (then {@code locked} is null). A file no ecosystem or two ecosystems claim
 * is a usage error.
 */
record PrefetchInput(Path file, byte[] content, List<LockedArtifact> locked, Prefetching project) {

    static final String KNOWN = "package-lock.json, npm-shrinkwrap.json, requirements.txt, pylock.toml, a Maven pom.xml, "
            + "or the output of mvn dependency:list -DoutputFile=FILE";

    /** The artifacts one file pins, read by the one ecosystem that claims it (or the project ecosystem that takes it). */
    static PrefetchInput read(Path file, Iterable<Ecosystem> ecosystems) throws Usage {
        List<Prefetching> readers = new ArrayList<>();
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
            Optional<List<LockedArtifact>> r;
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
            return new PrefetchInput(file, content, null, project);
        }
        for (LockedArtifact a : found) {
            if (!a.ecosystem().equals(by)) {
                throw new IllegalStateException(by + " returned an artifact of " + a.ecosystem());
            }
        }
        return new PrefetchInput(file, content, found, null);
    }
}
