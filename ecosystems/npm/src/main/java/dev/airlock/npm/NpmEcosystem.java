package dev.airlock.npm;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.airlock.config.LimitsConfig;
import dev.airlock.config.UpstreamConfig;
import dev.airlock.core.ecosystem.ArtifactRef;
import dev.airlock.core.ecosystem.AttestationCheck;
import dev.airlock.core.ecosystem.ContentFacts;
import dev.airlock.core.ecosystem.Ecosystem;
import dev.airlock.core.ecosystem.EcosystemContext;
import dev.airlock.core.ecosystem.LockedArtifact;
import dev.airlock.core.ecosystem.MetadataException;
import dev.airlock.core.ecosystem.MetadataRequest;
import dev.airlock.core.ecosystem.PackageMetadata;
import dev.airlock.core.ecosystem.Prefetching;
import dev.airlock.core.ecosystem.RegistryKey;
import dev.airlock.core.ecosystem.ReleaseFacts;
import dev.airlock.core.ecosystem.Request;
import dev.airlock.core.ecosystem.Resources;
import dev.airlock.core.ecosystem.Route;
import dev.airlock.core.ecosystem.SignatureTrust;
import dev.airlock.core.ecosystem.UpstreamSettings;
import dev.airlock.core.json.StrictJson;
import dev.airlock.core.trust.SigstoreVerifier;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Path;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The npm registry protocol under {@code /npm/}: packuments (full and abbreviated), tarballs,
 * and the small registry endpoints npm calls (ping, keys, attestations, search, audit), which the
 * npm client also asks for at the origin root.
 */
public final class NpmEcosystem implements Ecosystem, Prefetching {

    static final String ID = "npm";

    /** What the operator should do when no registry can be found. */
    static final String HOW_TO_CONFIGURE = "set upstreams.npm.url in the Airlock config, or configure npm's own registry "
            + "(npm config set registry URL, or the npm_config_registry environment variable) on this machine";

    /** Client headers the registry endpoints read: npm gzips audit bodies and says so. */
    private static final Set<String> FORWARDED = Set.of("accept", "content-type", "content-encoding",
            "user-agent", "npm-command", "npm-scope", "npm-session");

    private final NpmRegistryDiscovery.CommandRunner runner;

    /** Used by {@link java.util.ServiceLoader}. */
    public NpmEcosystem() {
        this(NpmRegistryDiscovery::runProcess);
    }

    NpmEcosystem(NpmRegistryDiscovery.CommandRunner runner) {
        this.runner = runner;
    }

    @Override
    public String id() {
        return ID;
    }

    @Override
    public UpstreamSettings defaultUpstream(EcosystemContext context) {
        UpstreamConfig c = context.upstream();
        Optional<NpmRegistryDiscovery.Found> found = new NpmRegistryDiscovery(context.environment(), context.home(), runner).discover();
        return found.map(f -> UpstreamSettings.of(f.registry(), c.files(), f.source()))
                .orElseGet(() -> UpstreamSettings.none("discovery found nothing", HOW_TO_CONFIGURE));
    }

    @Override
    public Route route(Request request) {
        String path = request.path();
        if (path.startsWith("/-/")) {
            Route r = registryEndpoint(request, path);
            return r != null ? r : new Route.Reject(404, "unknown npm registry endpoint " + path);
        }
        String[] seg = path.substring(1).split("/", -1);
        String name;
        int rest;
        if (seg[0].startsWith("@")) {
            if (seg.length < 2) {
                return new Route.Reject(400, "invalid npm package name: " + seg[0]);
            }
            name = seg[0] + "/" + seg[1];
            rest = 2;
        } else {
            name = seg[0];
            rest = 1;
        }
        if (!NpmNames.validName(name)) {
            return new Route.Reject(400, "invalid npm package name: " + name);
        }
        int remaining = seg.length - rest;
        if (remaining == 0 || (remaining == 1 && seg[rest].isEmpty())) {
            if (!request.isRead()) {
                return readOnly(request);
            }
            return new Route.Metadata(metadataRequest(name, wantsAbbreviated(request.header("accept"))));
        }
        if (remaining == 2 && seg[rest].equals("-")) {
            if (!request.isRead()) {
                return readOnly(request);
            }
            String file = seg[rest + 1];
            if (!NpmNames.validTarballName(file)) {
                return new Route.Reject(400, "invalid npm tarball name: " + file);
            }
            // Where the registry keeps tarballs: fetched while the packument is on its way.
            return new Route.Artifact(metadataRequest(name, false), file, name + "/-/" + file);
        }
        if (!request.isRead()) {
            return readOnly(request);
        }
        return new Route.Reject(404, "Airlock serves npm packuments at /npm/" + name + " and tarballs at /npm/" + name + "/-/FILE.tgz");
    }

    @Override
    public Route routeRoot(Request request) {
        return request.path().startsWith("/-/") ? registryEndpoint(request, request.path()) : null;
    }

    /**
     * The registry's own endpoints that npm calls, proxied unchanged to the upstream. npm asks
     * for some of them at the origin root, having dropped the registry's path prefix.
     */
    private static Route registryEndpoint(Request request, String path) {
        String m = request.method();
        boolean read = request.isRead();
        String q = request.query() == null ? "" : "?" + request.query();
        if ((path.equals("/-/ping") || path.equals("/-/npm/v1/keys") || path.equals("/-/v1/search")) && read) {
            return new Route.Passthrough(path.substring(1) + q, FORWARDED);
        }
        if (path.startsWith("/-/npm/v1/attestations/") && read) {
            String spec = path.substring("/-/npm/v1/attestations/".length());
            int at = spec.lastIndexOf('@');
            if (at <= 0 || !NpmNames.validName(spec.substring(0, at)) || !spec.substring(at + 1).matches("[A-Za-z0-9.+-]{1,256}")) {
                return new Route.Reject(400, "invalid attestation request: " + spec);
            }
            return new Route.Passthrough("-/npm/v1/attestations/" + NpmNames.escape(spec.substring(0, at)) + "@" + spec.substring(at + 1), FORWARDED);
        }
        if ((path.equals("/-/npm/v1/security/advisories/bulk") || path.equals("/-/npm/v1/security/audits/quick")) && m.equals("POST")) {
            return new Route.Passthrough(path.substring(1) + q, FORWARDED);
        }
        return null;
    }

    private static Route readOnly(Request request) {
        return new Route.Reject(405, request.method() + " is not supported: Airlock is a read-only proxy (publish to your registry directly)");
    }

    static MetadataRequest metadataRequest(String name, boolean abbreviated) {
        return new MetadataRequest(name, abbreviated ? Packument.ABBREVIATED : Packument.FULL, NpmNames.escape(name),
                // The full document even for the abbreviated form (which Airlock writes itself): only it
                // says who published each version and what its install scripts run, which the
                // policy needs whichever form the client asked for.
                Map.of("Accept", "application/json"));
    }

    /** npm (pacote) asks for the abbreviated document with this media type first in its Accept header. */
    static boolean wantsAbbreviated(String accept) {
        return accept != null && accept.contains(Packument.CORGI_TYPE);
    }

    @Override
    public PackageMetadata parse(MetadataRequest request, URI documentUrl, byte[] body, String contentType)
            throws MetadataException {
        return Packument.parse(request.packageName(), request.variant(), body, contentType, limits);
    }

    @Override
    public ContentFacts inspect(PackageMetadata listing, String packageName, String version, String filename,
                                                           Path file) throws IOException {
        ReleaseFacts registry = listing == null ? null : listing.releaseFacts().stream()
                .filter(f -> f.version().equals(version)).findFirst().orElse(null);
        return TarballInspector.inspect(filename, file, registry, limits);
    }

    @Override
    public MetadataRequest governingRequest(String packageName) {
        return NpmNames.validName(packageName) ? metadataRequest(packageName, false) : null;
    }

    private static final Set<String> POPULAR = Resources.lines(NpmEcosystem.class, "popular.txt");

    @Override
    public Set<String> popularNames() {
        return POPULAR;
    }

    @Override
    public String registryKeysPath() {
        return "-/npm/v1/keys";
    }

    /** {@code {"keys":[{"keyid","key" (base64 SPKI),"expires"}]}}, as the registry and its TUF target publish them. */
    @Override
    public List<RegistryKey> registryKeys(byte[] document) throws MetadataException {
        try {
            JsonNode doc = new ObjectMapper().readTree(document);
            List<RegistryKey> out = new ArrayList<>();
            for (JsonNode k : doc.path("keys")) {
                String keyid = k.path("keyid").asText(null);
                String key = k.path("key").asText(null);
                if (keyid == null || key == null) {
                    continue;
                }
                Instant expires = k.path("expires").isTextual() ? Instant.parse(k.get("expires").asText()) : null;
                out.add(new RegistryKey(keyid, key, expires));
            }
            return out;
        } catch (IOException | DateTimeParseException e) {
            throw new MetadataException("not a registry keys document: " + e.getMessage(), e);
        }
    }

    @Override
    public String attestationsPath(PackageMetadata listing, String version) {
        boolean attested = listing.releaseFacts().stream().anyMatch(f -> f.version().equals(version)
                && f.provenance() != null && !f.provenance().isEmpty());
        return attested ? "-/npm/v1/attestations/" + NpmNames.escape(listing.packageName()) + "@" + version : null;
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

    /**
     * The registry's publish attestation must verify with its key and name exactly this tarball;
     * SLSA provenance must verify against the Sigstore root and name it too. Who built it (the
     * signing certificate's repository, workflow and ref) is what the policy compares.
     */
    @Override
    public AttestationCheck verifyAttestations(PackageMetadata listing, String version, byte[] document,
                                                                         Map<String, RegistryKey> keys) {
        Optional<ArtifactRef> tarball = listing.artifact(Packument.tarballName(listing.packageName(), version));
        if (tarball.isEmpty() || !tarball.get().expected().algorithm().equals("SHA-512")) {
            return AttestationCheck.failed("no sha512 integrity to compare the attestation with");
        }
        JsonNode doc;
        try {
            doc = StrictJson.read(document, limits.jsonDepth());
        } catch (IOException e) {
            return AttestationCheck.failed("the attestations document is not JSON");
        }
        byte[] sha512 = tarball.get().expected().value();
        Instant publishedAt = listing.releaseFacts().stream().filter(f -> f.version().equals(version)).findFirst()
                .map(ReleaseFacts::publishedAt).orElse(null);
        PublishAttestation.Result r = PublishAttestation.verify(doc, listing.packageName(), version, sha512, keys, publishedAt);
        if (!r.verified()) {
            return r.refuted() ? AttestationCheck.refuted(r.reason())
                    : AttestationCheck.failed(r.reason());
        }
        return Provenance.verify(doc, listing.packageName(), version, sha512, sigstore());
    }

    /** {@code package-lock.json} and {@code npm-shrinkwrap.json}, lockfile versions 2 and 3 (see {@link PackageLock}). */
    @Override
    public Optional<List<LockedArtifact>> lockfile(Path file, byte[] content)
            throws MetadataException {
        return PackageLock.claims(file, content) ? Optional.of(PackageLock.parse(content)) : Optional.empty();
    }
}
