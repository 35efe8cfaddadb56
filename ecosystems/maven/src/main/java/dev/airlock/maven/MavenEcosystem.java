package dev.airlock.maven;

import dev.airlock.config.LimitsConfig;
import dev.airlock.core.ecosystem.ContentFacts;
import dev.airlock.core.ecosystem.Ecosystem;
import dev.airlock.core.ecosystem.EcosystemContext;
import dev.airlock.core.ecosystem.FileRequest;
import dev.airlock.core.ecosystem.LockedArtifact;
import dev.airlock.core.ecosystem.MetadataException;
import dev.airlock.core.ecosystem.MetadataRequest;
import dev.airlock.core.ecosystem.PackageMetadata;
import dev.airlock.core.ecosystem.PrefetchOutcome;
import dev.airlock.core.ecosystem.Prefetching;
import dev.airlock.core.ecosystem.Request;
import dev.airlock.core.ecosystem.Resources;
import dev.airlock.core.ecosystem.Route;
import dev.airlock.core.ecosystem.SignatureRef;
import dev.airlock.core.ecosystem.SignatureTrust;
import dev.airlock.core.ecosystem.UpstreamSettings;
import dev.airlock.core.trust.SigstoreVerifier;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;

/**
 * Maven repositories (the Maven 2 layout that Maven, Gradle, sbt and Ivy read) under
 * {@code /maven/}.
 *
 * <p>Files are addressed by path: each is fetched from the first configured upstream that has
 * it, checked against every checksum that upstream publishes for it ({@code .sha1},
 * {@code .sha256}, {@code .sha512}, or {@code X-Checksum-*} headers), and served with
 * {@code X-Checksum-SHA1}/{@code -MD5} so that clients can skip the checksum requests. Checksum
 * files are answered from the bytes Airlock serves, never passed through. {@code maven-metadata.xml}
 * is metadata: cached, revalidated and rendered again (see {@link MavenMetadata}).
 *
 * <p>Snapshots change under one name; they are refused unless {@code upstreams.maven.snapshots}
 * is on, and then only deployed (timestamped) snapshot files are cached.
 */
public final class MavenEcosystem implements Ecosystem, Prefetching {

    static final String ID = "maven";

    private static final List<FileRequest.Sidecar> SIDECARS = List.of(
            new FileRequest.Sidecar("SHA-1", ".sha1"),
            new FileRequest.Sidecar("SHA-256", ".sha256"),
            new FileRequest.Sidecar("SHA-512", ".sha512"));
    private static final Map<String, String> DIGEST_HEADERS = Map.of("x-checksum-sha1", "SHA-1", "x-checksum-md5", "MD5");
    private static final Map<String, String> SERVED = Map.of("X-Checksum-SHA1", "SHA-1", "X-Checksum-MD5", "MD5");

    private volatile boolean snapshots;
    /** {@code limits.pomSize}. */
    private volatile LimitsConfig limits = LimitsConfig.DEFAULTS;

    @Override
    public String id() {
        return ID;
    }

    @Override
    public void configure(EcosystemContext context) {
        this.snapshots = context.upstream().snapshots();
        this.limits = context.limits();
        this.sigstore = context.trust().sigstore();
        try {
            this.keyring = PgpKeyring.load(context.trust().pgpKeyrings());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("policy.pgpKeyrings: " + e.getMessage(), e);
        }
    }

    private volatile PgpKeyring keyring = PgpKeyring.EMPTY;
    private volatile SigstoreVerifier sigstore;

    /** Files whose signatures are checked: what a build consumes, not the signatures or checksums themselves. */
    private static final Set<String> SIGNED = Set.of("jar", "pom", "war", "aar", "module", "zip", "tar.gz");

    @Override
    public List<SignatureRef> signaturesOf(PackageMetadata listing, String path) {
        if (MavenPath.parse(path) instanceof MavenPath.File f && SIGNED.contains(f.extension()) && !MavenPath.isSnapshot(f.version())) {
            return List.of(SignatureRef.beside(MavenSignatures.ASC, ".asc"),
                    SignatureRef.beside(MavenSignatures.SIGSTORE, ".sigstore.json"));
        }
        return List.of();
    }

    @Override
    public ContentFacts verifySignatures(PackageMetadata listing, String packageName, String version, String path,
                                                                    Path file, Map<String, byte[]> found) {
        SigstoreVerifier v = sigstore != null ? sigstore : SignatureTrust.defaults().sigstore();
        try {
            return MavenSignatures.verify(path.substring(path.lastIndexOf('/') + 1), file, found, keyring, v);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * A release's POM is deployed once, with the release: a repository's {@code Last-Modified} on it
     * is the release's publish time (maven-metadata.xml's {@code lastUpdated} changes with every
     * deploy of the artifact, so it dates only the newest version, and only as an upper bound).
     */
    @Override
    public boolean datesRelease(String path) {
        return MavenPath.parse(path) instanceof MavenPath.File f && f.extension().equals("pom") && f.classifier() == null
                && !MavenPath.isSnapshot(f.version());
    }

    /** OpenPGP keys are learnt on first use per groupId: a project's releases are signed by its release managers' keys. */
    @Override
    public String signerScope(String packageName) {
        int colon = packageName.indexOf(':');
        return colon > 0 ? packageName.substring(0, colon) : null;
    }

    @Override
    public UpstreamSettings defaultUpstream(EcosystemContext context) {
        return new MavenUpstreamDiscovery(context).discover();
    }

    @Override
    public Route route(Request request) {
        if (!request.isRead()) {
            return new Route.Reject(405, request.method() + " is not supported: Airlock is a read-only proxy (deploy to your own repository)");
        }
        MavenPath path = MavenPath.parse(request.path());
        if (path instanceof MavenPath.Invalid i) {
            return new Route.Reject(i.status(), i.reason());
        }
        if (path instanceof MavenPath.Metadata m) {
            return snapshotRefusal(m.snapshotVersion(), null).orElseGet(() -> new Route.Metadata(metadata(m)));
        }
        if (path instanceof MavenPath.MetadataChecksum mc) {
            return snapshotRefusal(mc.metadata().snapshotVersion(), null)
                    .orElseGet(() -> new Route.MetadataDigest(metadata(mc.metadata()), mc.algorithm()));
        }
        if (path instanceof MavenPath.File f) {
            return snapshotRefusal(f.version(), f).orElseGet(() -> new Route.File(file(f)));
        }
        MavenPath.FileChecksum c = (MavenPath.FileChecksum) path;
        return snapshotRefusal(c.file().version(), c.file()).orElseGet(() -> new Route.FileDigest(file(c.file()), c.algorithm()));
    }

    /**
     * Snapshot paths answer 404 unless snapshots are on; even then a file named with "SNAPSHOT"
     * rather than its deployed timestamp is refused, as it changes under the same name.
     */
    private Optional<Route> snapshotRefusal(String version, MavenPath.File file) {
        if (version == null || !MavenPath.isSnapshot(version)) {
            return Optional.empty();
        }
        if (!snapshots) {
            return Optional.of(new Route.Reject(404, "snapshot versions are not proxied (set upstreams.maven.snapshots: true)"));
        }
        if (file != null && file.filename().startsWith(file.artifactId() + "-" + version)) {
            return Optional.of(new Route.Reject(404, "only deployed (timestamped) snapshot files are served; "
                    + file.filename() + " changes under the same name"));
        }
        return Optional.empty();
    }

    private static MetadataRequest metadata(MavenPath.Metadata m) {
        return new MetadataRequest(m.packageName(), m.snapshotVersion() == null ? "metadata" : "snapshot-metadata", m.path(),
                Map.of("Accept", "application/xml, text/xml;q=0.9, */*;q=0.1"));
    }

    private static FileRequest file(MavenPath.File f) {
        return new FileRequest(f.packageName(), f.version(), f.path(), contentType(f.extension()), SIDECARS, DIGEST_HEADERS, SERVED,
                governing(f.groupId(), f.artifactId()));
    }

    /** An artifact ("group:artifact") is decided from its maven-metadata.xml, as its files are. */
    @Override
    public MetadataRequest governingRequest(String packageName) {
        int colon = packageName.indexOf(':');
        if (colon <= 0 || colon == packageName.length() - 1 || packageName.indexOf(':', colon + 1) >= 0) {
            return null;
        }
        MavenPath path = MavenPath.parse(packageName.substring(0, colon).replace('.', '/') + "/" + packageName.substring(colon + 1)
                + "/maven-metadata.xml");
        return path instanceof MavenPath.Metadata m ? metadata(m) : null;
    }

    /** The artifact-level maven-metadata.xml the policy decides a file's release from. */
    static MetadataRequest governing(String groupId, String artifactId) {
        return metadata(new MavenPath.Metadata(groupId.replace('.', '/') + "/" + artifactId, null));
    }

    /** The POM and jar of a release, for inspection before it is listed. */
    static List<Route> releaseFiles(String groupId, String artifactId, String version) {
        String dir = groupId.replace('.', '/') + "/" + artifactId + "/" + version + "/" + artifactId + "-" + version;
        List<Route> out = new ArrayList<>();
        for (String ext : List.of("pom", "jar")) {
            if (MavenPath.parse(dir + "." + ext) instanceof MavenPath.File f) {
                out.add(new Route.File(file(f)));
            }
        }
        return out;
    }

    @Override
    public ContentFacts inspect(PackageMetadata listing, String packageName, String version, String filename,
                                                           Path file) throws IOException {
        return JarInspector.inspect(filename, file, limits);
    }

    static String contentType(String extension) {
        if (extension.equals("asc") || extension.endsWith(".asc")) {
            return "application/pgp-signature";
        }
        if (extension.endsWith("sigstore.json")) {
            return "application/vnd.dev.sigstore.bundle.v0.3+json";
        }
        return switch (extension) {
            case "jar", "war", "ear", "aar" -> "application/java-archive";
            case "pom", "xml" -> "text/xml";
            case "module", "json" -> "application/json";
            default -> "application/octet-stream";
        };
    }

    @Override
    public PackageMetadata parse(MetadataRequest request, URI documentUrl, byte[] body, String contentType) throws MetadataException {
        return MavenMetadata.parse(request.packageName(), request.variant().equals("snapshot-metadata"), !snapshots, body,
                limits.versionsPerDocument());
    }

    private static final Set<String> POPULAR = Resources.lines(MavenEcosystem.class, "popular.txt");

    @Override
    public Set<String> popularNames() {
        return POPULAR;
    }

    /** The output of {@code mvn dependency:list} (see {@link DependencyList}); a POM is {@link #prefetchProject}'s. */
    @Override
    public Optional<List<LockedArtifact>> lockfile(Path file, byte[] content)
            throws MetadataException {
        if (PomPrefetch.claims(file)) {
            return Optional.empty();
        }
        return DependencyList.claims(file, content) ? Optional.of(DependencyList.parse(content)) : Optional.empty();
    }

    /** A {@code pom.xml} (or {@code *.pom}) that names its coordinates. */
    @Override
    public boolean isProject(Path file, byte[] content) throws MetadataException {
        if (!PomPrefetch.claims(file)) {
            return false;
        }
        PomPrefetch.project(content);
        return true;
    }

    /**
     * A {@code pom.xml} (or {@code *.pom}): its dependency graph resolved by Maven Resolver through
     * Airlock's mount only (see {@link PomPrefetch}).
     */
    @Override
    public boolean prefetchProject(Path file, byte[] content, URI mountUrl, String token,
                                   Consumer<PrefetchOutcome> report) throws MetadataException {
        if (!PomPrefetch.claims(file)) {
            return false;
        }
        PomPrefetch.prefetch(file, content, mountUrl, token, report);
        return true;
    }
}
