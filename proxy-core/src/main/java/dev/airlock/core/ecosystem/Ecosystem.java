package dev.airlock.core.ecosystem;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * One registry protocol (npm, PyPI, Maven, ...), found with {@link java.util.ServiceLoader}.
 *
 * <p>The core never names an ecosystem: it mounts each one at {@code /{id}/}, asks it to turn a
 * request into a {@link Route}, and hands it upstream bytes to parse. An ecosystem never sees a
 * socket or a Netty type; it receives decoded paths, headers and bytes, and returns routes,
 * facts and rendered bytes. That keeps protocol code testable without a server.
 *
 * <p>Implementations must be thread-safe once {@link #configure} has returned.
 */
public interface Ecosystem {

    /** Short lower-case id, also the URL mount ({@code /npm/}) and the config key under {@code upstreams}. */
    String id();

    /**
     * Called once at start-up, before anything else, with this ecosystem's own settings (an
     * instance serves one Airlock). The default ignores them.
     */
    default void configure(EcosystemContext context) {
    }

    /**
     * The upstream to use when {@code upstreams.<id>.url} is not configured (a configured URL
     * always wins, and an offline Airlock has none; the core decides both): discovered from the
     * machine's own client configuration, or {@link UpstreamSettings#none} saying what to set.
     * Called once at start-up. The core builds the HTTP client from the result and never fetches
     * from hosts outside it.
     */
    UpstreamSettings defaultUpstream(EcosystemContext context);

    /**
     * Maps a request under this ecosystem's mount to a route. {@link Request#path()} is relative
     * to the mount, already percent-decoded once and checked by the core for traversal.
     */
    Route route(Request request);

    /**
     * Maps a request for a path outside every mount (the origin root) when this ecosystem's
     * clients ask for it there, as the npm client does for {@code /-/npm/v1/...}. Returns
     * {@code null} when the path is not this ecosystem's.
     */
    default Route routeRoot(Request request) {
        return null;
    }

    /**
     * Parses an upstream metadata document. Runs on a worker thread; may be called with
     * documents of tens of megabytes, so implementations should parse with a streaming parser.
     *
     * @param documentUrl the URL the document came from (after redirects): relative links in it
     *                    resolve against this
     * @throws MetadataException when the document is not what the protocol promises
     */
    PackageMetadata parse(MetadataRequest request, URI documentUrl, byte[] body, String contentType) throws MetadataException;

    /**
     * Whether this ecosystem's renderings use {@link RenderContext#facts()}. When true, the core
     * records every file that {@link PackageMetadata#files()} lists, asks upstream for the sizes
     * documents leave out, and renders a package again when its facts change.
     */
    default boolean rendersFileFacts() {
        return false;
    }

    /**
     * Files to make from an artifact the core has just verified and committed, to serve beside it
     * (a wheel's core metadata). Runs on a worker thread, once per artifact; a failure here is
     * logged and never fails the artifact itself. A file the listing also names is kept only when
     * its bytes have the digest the listing declares for it; it is then that file, verified.
     *
     * @param listing  the metadata the artifact was listed in
     * @param artifact the artifact as listed
     * @param file     the committed, verified bytes (read-only: never modify or move)
     */
    default List<DerivedFile> derive(PackageMetadata listing, ArtifactRef artifact, Path file)
            throws IOException {
        return List.of();
    }

    /**
     * Reads a verified, committed artifact for what it really contains (install hooks in the
     * archive, contradictions with the registry manifest, unsafe entries). Runs on a worker once
     * per file. Archives are hostile input: read with bounds, never unpacked to disk.
     *
     * @param listing the metadata the file was listed in, or null for path-addressed files
     * @return what was found, {@link ContentFacts#NONE} when nothing (or not an archive this
     *         ecosystem inspects)
     */
    default ContentFacts inspect(PackageMetadata listing, String packageName, String version, String filename, Path file)
            throws IOException {
        return ContentFacts.NONE;
    }

    /**
     * The document the policy decides a package's releases from, by package name (to look at a
     * dependency a release adds), or null when the ecosystem cannot name it.
     */
    default MetadataRequest governingRequest(String packageName) {
        return null;
    }

    /**
     * Popular package names of this ecosystem, for the typosquat check: a name one edit away
     * from one of these (and not one itself) is held. Shipped with the module.
     */
    default Set<String> popularNames() {
        return Set.of();
    }

    /** The name Airlock keys a package by, from a name as published (PyPI normalises; most keep it). */
    default String canonicalName(String name) {
        return name;
    }

    /**
     * Where the upstream publishes the keys it signs releases with (relative to its root, npm's
     * {@code -/npm/v1/keys}), or null when its releases are not signed.
     */
    default String registryKeysPath() {
        return null;
    }

    /** Reads a registry keys document (the endpoint above, or an operator's file for air-gapped use). */
    default List<RegistryKey> registryKeys(byte[] document) throws MetadataException {
        return List.of();
    }

    /**
     * Where the upstream serves a release's attestations (relative to its root), or null when the
     * release has none to fetch.
     */
    default String attestationsPath(PackageMetadata listing, String version) {
        return null;
    }

    /**
     * Verifies a release's attestations document offline, with the registry's pinned keys and the
     * Sigstore root given at {@link #configure}.
     */
    default AttestationCheck verifyAttestations(PackageMetadata listing, String version, byte[] document,
                                                Map<String, RegistryKey> keys) {
        return AttestationCheck.verified(Map.of());
    }

    /**
     * Signatures to fetch and verify over a file before it is served (Maven's {@code .asc} and
     * {@code .sigstore.json}, PyPI's PEP 740 provenance).
     *
     * @param listing the metadata the file was listed in, or null for path-addressed files
     * @param path    the file's name (listed) or path (path-addressed)
     */
    default List<SignatureRef> signaturesOf(PackageMetadata listing, String path) {
        return List.of();
    }

    /**
     * Verifies the signatures fetched for a committed file. Runs on a worker, before the file is
     * served; called for every committed file, also when {@link #signaturesOf} named none (so
     * that "this file carries no provenance" can be recorded).
     *
     * @param found by {@link SignatureRef#kind()}: the bytes, or null when upstream has none (404)
     * @return who signed it ({@link ContentFacts#signer()}) and what failed to verify
     */
    default ContentFacts verifySignatures(PackageMetadata listing, String packageName, String version, String path,
                                          Path file, Map<String, byte[]> found) {
        return ContentFacts.NONE;
    }

    /**
     * The scope signing keys are learnt in on first use (Maven: the groupId): a key new to a scope
     * that had keys already is a finding. Null for no such learning.
     */
    /**
     * Whether upstream's {@code Last-Modified} on this path-addressed file states when its release
     * was published, for ecosystems whose metadata carries no publish times (Maven: the POM, which
     * is deployed once with its release). The core records the earliest such time per release.
     */
    default boolean datesRelease(String path) {
        return false;
    }

    default String signerScope(String packageName) {
        return null;
    }
}
