package dev.airlock.npm;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonFactoryBuilder;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadFeature;
import dev.airlock.config.LimitsConfig;
import dev.airlock.core.ecosystem.ArtifactRef;
import dev.airlock.core.ecosystem.Digest;
import dev.airlock.core.ecosystem.MetadataException;
import dev.airlock.core.ecosystem.PackageMetadata;
import dev.airlock.core.ecosystem.ReleaseFacts;
import dev.airlock.core.ecosystem.ReleaseInfo;
import dev.airlock.core.ecosystem.RenderContext;
import dev.airlock.core.ecosystem.Rendered;
import dev.airlock.core.json.StrictJson;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Predicate;

/**
 * An npm packument: parsed once with a streaming parser for the facts the core needs (versions,
 * publish times, tarball URLs and digests, dist-tags), and rendered again from the upstream bytes
 * for clients, filtered and with {@code dist.tarball} pointing at Airlock.
 *
 * <p>Rendering copies every token it does not change, so {@code time}, {@code _npmUser},
 * {@code maintainers}, {@code dist.integrity}, {@code dist.shasum}, {@code dist.signatures} and
 * {@code dist.attestations} keep their exact values. Duplicate keys are refused at parse time:
 * a document that says two things about one field is an attack on whoever reads the other one.
 *
 * <p>Two renderings exist: the full document, and the abbreviated ("corgi") one npm asks for with
 * {@code application/vnd.npm.install-v1+json}. When the upstream ignored that Accept header and
 * sent the full document, the abbreviated form is synthesised here, {@code hasInstallScript} included.
 */
final class Packument implements PackageMetadata {

    static final String FULL = "full";
    static final String ABBREVIATED = "abbreviated";
    static final String CORGI_TYPE = "application/vnd.npm.install-v1+json";
    private static final String JSON_TYPE = "application/json";

    /** Version keys the abbreviated document keeps (npm registry's allow-list). */
    private static final Set<String> CORGI_VERSION_KEYS = Set.of("name", "version", "dependencies", "optionalDependencies",
            "devDependencies", "bundleDependencies", "bundledDependencies", "peerDependencies", "peerDependenciesMeta", "bin",
            "directories", "dist", "engines", "deprecated", "cpu", "os", "libc", "_hasShrinkwrap", "hasInstallScript", "funding");

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

    private Packument(String name, String variant, boolean sourceAbbreviated, List<ReleaseInfo> releases, List<ReleaseFacts> facts,
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
        String docName = null;
        String modified = null;
        Map<String, String> times = new HashMap<>();
        Map<String, String> distTags = new LinkedHashMap<>();
        List<String> versionOrder = new ArrayList<>();
        Map<String, ArtifactRef> artifacts = new HashMap<>();
        Map<String, Manifest> manifests = new HashMap<>();
        try {
            StrictJson.requireUtf8(body);
        } catch (IOException e) {
            throw new MetadataException("the packument is " + e.getMessage());
        }
        try (JsonParser p = StrictJson.factory(limits.jsonDepth()).createParser(body)) {
            expect(p.nextToken(), JsonToken.START_OBJECT, "a packument must be a JSON object");
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String field = p.currentName();
                JsonToken value = p.nextToken();
                switch (field) {
                    case "name" -> {
                        expect(value, JsonToken.VALUE_STRING, "\"name\" must be a string");
                        docName = p.getText();
                    }
                    case "modified" -> modified = value == JsonToken.VALUE_STRING ? p.getText() : null;
                    case "dist-tags" -> readStringMap(p, value, distTags, "dist-tags");
                    case "time" -> readStringMap(p, value, times, "time");
                    case "versions" -> readVersions(p, value, expectedName, versionOrder, artifacts, manifests,
                            limits.versionsPerDocument());
                    default -> p.skipChildren();
                }
            }
            if (p.currentToken() != JsonToken.END_OBJECT || p.nextToken() != null) {
                throw new MetadataException("trailing data after the packument");
            }
        } catch (IOException e) {
            throw new MetadataException("not valid JSON: " + firstLine(e.getMessage()), e);
        }
        if (docName == null) {
            throw new MetadataException("the packument has no \"name\"");
        }
        if (!docName.equals(expectedName)) {
            throw new MetadataException("asked for " + expectedName + " but the packument describes " + docName);
        }
        if (modified == null) {
            modified = times.get("modified");
        }
        List<ReleaseInfo> releases = new ArrayList<>(versionOrder.size());
        for (String v : versionOrder) {
            releases.add(new ReleaseInfo(v, instant(times.get(v))));
        }
        // Publish order where the document gives one (time), else document order.
        if (releases.stream().allMatch(r -> r.publishedAt() != null)) {
            releases.sort(java.util.Comparator.comparing(ReleaseInfo::publishedAt));
        }
        List<ReleaseFacts> facts = new ArrayList<>(releases.size());
        for (ReleaseInfo r : releases) {
            Manifest m = manifests.get(r.version());
            // The registry signs "name@version:integrity" (npm's pacote verifies exactly this message).
            List<ReleaseFacts.RegistrySignature> sigs = new ArrayList<>();
            if (m.signatures != null && m.integrity != null) {
                for (String[] s : m.signatures) {
                    sigs.add(new ReleaseFacts.RegistrySignature(s[0], s[1], docName + "@" + r.version() + ":" + m.integrity));
                }
            }
            facts.add(new ReleaseFacts(r.version(), r.publishedAt(), m.publisher, m.maintainers, m.hooks(abbreviatedSource),
                    m.dependencies, sigs, m.provenance));
        }
        return new Packument(docName, variant, abbreviatedSource, Collections.unmodifiableList(releases),
                Collections.unmodifiableList(facts), Map.copyOf(artifacts), Collections.unmodifiableMap(distTags), modified);
    }

    /** What one version's manifest says that the policy looks at. */
    private static final class Manifest {
        String publisher;
        Set<String> maintainers;
        final Map<String, String> hooks = new java.util.TreeMap<>();
        Map<String, String> dependencies = new java.util.TreeMap<>();
        /** The manifest's "gypfile", null when it has none. */
        Boolean gypfile;
        boolean hasInstallScript;
        String integrity;
        /** dist.attestations' provenance predicate type, "" when dist lists none. */
        String provenance = "";
        /** (keyid, sig) pairs from dist.signatures; null when the version has none listed. */
        List<String[]> signatures;

        Map<String, String> hooks(boolean abbreviated) {
            Map<String, String> h = new java.util.TreeMap<>(hooks);
            // npm publish writes "gypfile": true where it found a .gyp file in the package root.
            if (NpmScripts.implicitGyp(h, gypfile, Boolean.TRUE.equals(gypfile))) {
                h.put("install", NpmScripts.NODE_GYP_REBUILD + " (implicit: binding.gyp)");
            }
            if (abbreviated && hasInstallScript && h.isEmpty()) {
                h.put("install", "(an install script; the abbreviated document does not say which)");
            }
            return h;
        }
    }

    private static void readVersions(JsonParser p, JsonToken value, String name, List<String> order, Map<String, ArtifactRef> artifacts,
                                     Map<String, Manifest> manifests, int maxVersions) throws IOException, MetadataException {
        expect(value, JsonToken.START_OBJECT, "\"versions\" must be an object");
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String version = p.currentName();
            if (order.size() == maxVersions) {
                throw new MetadataException("the packument lists more than " + maxVersions + " versions (limits.versionsPerDocument)");
            }
            expect(p.nextToken(), JsonToken.START_OBJECT, "versions[\"" + version + "\"] must be an object");
            order.add(version);
            Manifest m = new Manifest();
            manifests.put(version, m);
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String key = p.currentName();
                JsonToken t = p.nextToken();
                switch (key) {
                    case "dist" -> {
                        if (t == JsonToken.START_OBJECT) {
                            readDist(p, name, version, m).ifPresent(a -> artifacts.putIfAbsent(a.filename(), a));
                        } else {
                            p.skipChildren();
                        }
                    }
                    case "scripts" -> {
                        if (t == JsonToken.START_OBJECT) {
                            Map<String, String> scripts = new HashMap<>();
                            readStringMap(p, t, scripts, "scripts");
                            scripts.forEach((k, v) -> {
                                // prepare runs only for git and local installs: recorded, never held (the engine notes it).
                                String script = NpmScripts.normalise(v);
                                if (script != null && (NpmScripts.INSTALL.contains(k) || k.equals("prepare"))) {
                                    m.hooks.put(k, script);
                                }
                            });
                        } else {
                            p.skipChildren();
                        }
                    }
                    case "dependencies" -> {
                        if (t == JsonToken.START_OBJECT) {
                            readStringMap(p, t, m.dependencies, "dependencies");
                        } else {
                            p.skipChildren();
                        }
                    }
                    case "_npmUser" -> m.publisher = t == JsonToken.START_OBJECT ? personName(p) : skip(p);
                    case "maintainers" -> m.maintainers = t == JsonToken.START_ARRAY ? people(p) : skipNull(p);
                    case "gypfile" -> {
                        m.gypfile = t == JsonToken.VALUE_TRUE ? Boolean.TRUE : t == JsonToken.VALUE_FALSE ? Boolean.FALSE : null;
                        p.skipChildren();
                    }
                    case "hasInstallScript" -> m.hasInstallScript = t == JsonToken.VALUE_TRUE;
                    default -> p.skipChildren();
                }
            }
        }
    }

    /** {@code dist.attestations}: the provenance predicate type, or "attested" when it names none. */
    private static String attestationType(JsonParser p) throws IOException {
        String type = "attested";
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String k = p.currentName();
            JsonToken t = p.nextToken();
            if (k.equals("provenance") && t == JsonToken.START_OBJECT) {
                while (p.nextToken() == JsonToken.FIELD_NAME) {
                    String pk = p.currentName();
                    if (p.nextToken() == JsonToken.VALUE_STRING && pk.equals("predicateType")) {
                        type = p.getText();
                    } else {
                        p.skipChildren();
                    }
                }
            } else {
                p.skipChildren();
            }
        }
        return type;
    }

    /** {@code {"name": "..", "email": ".."}}: the name, or null. */
    private static String personName(JsonParser p) throws IOException {
        String name = null;
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String k = p.currentName();
            JsonToken t = p.nextToken();
            if (k.equals("name") && t == JsonToken.VALUE_STRING) {
                name = p.getText();
            } else {
                p.skipChildren();
            }
        }
        return name;
    }

    private static Set<String> people(JsonParser p) throws IOException {
        Set<String> names = new java.util.TreeSet<>();
        while (p.nextToken() != JsonToken.END_ARRAY) {
            if (p.currentToken() == JsonToken.START_OBJECT) {
                String n = personName(p);
                if (n != null) {
                    names.add(n);
                }
            } else if (p.currentToken() == JsonToken.VALUE_STRING) {
                // Older documents list "name <email>" strings.
                String text = p.getText();
                int lt = text.indexOf('<');
                names.add((lt > 0 ? text.substring(0, lt) : text).strip());
            } else {
                p.skipChildren();
            }
        }
        return names;
    }

    private static String skip(JsonParser p) throws IOException {
        p.skipChildren();
        return null;
    }

    private static Set<String> skipNull(JsonParser p) throws IOException {
        p.skipChildren();
        return null;
    }

    private static Optional<ArtifactRef> readDist(JsonParser p, String name, String version, Manifest m) throws IOException {
        String tarball = null;
        String integrity = null;
        String shasum = null;
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String key = p.currentName();
            JsonToken t = p.nextToken();
            if (key.equals("attestations") && t == JsonToken.START_OBJECT) {
                m.provenance = attestationType(p);
                continue;
            }
            if (key.equals("signatures") && t == JsonToken.START_ARRAY) {
                m.signatures = new ArrayList<>();
                while (p.nextToken() == JsonToken.START_OBJECT) {
                    String keyid = null;
                    String sig = null;
                    while (p.nextToken() == JsonToken.FIELD_NAME) {
                        String k = p.currentName();
                        if (p.nextToken() == JsonToken.VALUE_STRING) {
                            if (k.equals("keyid")) {
                                keyid = p.getText();
                            } else if (k.equals("sig")) {
                                sig = p.getText();
                            }
                        } else {
                            p.skipChildren();
                        }
                    }
                    if (keyid != null && sig != null) {
                        m.signatures.add(new String[]{keyid, sig});
                    }
                }
                if (p.currentToken() != JsonToken.END_ARRAY) {
                    p.skipChildren();
                }
                continue;
            }
            if (t == JsonToken.VALUE_STRING) {
                switch (key) {
                    case "tarball" -> tarball = p.getText();
                    case "integrity" -> {
                        integrity = p.getText();
                        m.integrity = integrity;
                    }
                    case "shasum" -> shasum = p.getText();
                    default -> {
                    }
                }
            } else {
                p.skipChildren();
            }
        }
        if (tarball == null) {
            return Optional.empty();
        }
        URI uri;
        try {
            uri = new URI(tarball);
        } catch (URISyntaxException e) {
            return Optional.empty();
        }
        if (!uri.isAbsolute() || uri.getRawPath() == null || !("http".equals(uri.getScheme()) || "https".equals(uri.getScheme()))) {
            return Optional.empty();
        }
        // Clients see the canonical name; the upstream URL stays opaque (it may carry a query, or
        // not end in the file name at all on some registries).
        String filename = tarballName(name, version);
        Optional<Digest> digest = strongest(integrity, shasum);
        if (digest.isEmpty() || !NpmNames.validTarballName(filename)) {
            // Without a digest the bytes could not be verified; such a tarball is not served.
            return Optional.empty();
        }
        return Optional.of(new ArtifactRef(version, filename, uri, digest.get(), "application/octet-stream"));
    }

    /** The file name Airlock serves a version's tarball under: {@code <name without scope>-<version>.tgz}, as npm publishes it. */
    static String tarballName(String name, String version) {
        return NpmNames.unscoped(name) + "-" + version + ".tgz";
    }

    /** The strongest digest in an SRI string ("sha512-... sha1-..."), else the sha1 {@code shasum}. */
    static Optional<Digest> strongest(String integrity, String shasum) {
        Digest best = null;
        int bestRank = 0;
        if (integrity != null) {
            for (String part : integrity.trim().split("\\s+")) {
                int dash = part.indexOf('-');
                if (dash < 0) {
                    continue;
                }
                String algo = part.substring(0, dash);
                String b64 = part.substring(dash + 1);
                int q = b64.indexOf('?');
                if (q >= 0) {
                    b64 = b64.substring(0, q);
                }
                int rank = switch (algo) {
                    case "sha512" -> 4;
                    case "sha384" -> 3;
                    case "sha256" -> 2;
                    case "sha1" -> 1;
                    default -> 0;
                };
                if (rank > bestRank) {
                    try {
                        byte[] value = Base64.getDecoder().decode(b64);
                        best = new Digest(jcaName(algo), value);
                        bestRank = rank;
                    } catch (IllegalArgumentException ignored) {
                        // a malformed entry is no digest; others in the string may still serve
                    }
                }
            }
        }
        if (best == null && shasum != null && shasum.matches("[0-9a-fA-F]{40}")) {
            best = new Digest("SHA-1", HexFormat.of().parseHex(shasum.toLowerCase(java.util.Locale.ROOT)));
        }
        return Optional.ofNullable(best);
    }

    private static String jcaName(String sriAlgo) {
        return "SHA-" + sriAlgo.substring(3);
    }

    private static void readStringMap(JsonParser p, JsonToken value, Map<String, String> into, String what)
            throws IOException, MetadataException {
        expect(value, JsonToken.START_OBJECT, "\"" + what + "\" must be an object");
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String k = p.currentName();
            JsonToken t = p.nextToken();
            if (t == JsonToken.VALUE_STRING) {
                into.put(k, p.getText());
            } else {
                p.skipChildren();
            }
        }
    }

    private static void expect(JsonToken actual, JsonToken wanted, String message) throws MetadataException {
        if (actual != wanted) {
            throw new MetadataException(message);
        }
    }

    private static Instant instant(String iso) {
        if (iso == null) {
            return null;
        }
        try {
            return Instant.parse(iso);
        } catch (DateTimeParseException e) {
            return null;
        }
    }

    private static String firstLine(String s) {
        if (s == null) {
            return "";
        }
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl);
    }

    @Override
    public String packageName() {
        return name;
    }

    /** A version's tarball, read before the version is listed (manifest confusion, links, binding.gyp). */
    @Override
    public List<dev.airlock.core.ecosystem.Route> artifactsOf(String version) {
        String file = tarballName(name, version);
        return artifacts.containsKey(file)
                ? List.of(new dev.airlock.core.ecosystem.Route.Artifact(NpmEcosystem.metadataRequest(name, false), file))
                : List.of();
    }

    @Override
    public List<ReleaseFacts> releaseFacts() {
        return facts;
    }

    @Override
    public dev.airlock.core.ecosystem.VersionOrder versionOrder() {
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

    @Override
    public Rendered render(byte[] raw, RenderContext context) {
        boolean abbreviate = variant.equals(ABBREVIATED);
        Predicate<String> visible = context.visible();
        Map<String, String> tags = visibleTags(visible);
        ByteArrayOutputStream out = new ByteArrayOutputStream(abbreviate && !sourceAbbreviated ? raw.length / 4 : raw.length + 1024);
        try (JsonParser p = JSON.createParser(raw); JsonGenerator g = JSON.createGenerator(out)) {
            p.nextToken();
            g.writeStartObject();
            boolean wroteModified = false;
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String field = p.currentName();
                p.nextToken();
                if (abbreviate && !sourceAbbreviated && !(field.equals("name") || field.equals("dist-tags") || field.equals("versions"))) {
                    p.skipChildren();
                    continue;
                }
                switch (field) {
                    case "versions" -> {
                        g.writeFieldName("versions");
                        writeVersions(p, g, visible, context.mountUrl(), abbreviate && !sourceAbbreviated);
                    }
                    case "dist-tags" -> {
                        g.writeFieldName("dist-tags");
                        g.writeStartObject();
                        for (Map.Entry<String, String> t : tags.entrySet()) {
                            g.writeStringField(t.getKey(), t.getValue());
                        }
                        g.writeEndObject();
                        p.skipChildren();
                    }
                    case "time" -> {
                        g.writeFieldName("time");
                        writeTime(p, g, visible);
                    }
                    default -> {
                        if (field.equals("modified")) {
                            wroteModified = true;
                        }
                        g.writeFieldName(field);
                        g.copyCurrentStructureExact(p);
                    }
                }
            }
            if (abbreviate && !sourceAbbreviated && !wroteModified && modified != null) {
                g.writeStringField("modified", modified);
            }
            g.writeEndObject();
        } catch (IOException e) {
            // The bytes parsed once already; failing now means memory or a bug, not bad input.
            throw new UncheckedIOException("cannot render the packument of " + name, e);
        }
        return new Rendered(out.toByteArray(), abbreviate ? CORGI_TYPE : JSON_TYPE, notice(context.held()));
    }

    /** Longest npm-notice Airlock sends; the npm client prints it as one line. */
    static final int MAX_NOTICE = 2000;

    /**
     * Versions the policy hides are absent from the document, so a client asking for one would
     * only hear "no matching version". npm prints a registry's {@code npm-notice} header, so the
     * reasons go there (on a response npm does not cache, or it would not print it: such
     * documents are answered {@code no-store} while a version is held).
     */
    static Map<String, String> notice(Map<String, String> held) {
        if (held.isEmpty()) {
            return Map.of();
        }
        StringBuilder sb = new StringBuilder();
        for (String why : held.values()) {
            if (sb.length() > 0) {
                sb.append(" | ");
            }
            sb.append(why);
        }
        String text = sb.toString().replaceAll("[^\\x20-\\x7e]", "?");
        if (text.length() > MAX_NOTICE) {
            text = text.substring(0, MAX_NOTICE - 20) + " ... (" + held.size() + " held)";
        }
        // npm prints the notice only from a response it does not store in its cache.
        return Map.of("npm-notice", text, "Cache-Control", "no-store");
    }

    private void writeVersions(JsonParser p, JsonGenerator g, Predicate<String> visible, String mountUrl, boolean abbreviate)
            throws IOException {
        g.writeStartObject();
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String version = p.currentName();
            p.nextToken();
            if (!visible.test(version)) {
                p.skipChildren();
                continue;
            }
            g.writeFieldName(version);
            g.writeStartObject();
            boolean installScript = false;
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String key = p.currentName();
                JsonToken t = p.nextToken();
                if (abbreviate && key.equals("scripts") && t == JsonToken.START_OBJECT) {
                    installScript |= hasInstallScript(p);
                    continue;
                }
                if (abbreviate && key.equals("hasInstallScript")) {
                    // Written once below, from the scripts or from this flag.
                    installScript |= t == JsonToken.VALUE_TRUE;
                    continue;
                }
                if (abbreviate && !CORGI_VERSION_KEYS.contains(key)) {
                    p.skipChildren();
                    continue;
                }
                g.writeFieldName(key);
                if (key.equals("dist") && t == JsonToken.START_OBJECT) {
                    writeDist(p, g, mountUrl, version);
                } else {
                    g.copyCurrentStructureExact(p);
                }
            }
            if (installScript) {
                g.writeBooleanField("hasInstallScript", true);
            }
            g.writeEndObject();
        }
        g.writeEndObject();
    }

    private static boolean hasInstallScript(JsonParser p) throws IOException {
        boolean found = false;
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String script = p.currentName();
            JsonToken t = p.nextToken();
            if (NpmScripts.INSTALL.contains(script) && t == JsonToken.VALUE_STRING && !p.getText().isBlank()) {
                found = true;
            }
            p.skipChildren();
        }
        return found;
    }

    private void writeDist(JsonParser p, JsonGenerator g, String mountUrl, String version) throws IOException {
        g.writeStartObject();
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String key = p.currentName();
            JsonToken t = p.nextToken();
            g.writeFieldName(key);
            if (key.equals("tarball") && t == JsonToken.VALUE_STRING) {
                g.writeString(mountUrl + name + "/-/" + tarballName(name, version));
            } else {
                g.copyCurrentStructureExact(p);
            }
        }
        g.writeEndObject();
    }

    private void writeTime(JsonParser p, JsonGenerator g, Predicate<String> visible) throws IOException {
        g.writeStartObject();
        Set<String> known = new java.util.HashSet<>();
        for (ReleaseInfo r : releases) {
            known.add(r.version());
        }
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String key = p.currentName();
            p.nextToken();
            if (known.contains(key) && !visible.test(key)) {
                p.skipChildren();
                continue;
            }
            g.writeFieldName(key);
            g.copyCurrentStructureExact(p);
        }
        g.writeEndObject();
    }

    /**
     * dist-tags that point at visible versions; a tag pointing at a hidden one moves to the highest
     * visible version (stable ones first), and {@code latest} always exists while anything is visible.
     */
    private Map<String, String> visibleTags(Predicate<String> visible) {
        Map<String, String> out = new LinkedHashMap<>();
        Set<String> listed = new java.util.HashSet<>();
        String fallback = null;
        for (ReleaseInfo r : releases) {
            listed.add(r.version());
            String v = r.version();
            if (!visible.test(v)) {
                continue;
            }
            if (fallback == null) {
                fallback = v;
                continue;
            }
            boolean vPre = SemverOrder.isPrerelease(v);
            boolean fPre = SemverOrder.isPrerelease(fallback);
            if ((fPre && !vPre) || (fPre == vPre && SemverOrder.INSTANCE.compare(v, fallback) > 0)) {
                fallback = v;
            }
        }
        for (Map.Entry<String, String> t : distTags.entrySet()) {
            if (visible.test(t.getValue()) && listed.contains(t.getValue())) {
                out.put(t.getKey(), t.getValue());
            } else if (t.getKey().equals("latest") && fallback != null) {
                out.put("latest", fallback);
            }
        }
        if (!out.containsKey("latest") && fallback != null) {
            out.put("latest", fallback);
        }
        return out;
    }
}
