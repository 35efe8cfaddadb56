package dev.airlock.maven;

import dev.airlock.core.ecosystem.LockedArtifact;
import dev.airlock.core.ecosystem.MetadataException;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The output of {@code mvn dependency:list}, as Maven's lockfile stand-in: the build log (lines
 * prefixed {@code [INFO]}, several modules' blocks) or the file {@code -DoutputFile=FILE}
 * writes. Each resolved dependency, {@code group:artifact:type[:classifier]:version:scope} with
 * an optional {@code -- module ...} or {@code (optional)} after it, becomes its POM (which Maven
 * reads first) and its file, under the artifact's {@code maven-metadata.xml}.
 *
 * <p>Skipped: {@code system} scope (a file on the build machine) and snapshots (they change
 * under one name; a build's own modules usually are). A {@code pom.xml} is not read here: its
 * graph is resolved by Maven's own resolver ({@link PomPrefetch}), which also fetches the parent
 * POMs and BOM imports a dependency list does not name.
 */
final class DependencyList {

    private static final String HEADER = "The following files have been resolved:";
    private static final Pattern INFO = Pattern.compile("^\\[(INFO|WARNING)\\] ?");
    private static final Pattern COORDINATES = Pattern.compile(
            "([A-Za-z0-9_.-]+):([A-Za-z0-9_.-]+):([A-Za-z0-9_.-]+)(?::([A-Za-z0-9_.+~-]+))?:([A-Za-z0-9_.+~-]+)"
                    + ":(compile|provided|runtime|test|system|import)(?::\\S.*)?");
    /** Dependency types whose file is a jar with an implied classifier (Maven's default artifact handlers). */
    private static final Map<String, String[]> TYPES = Map.of(
            "test-jar", new String[]{"jar", "tests"},
            "ejb-client", new String[]{"jar", "client"},
            "java-source", new String[]{"jar", "sources"},
            "javadoc", new String[]{"jar", "javadoc"},
            "maven-plugin", new String[]{"jar", null},
            "ejb", new String[]{"jar", null},
            "bundle", new String[]{"jar", null});

    private DependencyList() {
    }

    /** A dependency list has Maven's header line, or only coordinate lines. */
    static boolean claims(Path file, byte[] content) {
        String text = new String(content, 0, Math.min(content.length, 1 << 20), StandardCharsets.UTF_8);
        if (text.contains(HEADER)) {
            return true;
        }
        boolean any = false;
        for (String line : text.split("\r?\n")) {
            String l = INFO.matcher(line).replaceFirst("").strip();
            if (l.isEmpty()) {
                continue;
            }
            if (!COORDINATES.matcher(strip(l)).matches()) {
                return false;
            }
            any = true;
        }
        return any;
    }

    static List<LockedArtifact> parse(byte[] content) throws MetadataException {
        if (content.length > LockedArtifact.MAX_LOCKFILE_BYTES) {
            throw new MetadataException("larger than " + (LockedArtifact.MAX_LOCKFILE_BYTES >> 20) + " MiB; not read");
        }
        String[] lines = new String(content, StandardCharsets.UTF_8).split("\r?\n", -1);
        boolean headed = new String(content, StandardCharsets.UTF_8).contains(HEADER);
        Set<LockedArtifact> out = new LinkedHashSet<>();
        boolean inBlock = !headed;
        for (int i = 0; i < lines.length; i++) {
            String raw = INFO.matcher(lines[i]).replaceFirst("");
            String l = raw.strip();
            if (l.equals(HEADER)) {
                inBlock = true;
                continue;
            }
            if (!inBlock) {
                continue;
            }
            if (l.isEmpty() || l.equals("none")) {
                inBlock = !headed;
                continue;
            }
            Matcher m = COORDINATES.matcher(strip(l));
            if (!m.matches()) {
                if (headed && !Character.isWhitespace(raw.charAt(0))) {
                    // the block ended: what follows is the rest of the build log
                    inBlock = false;
                    continue;
                }
                throw new MetadataException("line " + (i + 1) + ": \"" + printable(l) + "\" is not group:artifact:type[:classifier]:version:scope");
            }
            add(m, "line " + (i + 1) + ": ", out);
        }
        return new ArrayList<>(out);
    }

    private static String strip(String line) {
        String l = line;
        int module = l.indexOf(" -- ");
        if (module >= 0) {
            l = l.substring(0, module);
        }
        if (l.endsWith("(optional)")) {
            l = l.substring(0, l.length() - "(optional)".length());
        }
        return l.strip();
    }

    private static void add(Matcher m, String where, Set<LockedArtifact> out) throws MetadataException {
        String groupId = m.group(1);
        String artifactId = m.group(2);
        String type = m.group(3);
        String classifier = m.group(4);
        String version = m.group(5);
        if (m.group(6).equals("system") || MavenPath.isSnapshot(version)) {
            return;
        }
        String[] handler = TYPES.get(type);
        String extension = handler == null ? type : handler[0];
        if (classifier == null && handler != null) {
            classifier = handler[1];
        }
        String dir = groupId.replace('.', '/') + "/" + artifactId;
        String metadata = dir + "/" + MavenPath.METADATA;
        if (!(MavenPath.parse(metadata) instanceof MavenPath.Metadata)) {
            throw new MetadataException(where + groupId + ":" + artifactId + " is not a repository path");
        }
        String base = dir + "/" + version + "/" + artifactId + "-" + version;
        List<String> files = new ArrayList<>();
        files.add(base + ".pom");
        if (!extension.equals("pom")) {
            files.add(base + (classifier == null ? "" : "-" + classifier) + "." + extension);
        }
        for (String f : files) {
            if (!(MavenPath.parse(f) instanceof MavenPath.File)) {
                throw new MetadataException(where + groupId + ":" + artifactId + ":" + version + " does not make a repository path: "
                        + printable(f));
            }
            out.add(new LockedArtifact(MavenEcosystem.ID, groupId + ":" + artifactId, version, metadata, f, null));
        }
    }

    private static String printable(String s) {
        String clean = s.replaceAll("\\p{Cntrl}", "?");
        return clean.length() > 160 ? clean.substring(0, 160) + "..." : clean;
    }
}
