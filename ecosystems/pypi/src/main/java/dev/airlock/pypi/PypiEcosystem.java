package dev.airlock.pypi;

import dev.airlock.config.LimitsConfig;
import dev.airlock.core.ecosystem.ArtifactRef;
import dev.airlock.core.ecosystem.ContentFacts;
import dev.airlock.core.ecosystem.DerivedFile;
import dev.airlock.core.ecosystem.Ecosystem;
import dev.airlock.core.ecosystem.EcosystemContext;
import dev.airlock.core.ecosystem.LockedArtifact;
import dev.airlock.core.ecosystem.MetadataException;
import dev.airlock.core.ecosystem.MetadataRequest;
import dev.airlock.core.ecosystem.PackageMetadata;
import dev.airlock.core.ecosystem.Prefetching;
import dev.airlock.core.ecosystem.Request;
import dev.airlock.core.ecosystem.Resources;
import dev.airlock.core.ecosystem.Route;
import dev.airlock.core.ecosystem.SignatureRef;
import dev.airlock.core.ecosystem.SignatureTrust;
import dev.airlock.core.ecosystem.UpstreamSettings;
import dev.airlock.core.trust.SigstoreVerifier;
import dev.airlock.core.trust.VerificationException;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The Python package index protocol under {@code /pypi/}: the simple API ({@code /pypi/simple/},
 * PEP 503 HTML and PEP 691 JSON chosen by Accept) and files ({@code /pypi/files/<project>/<file>},
 * plus PEP 658 {@code <file>.metadata}) and PyPI's JSON API ({@code /pypi/<project>/json}, with
 * URLs rewritten). Any PEP 503 index works as the upstream, a static file
 * tree with relative links included; files may live on the configured files hosts.
 *
 * <p>pip ignores PEP 740 provenance; Airlock verifies it for each file it serves ({@link Pep740})
 * and records who built the file, so that the policy sees a release built elsewhere than the last.
 */
public final class PypiEcosystem implements Ecosystem, Prefetching {

    static final String ID = "pypi";
    /** Upstream pages are asked for in JSON first, as pip does; HTML indexes answer HTML. */
    private static final String UPSTREAM_ACCEPT = "application/vnd.pypi.simple.v1+json, application/vnd.pypi.simple.v1+html; q=0.1, text/html; q=0.01";

    @Override
    public String id() {
        return ID;
    }

    @Override
    public UpstreamSettings defaultUpstream(EcosystemContext context) {
        // The embedded defaults name PyPI; getting here means the operator removed it.
        return UpstreamSettings.none("configuration", "set upstreams.pypi.url to a PEP 503 index (e.g. https://pypi.org/simple/)");
    }

    @Override
    public Route route(Request request) {
        String path = request.path();
        if (!request.isRead()) {
            return new Route.Reject(405, request.method() + " is not supported: Airlock is a read-only proxy");
        }
        SimpleFormat format = SimpleFormat.negotiate(request.header("accept"), formatParam(request.query()));
        if (path.equals("/simple/")) {
            return new Route.Metadata(metadata(ProjectList.KEY, format, ""));
        }
        if (path.equals("/simple")) {
            return new Route.Redirect("/" + ID + "/simple/");
        }
        if (path.startsWith("/simple/")) {
            String rest = path.substring("/simple/".length());
            boolean slash = rest.endsWith("/");
            String project = slash ? rest.substring(0, rest.length() - 1) : rest;
            if (project.contains("/") || !PypiNames.validProject(project)) {
                return new Route.Reject(400, "invalid project name: " + project);
            }
            String normalized = PypiNames.normalize(project);
            if (!slash || !normalized.equals(project)) {
                return new Route.Redirect("/" + ID + "/simple/" + normalized + "/");
            }
            return new Route.Metadata(metadata(normalized, format, normalized + "/"));
        }
        if (path.startsWith("/files/")) {
            String[] seg = path.substring("/files/".length()).split("/", -1);
            if (seg.length != 2 || !PypiNames.validProject(seg[0])) {
                return new Route.Reject(400, "file URLs are /" + ID + "/files/<project>/<file>");
            }
            String normalized = PypiNames.normalize(seg[0]);
            String file = seg[1];
            String dist = file.endsWith(".metadata") ? file.substring(0, file.length() - ".metadata".length()) : file;
            if (!PypiNames.validFile(dist) || !PypiNames.belongsTo(dist, normalized)) {
                return new Route.Reject(400, "not a distribution file of " + normalized + ": " + file);
            }
            return new Route.Artifact(metadata(normalized, SimpleFormat.JSON, normalized + "/"), file);
        }
        if (path.startsWith("/integrity/")) {
            return provenance(path);
        }
        Route api = jsonApi(path);
        if (api != null) {
            return api;
        }
        return new Route.Reject(404, "Airlock serves the simple index at /" + ID + "/simple/");
    }

    /**
     * PEP 740 provenance objects, proxied from PyPI's Integrity API beside the index
     * ({@code ../integrity/<project>/<version>/<file>/provenance} from the index URL).
     */
    private static Route provenance(String path) {
        String[] seg = path.substring("/integrity/".length()).split("/", -1);
        if (seg.length != 4 || !seg[3].equals("provenance") || !PypiNames.validProject(seg[0])
                || !seg[1].matches("[A-Za-z0-9.+!_-]{1,100}") || !PypiNames.validFile(seg[2])
                || !PypiNames.belongsTo(seg[2], PypiNames.normalize(seg[0]))) {
            return new Route.Reject(400, "provenance URLs are /" + ID + "/integrity/<project>/<version>/<file>/provenance");
        }
        return new Route.Passthrough("../integrity/" + PypiNames.normalize(seg[0]) + "/" + seg[1] + "/" + seg[2] + "/provenance",
                Set.of("accept"));
    }

    /**
     * {@code /<project>/json} and {@code /<project>/<version>/json}: PyPI's JSON API, which lives
     * beside the simple index on the same host ({@code ../pypi/...} from the index URL).
     */
    private static Route jsonApi(String path) {
        String[] seg = path.substring(1).split("/", -1);
        if ((seg.length != 2 && seg.length != 3) || !seg[seg.length - 1].equals("json") || !PypiNames.validProject(seg[0])) {
            return null;
        }
        String normalized = PypiNames.normalize(seg[0]);
        String version = seg.length == 3 ? seg[1] : null;
        if (version != null && !version.matches("[A-Za-z0-9.+!_-]{1,100}")) {
            return new Route.Reject(400, "invalid version: " + version);
        }
        String upstream = "../pypi/" + normalized + "/" + (version == null ? "" : version + "/") + "json";
        return new Route.Metadata(new MetadataRequest(normalized, JsonApiDocument.VARIANT + (version == null ? "" : "@" + version),
                upstream, Map.of("Accept", "application/json")));
    }

    /** The JSON project page, the one file routes decide a release from. */
    @Override
    public MetadataRequest governingRequest(String packageName) {
        return PypiNames.validProject(packageName) ? metadata(PypiNames.normalize(packageName), SimpleFormat.JSON,
                PypiNames.normalize(packageName) + "/") : null;
    }

    private static MetadataRequest metadata(String normalized, SimpleFormat format, String upstreamPath) {
        return new MetadataRequest(normalized, format.variant(), upstreamPath, Map.of("Accept", UPSTREAM_ACCEPT));
    }

    private static String formatParam(String query) {
        if (query == null) {
            return null;
        }
        for (String kv : query.split("&")) {
            if (kv.startsWith("format=")) {
                return URLDecoder.decode(kv.substring(7), StandardCharsets.UTF_8);
            }
        }
        return null;
    }

    /** Pages state sizes, upload times and core metadata a static index leaves out. */
    @Override
    public boolean rendersFileFacts() {
        return true;
    }

    /**
     * A wheel's core metadata, when the index does not serve it (PEP 658): pages then advertise it
     * with the hash of exactly these bytes, and pip reads it instead of downloading wheels to
     * resolve. Sdists get none: their PKG-INFO may declare fields dynamic.
     */
    @Override
    public List<DerivedFile> derive(PackageMetadata listing, ArtifactRef artifact, Path file) throws IOException {
        // Also when the index offers the metadata itself: the core then keeps this copy only if it
        // is the file the index declares (PEP 658 metadata is the wheel's METADATA, byte for byte),
        // and pip's request for it needs no upstream round trip.
        if (!artifact.filename().endsWith(".whl") || !(listing instanceof ProjectPage)) {
            return List.of();
        }
        return List.of(new DerivedFile(artifact.filename() + ".metadata", WheelMetadata.extract(file, artifact.filename()),
                "text/plain; charset=utf-8"));
    }

    @Override
    public ContentFacts inspect(PackageMetadata listing, String packageName, String version, String filename, Path file)
            throws IOException {
        return WheelInspector.inspect(filename, file, limits);
    }

    private volatile SigstoreVerifier sigstore;
    private volatile LimitsConfig limits = LimitsConfig.DEFAULTS;

    @Override
    public void configure(EcosystemContext context) {
        this.sigstore = context.trust().sigstore();
        this.limits = context.limits();
    }

    private SigstoreVerifier sigstore() {
        SigstoreVerifier v = sigstore;
        if (v == null) {
            v = SignatureTrust.defaults().sigstore();
            sigstore = v;
        }
        return v;
    }

    /** The key under which a file's PEP 740 provenance object is fetched. */
    static final String PROVENANCE = "pep740";

    /**
     * A file's PEP 740 provenance, at the URL its listing advertises (resolved against the page).
     * Files that advertise none have nothing to fetch; {@link #verifySignatures} still records that.
     */
    @Override
    public List<SignatureRef> signaturesOf(PackageMetadata listing, String path) {
        URI at = listing instanceof ProjectPage page ? page.provenance(path) : null;
        return at == null ? List.of() : List.of(SignatureRef.at(PROVENANCE, at, Pep740.MEDIA_TYPE));
    }

    /**
     * Who built a listed distribution file, from its verified provenance: the certificate's SAN,
     * repository, workflow and ref. A file the listing gives no provenance, or whose provenance
     * upstream does not have (404), is recorded as having none ({@code provenance: ""}), so that
     * a release dropping the provenance its predecessor had is seen. Provenance that does not
     * verify, names other bytes or another publisher is a failure (the release is denied); one
     * that could not be fetched now is left unchecked. {@code .metadata} files are not checked.
     */
    @Override
    public ContentFacts verifySignatures(PackageMetadata listing, String packageName, String version, String path, Path file,
                                         Map<String, byte[]> found) {
        if (!(listing instanceof ProjectPage page) || !page.lists(path)) {
            return ContentFacts.NONE;
        }
        if (page.provenance(path) == null) {
            return ContentFacts.signed(Map.of(ContentFacts.PROVENANCE, ""), List.of());
        }
        if (!found.containsKey(PROVENANCE)) {
            return ContentFacts.NONE;
        }
        byte[] doc = found.get(PROVENANCE);
        if (doc == null) {
            return ContentFacts.signed(Map.of(ContentFacts.PROVENANCE, ""), List.of());
        }
        try {
            return ContentFacts.signed(Pep740.verify(doc, path, sha256(file), sigstore()), List.of());
        } catch (VerificationException e) {
            return ContentFacts.signed(Map.of(), List.of("the PEP 740 provenance of " + path + " does not verify: " + e.getMessage()));
        }
    }

    private static String sha256(Path file) {
        try (InputStream in = Files.newInputStream(file)) {
            MessageDigest d = MessageDigest.getInstance("SHA-256");
            byte[] buf = new byte[1 << 16];
            for (int n; (n = in.read(buf)) > 0; ) {
                d.update(buf, 0, n);
            }
            return HexFormat.of().formatHex(d.digest());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public String canonicalName(String name) {
        return PypiNames.normalize(name);
    }

    /** The route of a project's file, for inspecting a release before it is listed. */
    static Route file(String normalized, String filename) {
        return new Route.Artifact(metadata(normalized, SimpleFormat.JSON, normalized + "/"), filename);
    }

    @Override
    public PackageMetadata parse(MetadataRequest request, URI documentUrl, byte[] body, String contentType) throws MetadataException {
        if (request.variant().startsWith(JsonApiDocument.VARIANT)) {
            return JsonApiDocument.parse(request.packageName(), body, limits.jsonDepth());
        }
        SimpleFormat format = SimpleFormat.ofVariant(request.variant());
        if (request.packageName().equals(ProjectList.KEY)) {
            return ProjectList.parse(format, body, contentType);
        }
        return ProjectPage.parse(request.packageName(), format, documentUrl, body, contentType, limits);
    }

    private static final Set<String> POPULAR = Resources.lines(PypiEcosystem.class, "popular.txt");

    @Override
    public Set<String> popularNames() {
        return POPULAR;
    }

    /**
     * {@code pylock.toml} (PEP 751, see {@link PyLock}) and requirements files pinned with
     * {@code ==} (see {@link Requirements}).
     */
    @Override
    public Optional<List<LockedArtifact>> lockfile(Path file, byte[] content)
            throws MetadataException {
        if (PyLock.claims(file)) {
            return Optional.of(PyLock.parse(content));
        }
        return Requirements.claims(file, content) ? Optional.of(Requirements.parse(file, content)) : Optional.empty();
    }

    /** A pinned version's files, from the PEP 691 page Airlock rendered (see {@link Requirements#files}). */
    @Override
    public List<LockedArtifact> lockedFiles(LockedArtifact locked, byte[] metadata)
            throws MetadataException {
        return Requirements.files(locked, metadata);
    }
}
