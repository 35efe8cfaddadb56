package dev.airlock.core.ecosystem;

import java.net.URI;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * What an ecosystem adds for the {@code prefetch} command: reading the lockfiles and project files
 * its clients write, and resolving a project with its own client library. Separate from
 * {@link Ecosystem} because none of it runs in the server: the command runs beside one, on an
 * unconfigured instance, and an ecosystem without lockfiles simply does not implement it.
 */
public interface Prefetching {

    /** The id of the {@link Ecosystem} this belongs to. */
    String id();

    /**
     * Reads a lockfile this ecosystem's clients write, for {@code prefetch}: every file it pins,
     * in the order it lists them. Called on an unconfigured instance (the command runs beside a
     * server, not in it), so it must need nothing from {@link #configure}. The content is hostile
     * input, at most {@link LockedArtifact#MAX_LOCKFILE_BYTES}: names are validated before they
     * become paths.
     *
     * @param file    where it was read from: its name tells the format, and files it includes
     *                resolve against it
     * @return empty when the file is not a lockfile of this ecosystem
     * @throws MetadataException when it is one but cannot be used; the message names the line or
     *                           entry and what to do (the caller adds the file name)
     */
    default Optional<List<LockedArtifact>> lockfile(Path file, byte[] content)
            throws MetadataException {
        return Optional.empty();
    }

    /**
     * The files of a locked version whose lockfile did not name them
     * ({@link LockedArtifact#artifactPath()} null), from the metadata document Airlock served at
     * its {@link LockedArtifact#metadataPath()}: each with its path and the digest the document
     * (or the lock's own, when it pinned one) gives. Empty when the document lists no such file,
     * as when Airlock filtered a held version out.
     */
    default List<LockedArtifact> lockedFiles(LockedArtifact locked, byte[] metadata) throws MetadataException {
        return List.of();
    }

    /**
     * Whether {@link #prefetchProject} takes this file, decided from the file alone (no network),
     * so that {@code prefetch} refuses a file nobody reads before it contacts Airlock. Called
     * on an unconfigured instance, after {@link #lockfile} declined the file.
     *
     * @throws MetadataException when the file is this ecosystem's project but cannot be read;
     *                           the message says why (the caller adds the file name)
     */
    default boolean isProject(Path file, byte[] content) throws MetadataException {
        return false;
    }

    /**
     * Prefetches a project file whose set of artifacts only a resolver of this ecosystem can work
     * out (a Maven {@code pom.xml}: parents, BOM imports, ranges, transitive dependencies), for
     * {@code prefetch}. The ecosystem resolves it with its own client library talking to
     * {@code mountUrl} (Airlock's mount for this ecosystem, {@code http://host:port/maven/}) and
     * nothing else, so that every document and file comes through Airlock's package routes and
     * the checks of live traffic run. Each file is reported through {@code report} as it ends;
     * {@code report} is thread-safe and may block.
     *
     * <p>Called on an unconfigured instance, for a file {@link #isProject} took. The content is
     * hostile input, at most {@link LockedArtifact#MAX_LOCKFILE_BYTES}.
     *
     * @param file    where the project was read from (files it refers to resolve against it)
     * @param token   Airlock's package token to send, or null for none
     * @return false when the file is not a project of this ecosystem (nothing was fetched)
     * @throws MetadataException when it is one but cannot be read at all; the message says why
     *                           (the caller adds the file name)
     */
    default boolean prefetchProject(Path file, byte[] content, URI mountUrl, String token,
                                    Consumer<PrefetchOutcome> report) throws MetadataException {
        return false;
    }
}
