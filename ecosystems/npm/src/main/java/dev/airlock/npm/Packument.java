package dev.airlock.npm;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonFactoryBuilder;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.StreamReadFeature;
import dev.airlock.config.LimitsConfig;
import dev.airlock.core.ecosystem.ArtifactRef;
import dev.airlock.core.ecosystem.MetadataException;
import dev.airlock.core.ecosystem.PackageMetadata;
import dev.airlock.core.ecosystem.ReleaseFacts;
import dev.airlock.core.ecosystem.ReleaseInfo;
import dev.airlock.core.ecosystem.Route;
import dev.airlock.core.ecosystem.VersionOrder;
import dev.airlock.core.ecosystem.RenderContext;
import dev.airlock.core.ecosystem.Rendered;
import dev.airlock.core.json.StrictJson;

import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * An npm packument as the core sees it: the facts read once from the upstream bytes (versions,
 * publish times, tarballs and their digests, dist-tags, each release's facts), answered through
 * {@link PackageMetadata}. Reading is {@link PackumentParser}'s job and the facts of one version
 * {@link VersionManifest}'s; rendering for clients, full or abbreviated, is
 * {@link PackumentRenderer}'s. This class opens the bytes as strict JSON (UTF-8, duplicate keys
 * refused, nesting bounded by {@code limits.jsonDepth}): a document that says two things about
 * one field is an attack on whoever reads the other one.
 */
final class Packument implements PackageMetadata {

    static final String FULL = "full";
    static final String ABBREVIATED = "abbreviated";
    static final String CORGI_TYPE = "application/vnd.npm.install-v1+json";

    static final JsonFactory JSON = new JsonFactoryBuilder()
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .build();

    private final String name;
    private final String variant;
    private final boolean sourceAbbreviated;
    private final List<ReleaseInfo> releases;
    private final List<ReleaseFacts> facts;
    private final Map<String, ArtifactRef> artifacts;
    private final Map<String, String> distTags;
    private final String modified;

    Packument(String name, String variant, boolean sourceAbbreviated, List<ReleaseInfo> releases, List<ReleaseFacts> facts,
              Map<String, ArtifactRef> artifacts, Map<String, String> distTags, String modified) {
        this.facts = facts;
        this.name = name;
        this.variant = variant;
        this.sourceAbbreviated = sourceAbbreviated;
        this.releases = releases;
        this.artifacts = artifacts;
        this.distTags = distTags;
        this.modified = modified;
    }

    /**
     * Parses an upstream packument.
     *
     * @param expectedName the package that was asked for; a document about another package is refused
     * @param variant      {@link #FULL} or {@link #ABBREVIATED}: which rendering clients get
     * @param contentType  upstream's Content-Type, telling whether it honoured the abbreviated Accept
     */
    static Packument parse(String expectedName, String variant, byte[] body, String contentType) throws MetadataException {
        return parse(expectedName, variant, body, contentType, LimitsConfig.DEFAULTS);
    }

    /**
     * Reads a packument with JSON nesting bounded by {@code limits.jsonDepth} and at most
     * {@code limits.versionsPerDocument} versions: past either it is refused, not read to the end.
     */
    static Packument parse(String expectedName, String variant, byte[] body, String contentType, LimitsConfig limits)
            throws MetadataException {
        boolean abbreviatedSource = contentType != null && contentType.contains(CORGI_TYPE);
        try {
            StrictJson.requireUtf8(body);
        } catch (IOException e) {
            throw new MetadataException("the packument is " + e.getMessage());
        }
        try (JsonParser p = StrictJson.factory(limits.jsonDepth()).createParser(body)) {
            return PackumentParser.read(p, expectedName, variant, abbreviatedSource, limits.versionsPerDocument());
        } catch (IOException e) {
            throw new MetadataException("not valid JSON: " + firstLine(e.getMessage()), e);
        }
    }

    private static String firstLine(String s) {
        if (s == null) {
            return "";
        }
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl);
    }

    /** The file name Airlock serves a version's tarball under: {@code <name without scope>-<version>.tgz}, as npm publishes it. */
    static String tarballName(String name, String version) {
        return NpmNames.unscoped(name) + "-" + version + ".tgz";
    }

    @Override
    public String packageName() {
        return name;
    }

    /** A version's tarball, read before the version is listed (manifest confusion, links, binding.gyp). */
    @Override
    public List<Route> artifactsOf(String version) {
        String file = tarballName(name, version);
        return artifacts.containsKey(file)
                ? List.of(new Route.Artifact(NpmEcosystem.metadataRequest(name, false), file))
                : List.of();
    }

    @Override
    public List<ReleaseFacts> releaseFacts() {
        return facts;
    }

    @Override
    public VersionOrder versionOrder() {
        return SemverOrder.INSTANCE;
    }

    @Override
    public boolean governsReleases() {
        return true;
    }

    @Override
    public List<ReleaseInfo> releases() {
        return releases;
    }

    @Override
    public Optional<ArtifactRef> artifact(String filename) {
        return Optional.ofNullable(artifacts.get(filename));
    }

    @Override
    public long weight() {
        long w = 512L + 320L * releases.size();
        for (ReleaseFacts f : facts) {
            w += 96L * (f.dependencies() == null ? 0 : f.dependencies().size())
                    + 48L * (f.maintainers() == null ? 0 : f.maintainers().size());
            if (f.installHooks() != null) {
                for (String script : f.installHooks().values()) {
                    w += 64L + 2L * script.length();
                }
            }
        }
        return w;
    }

    Map<String, String> distTags() {
        return distTags;
    }

    /** {@link #FULL} or {@link #ABBREVIATED}: which rendering clients get. */
    String variant() {
        return variant;
    }

    /** Whether upstream sent the abbreviated document (so there is nothing left to abbreviate). */
    boolean sourceAbbreviated() {
        return sourceAbbreviated;
    }

    /** The document's {@code modified} (else {@code time.modified}), or null. */
    String modified() {
        return modified;
    }

    @Override
    public Rendered render(byte[] raw, RenderContext context) {
        return new PackumentRenderer(this).render(raw, context);
    }
}
