package dev.airlock.maven;

import dev.airlock.config.LimitsConfig;
import dev.airlock.core.ecosystem.ArtifactRef;
import dev.airlock.core.ecosystem.MetadataException;
import dev.airlock.core.ecosystem.PackageMetadata;
import dev.airlock.core.ecosystem.ReleaseInfo;
import dev.airlock.core.ecosystem.RenderContext;
import dev.airlock.core.ecosystem.Rendered;
import dev.airlock.core.ecosystem.Route;
import dev.airlock.core.ecosystem.VersionOrder;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import javax.xml.stream.XMLInputFactory;
import javax.xml.stream.XMLStreamConstants;
import javax.xml.stream.XMLStreamException;
import javax.xml.stream.XMLStreamReader;

/**
 * A {@code maven-metadata.xml}, reduced to its facts and written again for clients.
 *
 * <p>Artifact level: the versions, which Airlock sorts in Maven's version order (upstream lists
 * them in upload order) and filters to what the client may see; {@code latest} and
 * {@code release} are recomputed from the visible versions because upstream values are often
 * wrong (a stale {@code release} older than the newest version is common). Group level: the
 * plugin prefixes {@code mvn dependency:tree} style invocations are resolved with. Snapshot
 * metadata (a {@code -SNAPSHOT} folder's) is served as upstream wrote it.
 *
 * <p>Parsing is hostile-input safe: the document may not declare a DTD, so no entity is ever
 * expanded and no external resource is ever read (XXE, billion laughs), and a document is
 * bounded by the core's limit on metadata size.
 */
final class MavenMetadata implements PackageMetadata {

    static final String CONTENT_TYPE = "text/xml; charset=utf-8";
    private static final Pattern LAST_UPDATED = Pattern.compile("\\d{14}");

    /** A group-level plugin entry. */
    record Plugin(String name, String prefix, String artifactId) {
    }

    private final String key;
    private final String groupId;
    private final String artifactId;
    private final List<String> versions;
    private final List<Plugin> plugins;
    private final String lastUpdated;
    private final boolean snapshot;
    private final boolean hideSnapshots;
    private final List<ReleaseInfo> releases;

    private MavenMetadata(String key, String groupId, String artifactId, List<String> versions, List<Plugin> plugins,
                          String lastUpdated, boolean snapshot, boolean hideSnapshots) {
        this.hideSnapshots = hideSnapshots;
        this.key = key;
        this.groupId = groupId;
        this.artifactId = artifactId;
        this.versions = versions;
        this.plugins = plugins;
        this.lastUpdated = lastUpdated;
        this.snapshot = snapshot;
        List<ReleaseInfo> r = new ArrayList<>();
        versions.forEach(v -> r.add(new ReleaseInfo(v, null)));
        this.releases = Collections.unmodifiableList(r);
    }

    /** A factory that refuses DTDs and external entities outright. */
    private static XMLInputFactory factory() {
        XMLInputFactory f = XMLInputFactory.newFactory();
        f.setProperty(XMLInputFactory.SUPPORT_DTD, false);
        f.setProperty(XMLInputFactory.IS_SUPPORTING_EXTERNAL_ENTITIES, false);
        f.setProperty(XMLInputFactory.IS_REPLACING_ENTITY_REFERENCES, false);
        f.setProperty(XMLInputFactory.IS_COALESCING, true);
        return f;
    }

    private static final XMLInputFactory XML = factory();

    /**
     * @param key      the cache key (folder as coordinates), for the package name
     * @param snapshot whether this is a snapshot folder's metadata (kept as is)
     */
    static MavenMetadata parse(String key, boolean snapshot, byte[] body) throws MetadataException {
        return parse(key, snapshot, false, body);
    }

    /**
     * @param hideSnapshots leave {@code -SNAPSHOT} versions out of renderings: when Airlock does
     *                      not serve snapshots, listing them would send clients (a Gradle {@code 2.+},
     *                      Maven's {@code LATEST}) to files that answer 404
     */
    static MavenMetadata parse(String key, boolean snapshot, boolean hideSnapshots, byte[] body) throws MetadataException {
        return parse(key, snapshot, hideSnapshots, body, LimitsConfig.DEFAULTS.versionsPerDocument());
    }

    /** @param maxVersions the most versions the document may list ({@code limits.versionsPerDocument}); more is refused */
    static MavenMetadata parse(String key, boolean snapshot, boolean hideSnapshots, byte[] body, int maxVersions)
            throws MetadataException {
        String groupId = null;
        String artifactId = null;
        String lastUpdated = null;
        Set<String> versions = new LinkedHashSet<>();
        List<Plugin> plugins = new ArrayList<>();
        boolean root = false;
        XMLStreamReader r = null;
        try {
            r = XML.createXMLStreamReader(new ByteArrayInputStream(body));
            List<String> path = new ArrayList<>();
            String pluginName = null;
            String pluginPrefix = null;
            String pluginArtifact = null;
            while (r.hasNext()) {
                int event = r.next();
                switch (event) {
                    case XMLStreamConstants.DTD ->
                            throw new MetadataException("maven-metadata.xml declares a DTD; Airlock does not accept DTDs in metadata");
                    case XMLStreamConstants.ENTITY_REFERENCE ->
                            throw new MetadataException("maven-metadata.xml uses an entity reference (" + r.getLocalName() + ")");
                    case XMLStreamConstants.START_ELEMENT -> {
                        path.add(r.getLocalName());
                        if (path.size() == 1) {
                            if (!path.get(0).equals("metadata")) {
                                throw new MetadataException("not a maven-metadata.xml: the root element is <" + path.get(0) + ">");
                            }
                            root = true;
                        }
                        String where = String.join("/", path);
                        switch (where) {
                            case "metadata/groupId" -> groupId = text(r);
                            case "metadata/artifactId" -> artifactId = text(r);
                            case "metadata/versioning/versions/version" -> {
                                String v = text(r);
                                if (!v.isEmpty() && versions.add(v) && versions.size() > maxVersions) {
                                    throw new MetadataException("maven-metadata.xml lists more than " + maxVersions
                                            + " versions (limits.versionsPerDocument)");
                                }
                            }
                            case "metadata/versioning/lastUpdated" -> lastUpdated = text(r);
                            case "metadata/plugins/plugin/name" -> pluginName = text(r);
                            case "metadata/plugins/plugin/prefix" -> pluginPrefix = text(r);
                            case "metadata/plugins/plugin/artifactId" -> pluginArtifact = text(r);
                            default -> {
                                continue;
                            }
                        }
                        // text() consumed the element's end tag.
                        path.remove(path.size() - 1);
                    }
                    case XMLStreamConstants.END_ELEMENT -> {
                        if (String.join("/", path).equals("metadata/plugins/plugin")) {
                            if (pluginPrefix != null && pluginArtifact != null) {
                                plugins.add(new Plugin(pluginName, pluginPrefix, pluginArtifact));
                            }
                            pluginName = null;
                            pluginPrefix = null;
                            pluginArtifact = null;
                        }
                        path.remove(path.size() - 1);
                    }
                    default -> {
                        // characters between elements, comments, processing instructions: nothing to keep
                    }
                }
            }
        } catch (XMLStreamException | RuntimeException e) {
            throw new MetadataException("maven-metadata.xml is not well-formed XML: " + firstLine(e.getMessage()), e);
        } finally {
            if (r != null) {
                try {
                    r.close();
                } catch (XMLStreamException ignored) {
                    // nothing held beyond the byte array
                }
            }
        }
        if (!root) {
            throw new MetadataException("maven-metadata.xml is empty");
        }
        if (lastUpdated != null && !LAST_UPDATED.matcher(lastUpdated).matches()) {
            lastUpdated = null; // not the yyyyMMddHHmmss Maven writes; dropped rather than passed on
        }
        return new MavenMetadata(key, groupId, artifactId, List.copyOf(versions), List.copyOf(plugins), lastUpdated, snapshot,
                hideSnapshots);
    }

    private static String text(XMLStreamReader r) throws XMLStreamException {
        return r.getElementText().strip();
    }

    private static String firstLine(String s) {
        if (s == null) {
            return "unreadable";
        }
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl);
    }

    @Override
    public String packageName() {
        return key;
    }

    @Override
    public VersionOrder versionOrder() {
        return MavenVersion.ORDER;
    }

    @Override
    public boolean governsReleases() {
        return !snapshot && !versions.isEmpty();
    }

    @Override
    public List<ReleaseInfo> releases() {
        return releases;
    }

    /** Files are addressed by path in Maven repositories, never through metadata. */
    @Override
    public Optional<ArtifactRef> artifact(String filename) {
        return Optional.empty();
    }

    /** A release's POM and jar, when this is an artifact's metadata (group and artifact known). */
    @Override
    public List<Route> artifactsOf(String version) {
        if (snapshot || groupId == null || artifactId == null || !versions.contains(version)) {
            return List.of();
        }
        return MavenEcosystem.releaseFiles(groupId, artifactId, version);
    }

    List<String> versions() {
        return versions;
    }

    List<Plugin> plugins() {
        return plugins;
    }

    @Override
    public Rendered render(byte[] document, RenderContext context) {
        if (snapshot) {
            return new Rendered(document, CONTENT_TYPE);
        }
        // Each version is parsed once, then sorted: comparing strings would parse at every comparison.
        List<MavenVersion> visible = new ArrayList<>();
        for (String v : versions) {
            if (context.visible().test(v) && !(hideSnapshots && MavenPath.isSnapshot(v))) {
                visible.add(MavenVersion.parse(v));
            }
        }
        Collections.sort(visible);
        StringBuilder sb = new StringBuilder(256 + visible.size() * 40);
        sb.append("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<metadata>\n");
        if (groupId != null) {
            element(sb, "  ", "groupId", groupId);
        }
        if (artifactId != null) {
            element(sb, "  ", "artifactId", artifactId);
        }
        if (!versions.isEmpty() || lastUpdated != null) {
            sb.append("  <versioning>\n");
            if (!visible.isEmpty()) {
                element(sb, "    ", "latest", visible.get(visible.size() - 1).toString());
                String release = null;
                for (int i = visible.size() - 1; i >= 0 && release == null; i--) {
                    if (!visible.get(i).isSnapshot()) {
                        release = visible.get(i).toString();
                    }
                }
                if (release != null) {
                    element(sb, "    ", "release", release);
                }
                sb.append("    <versions>\n");
                for (MavenVersion v : visible) {
                    element(sb, "      ", "version", v.toString());
                }
                sb.append("    </versions>\n");
            }
            if (lastUpdated != null) {
                element(sb, "    ", "lastUpdated", lastUpdated);
            }
            sb.append("  </versioning>\n");
        }
        if (!plugins.isEmpty()) {
            sb.append("  <plugins>\n");
            for (Plugin p : plugins) {
                sb.append("    <plugin>\n");
                if (p.name() != null) {
                    element(sb, "      ", "name", p.name());
                }
                element(sb, "      ", "prefix", p.prefix());
                element(sb, "      ", "artifactId", p.artifactId());
                sb.append("    </plugin>\n");
            }
            sb.append("  </plugins>\n");
        }
        sb.append("</metadata>\n");
        return new Rendered(sb.toString().getBytes(StandardCharsets.UTF_8), CONTENT_TYPE);
    }

    private static void element(StringBuilder sb, String indent, String name, String value) {
        sb.append(indent).append('<').append(name).append('>');
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            switch (c) {
                case '<' -> sb.append("&lt;");
                case '>' -> sb.append("&gt;");
                case '&' -> sb.append("&amp;");
                default -> sb.append(c);
            }
        }
        sb.append("</").append(name).append(">\n");
    }

    @Override
    public long weight() {
        return 256L + 64L * versions.size() + 128L * plugins.size();
    }
}
