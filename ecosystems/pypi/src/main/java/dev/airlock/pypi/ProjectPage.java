package dev.airlock.pypi;

import dev.airlock.config.LimitsConfig;
import dev.airlock.core.json.StrictJson;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.airlock.core.ecosystem.ArtifactRef;
import dev.airlock.core.ecosystem.Digest;
import dev.airlock.core.ecosystem.ListedFile;
import dev.airlock.core.ecosystem.MetadataException;
import dev.airlock.core.ecosystem.PackageMetadata;
import dev.airlock.core.ecosystem.ReleaseFacts;
import dev.airlock.core.ecosystem.ReleaseInfo;
import dev.airlock.core.ecosystem.RenderContext;
import dev.airlock.core.ecosystem.Rendered;
import dev.airlock.core.ecosystem.Route;
import dev.airlock.core.ecosystem.VersionOrder;

import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;

/**
 * A project's simple-API page (PEP 503 HTML or PEP 691 JSON upstream), read and reduced to facts
 * about each file, and those facts answered through {@link PackageMetadata}. Rendering it again
 * in the form the client asked for, with file URLs on Airlock, is {@link ProjectPageRenderer}'s job.
 *
 * <p>Upstream input is untrusted: files whose name is not a distribution of this project, whose
 * URL is not http(s), or that carry no SHA-256 are left out (Airlock could not verify them), and
 * every value is escaped again when written.
 */
final class ProjectPage implements PackageMetadata {

    /**
     * What the page says about one file. {@code yanked}: null when not yanked, else the reason (may
     * be empty). {@code provenance}: the PEP 740 provenance URL resolved against the page, null when
     * the file advertises none (or one that is not an http(s) URL).
     */
    record FileEntry(String filename, String version, URI url, String sha256, String requiresPython, String yanked,
                     String coreMetadataSha256, boolean coreMetadata, Long size, String uploadTime, String provenance) {
    }

    /** Strict as every reader of others' JSON (duplicate keys refused, nesting bounded). */
    static final ObjectMapper JSON = StrictJson.MAPPER;
    static final String METADATA_SUFFIX = ".metadata";

    private final String name;
    private final String normalized;
    private final SimpleFormat format;
    private final List<FileEntry> files;
    private final Map<String, FileEntry> byName;
    private final List<ReleaseInfo> releases;
    private final String projectStatus;

    private ProjectPage(String name, String normalized, SimpleFormat format, List<FileEntry> files, List<String> versionOrder,
                        String projectStatus) {
        this.name = name;
        this.normalized = normalized;
        this.format = format;
        this.files = files;
        this.projectStatus = projectStatus;
        Map<String, FileEntry> m = new LinkedHashMap<>();
        files.forEach(f -> m.putIfAbsent(f.filename(), f));
        this.byName = Collections.unmodifiableMap(m);
        Map<String, Instant> first = new LinkedHashMap<>();
        versionOrder.forEach(v -> first.put(v, null));
        for (FileEntry f : files) {
            Instant t = instant(f.uploadTime());
            first.merge(f.version(), t == null ? Instant.MAX : t, (a, b) -> a == null ? b : b == null || a.isBefore(b) ? a : b);
        }
        List<ReleaseInfo> r = new ArrayList<>();
        first.forEach((v, t) -> r.add(new ReleaseInfo(v, t == null || t.equals(Instant.MAX) ? null : t)));
        this.releases = Collections.unmodifiableList(r);
    }

    static ProjectPage parse(String normalized, SimpleFormat format, URI documentUrl, byte[] body, String contentType)
            throws MetadataException {
        return parse(normalized, format, documentUrl, body, contentType, LimitsConfig.DEFAULTS);
    }

    /**
     * Reads a page of at most {@code limits.linksPerPage} files (JSON nested at most
     * {@code limits.jsonDepth}); a longer page is refused before its files are built.
     */
    static ProjectPage parse(String normalized, SimpleFormat format, URI documentUrl, byte[] body, String contentType,
                             LimitsConfig limits) throws MetadataException {
        if (contentType != null && contentType.contains("json")) {
            return parseJson(normalized, format, documentUrl, body, limits);
        }
        return parseHtml(normalized, format, documentUrl, new String(body, StandardCharsets.UTF_8), limits.linksPerPage());
    }

    private static MetadataException tooManyLinks(int max) {
        return new MetadataException("the project page lists more than " + max + " files (limits.linksPerPage)");
    }

    private static ProjectPage parseJson(String normalized, SimpleFormat format, URI base, byte[] body, LimitsConfig limits)
            throws MetadataException {
        JsonNode doc;
        try {
            StrictJson.requireUtf8(body);
            doc = StrictJson.mapper(limits.jsonDepth()).readTree(body);
        } catch (IOException e) {
            throw new MetadataException("not valid JSON: " + String.valueOf(e.getMessage()).lines().findFirst().orElse(""));
        }
        if (doc == null || !doc.isObject() || !doc.path("files").isArray()) {
            throw new MetadataException("a PEP 691 project page must be an object with \"files\"");
        }
        String name = doc.path("name").asText(normalized);
        if (!PypiNames.normalize(name).equals(normalized)) {
            throw new MetadataException("asked for " + normalized + " but the page describes " + name);
        }
        if (doc.get("files").size() > limits.linksPerPage()) {
            throw tooManyLinks(limits.linksPerPage());
        }
        List<FileEntry> files = new ArrayList<>();
        for (JsonNode f : doc.get("files")) {
            String filename = f.path("filename").asText("");
            URI url = resolve(base, f.path("url").asText(""));
            JsonNode yanked = f.path("yanked");
            String yankedReason = yanked.isTextual() ? yanked.asText() : yanked.asBoolean(false) ? "" : null;
            JsonNode cm = f.has("core-metadata") ? f.get("core-metadata") : f.path("dist-info-metadata");
            String cmSha = cm.isObject() ? cm.path("sha256").asText(null) : null;
            boolean hasCm = cm.isObject() || cm.asBoolean(false);
            Long size = f.path("size").isIntegralNumber() ? f.get("size").asLong() : null;
            String uploadTime = f.path("upload-time").isTextual() ? f.get("upload-time").asText() : null;
            String provenance = f.path("provenance").isTextual() ? f.get("provenance").asText() : null;
            String rp = f.path("requires-python").isTextual() ? f.get("requires-python").asText() : null;
            add(files, normalized, filename, url, f.path("hashes").path("sha256").asText(null), rp, yankedReason, cmSha, hasCm,
                    size, uploadTime, provenance == null ? null : resolve(base, provenance));
        }
        List<String> versions = new ArrayList<>();
        doc.path("versions").forEach(v -> versions.add(v.asText()));
        JsonNode status = doc.path("project-status");
        String projectStatus = status.isObject() ? status.path("status").asText(status.path("state").asText(null)) : null;
        return new ProjectPage(name, normalized, format, List.copyOf(files), versions, projectStatus);
    }

    private static ProjectPage parseHtml(String normalized, SimpleFormat format, URI base, String html, int maxLinks)
            throws MetadataException {
        if (!html.toLowerCase(Locale.ROOT).contains("<a") && !html.toLowerCase(Locale.ROOT).contains("<html")) {
            throw new MetadataException("not a PEP 503 page (no HTML)");
        }
        List<FileEntry> files = new ArrayList<>();
        List<SimpleHtml.Anchor> anchors = SimpleHtml.anchors(html, maxLinks);
        if (anchors == null) {
            throw tooManyLinks(maxLinks);
        }
        for (SimpleHtml.Anchor a : anchors) {
            String href = a.attributes().get("href");
            if (href == null) {
                continue;
            }
            URI url = resolve(base, href);
            String filename = a.text().isEmpty() && url != null ? lastSegment(url) : a.text();
            String sha = url == null ? null : fragmentHash(url.getRawFragment());
            String cm = a.attributes().containsKey("data-core-metadata") ? a.attributes().get("data-core-metadata")
                    : a.attributes().get("data-dist-info-metadata");
            String cmSha = cm != null && cm.startsWith("sha256=") ? cm.substring(7) : null;
            String provenance = a.attributes().get("data-provenance");
            add(files, normalized, filename, url, sha, a.attributes().get("data-requires-python"), a.attributes().get("data-yanked"),
                    cmSha, cm != null && !cm.equals("false"), null, null, provenance == null ? null : resolve(base, provenance));
        }
        Map<String, String> metas = SimpleHtml.metas(html);
        return new ProjectPage(normalized, normalized, format, List.copyOf(files), List.of(), metas.get("pypi:project-status"));
    }

    private static void add(List<FileEntry> files, String normalized, String filename, URI url, String sha256, String requiresPython,
                            String yanked, String cmSha, boolean hasCm, Long size, String uploadTime, URI provenance) {
        if (url == null || !PypiNames.validFile(filename) || !PypiNames.belongsTo(filename, normalized)
                || sha256 == null || !sha256.matches("[0-9a-fA-F]{64}")) {
            return;
        }
        String version = PypiNames.version(filename, normalized);
        if (version == null || version.isEmpty()) {
            return;
        }
        String cm = cmSha != null && cmSha.matches("[0-9a-fA-F]{64}") ? cmSha.toLowerCase(Locale.ROOT) : null;
        files.add(new FileEntry(filename, version, url, sha256.toLowerCase(Locale.ROOT), requiresPython, yanked, cm,
                hasCm, size, uploadTime, provenance == null ? null : provenance.toString()));
    }

    private static URI resolve(URI base, String href) {
        try {
            URI u = base == null ? new URI(href) : base.resolve(new URI(href));
            String scheme = u.getScheme();
            return u.isAbsolute() && u.getHost() != null && ("http".equals(scheme) || "https".equals(scheme)) ? u : null;
        } catch (Exception e) {
            return null;
        }
    }

    private static String lastSegment(URI u) {
        String p = u.getPath() == null ? "" : u.getPath();
        return p.substring(p.lastIndexOf('/') + 1);
    }

    private static String fragmentHash(String fragment) {
        return fragment != null && fragment.startsWith("sha256=") ? fragment.substring(7) : null;
    }

    private static Instant instant(String s) {
        if (s == null) {
            return null;
        }
        try {
            return Instant.parse(s);
        } catch (DateTimeParseException e) {
            return null;
        }
    }

    List<FileEntry> entries() {
        return files;
    }

    @Override
    public String packageName() {
        return normalized;
    }

    @Override
    public boolean governsReleases() {
        return true;
    }

    @Override
    public VersionOrder versionOrder() {
        return Pep440Order.INSTANCE;
    }

    @Override
    public List<ReleaseInfo> releases() {
        return releases;
    }

    /**
     * A release with only sdists runs code at install: pip builds it, running {@code setup.py}
     * or the build backend. That is its install hook, as far as the page can tell; what wheels
     * contain ({@code .pth} files) only their content says.
     */
    @Override
    public List<ReleaseFacts> releaseFacts() {
        Set<String> withWheel = new HashSet<>();
        Map<String, String> sdist = new HashMap<>();
        for (FileEntry f : files) {
            if (f.filename().endsWith(".whl")) {
                withWheel.add(f.version());
            } else {
                sdist.putIfAbsent(f.version(), f.filename());
            }
        }
        List<ReleaseFacts> out = new ArrayList<>(releases.size());
        for (ReleaseInfo r : releases) {
            Map<String, String> hooks = !withWheel.contains(r.version()) && sdist.containsKey(r.version())
                    ? Map.of("build", "sdist only (" + sdist.get(r.version()) + "): pip builds it, running setup.py or its build backend")
                    : Map.of();
            out.add(new ReleaseFacts(r.version(), r.publishedAt(), null, null, hooks, null));
        }
        return out;
    }

    @Override
    public List<ListedFile> files() {
        List<ListedFile> out = new ArrayList<>(files.size());
        for (FileEntry f : byName.values()) {
            out.add(new ListedFile(artifact(f.filename()).orElseThrow(),
                    f.size() == null ? OptionalLong.empty() : OptionalLong.of(f.size())));
        }
        return out;
    }

    /**
     * A release's pure-Python wheels, read before the release is listed (a .pth file holds it).
     * Platform wheels and sdists are read when a client fetches them: a release may have
     * dozens of large platform wheels.
     */
    @Override
    public List<Route> artifactsOf(String version) {
        List<Route> out = new ArrayList<>();
        for (FileEntry f : byName.values()) {
            if (f.version().equals(version) && f.filename().endsWith("-none-any.whl")) {
                out.add(PypiEcosystem.file(normalized, f.filename()));
            }
        }
        return out;
    }

    /** Whether the page lists this distribution file (not a {@code .metadata} name). */
    boolean lists(String filename) {
        return byName.containsKey(filename);
    }

    /** Where upstream serves the file's PEP 740 provenance (absolute), or null when the page advertises none. */
    URI provenance(String filename) {
        FileEntry f = byName.get(filename);
        return f == null || f.provenance() == null ? null : URI.create(f.provenance());
    }

    @Override
    public Optional<ArtifactRef> artifact(String filename) {
        if (filename.endsWith(METADATA_SUFFIX)) {
            FileEntry f = byName.get(filename.substring(0, filename.length() - METADATA_SUFFIX.length()));
            if (f == null || f.coreMetadataSha256() == null) {
                return Optional.empty();
            }
            return Optional.of(new ArtifactRef(f.version(), filename, URI.create(withoutFragment(f.url()) + METADATA_SUFFIX),
                    new Digest("SHA-256", HexFormat.of().parseHex(f.coreMetadataSha256())), "text/plain; charset=utf-8"));
        }
        FileEntry f = byName.get(filename);
        if (f == null) {
            return Optional.empty();
        }
        return Optional.of(new ArtifactRef(f.version(), filename, URI.create(withoutFragment(f.url())),
                new Digest("SHA-256", HexFormat.of().parseHex(f.sha256())), "application/octet-stream"));
    }

    private static String withoutFragment(URI u) {
        String s = u.toString();
        int hash = s.indexOf('#');
        return hash < 0 ? s : s.substring(0, hash);
    }

    @Override
    public long weight() {
        return 512L + 400L * files.size();
    }

    /** Renders from the parsed facts; the upstream document itself is not needed. */
    @Override
    public Rendered render(byte[] document, RenderContext context) {
        return new ProjectPageRenderer(this).render(context);
    }

    /** The project's name as the page spells it (the normalized name for an HTML page). */
    String displayName() {
        return name;
    }

    /** The form clients get this page in. */
    SimpleFormat format() {
        return format;
    }

    /** PEP 792 project status the page declares, or null. */
    String projectStatus() {
        return projectStatus;
    }
}
