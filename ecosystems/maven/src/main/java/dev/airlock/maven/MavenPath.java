package dev.airlock.maven;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A request path in the Maven 2 repository layout, parsed strictly:
 * {@code <group/as/dirs>/<artifactId>/<version>/<artifactId>-<version>[-<classifier>].<extension>},
 * {@code maven-metadata.xml} at artifact, group or (snapshot) version level, and the checksum
 * files of each. Anything else is not a repository path and is refused before any upstream is
 * asked.
 */
sealed interface MavenPath {

    /** Checksum file suffixes Maven clients ask for, with their JCA algorithms. */
    Map<String, String> CHECKSUMS = Map.of(".sha1", "SHA-1", ".md5", "MD5", ".sha256", "SHA-256", ".sha512", "SHA-512");

    String METADATA = "maven-metadata.xml";

    /**
     * One segment: what Maven coordinates use in practice (letters, digits, '.', '-', '_', '+',
     * '~'); no leading dot, so "." and ".." never pass.
     */
    Pattern SEGMENT = Pattern.compile("[A-Za-z0-9_+~-][A-Za-z0-9._+~-]{0,199}");
    Pattern EXTENSION = Pattern.compile("[A-Za-z0-9]{1,20}(\\.[A-Za-z0-9]{1,20}){0,3}");
    Pattern CLASSIFIER = Pattern.compile("[A-Za-z0-9_.+~-]{1,100}");
    /** A deployed snapshot's timestamp, replacing "SNAPSHOT" in file names: {@code 20240102.030405-7}. */
    Pattern TIMESTAMP = Pattern.compile("\\d{8}\\.\\d{6}-\\d{1,9}");

    /** An artifact file: jar, pom, module, sources, signatures, ... */
    record File(String groupId, String artifactId, String version, String filename, String classifier, String extension,
                String path) implements MavenPath {

        /** "group:artifact", what the artifact index and logs key files by. */
        String packageName() {
            return groupId + ":" + artifactId;
        }
    }

    /** A checksum file of an artifact file. */
    record FileChecksum(File file, String algorithm) implements MavenPath {
    }

    /**
     * A {@code maven-metadata.xml}. {@code directory} is the path of its folder; which kind of
     * metadata it is (artifact versions or group plugin prefixes) only its content says, because
     * {@code org/example/maven-metadata.xml} may be either.
     *
     * @param snapshotVersion the version folder it sits in when it is a snapshot's metadata, else null
     */
    record Metadata(String directory, String snapshotVersion) implements MavenPath {

        String path() {
            return directory + "/" + METADATA;
        }

        /**
         * The package this metadata is about, keyed like its files ("org.example:lib"), so that
         * the policy decides one package whichever path asked. A group-level document gets
         * the same shape ("org.apache.maven:plugins"); it lists no versions.
         */
        String packageName() {
            String dir = snapshotVersion == null ? directory : directory.substring(0, directory.lastIndexOf('/'));
            int slash = dir.lastIndexOf('/');
            String key = slash < 0 ? dir : dir.substring(0, slash).replace('/', '.') + ":" + dir.substring(slash + 1);
            return snapshotVersion == null ? key : key + ":" + snapshotVersion;
        }
    }

    /** A checksum file of a {@code maven-metadata.xml}. */
    record MetadataChecksum(Metadata metadata, String algorithm) implements MavenPath {
    }

    /** Not a repository path; {@code reason} says why, for the 400/404 body. */
    record Invalid(int status, String reason) implements MavenPath {
    }

    private static boolean dotted(List<String> groupSegments) {
        return groupSegments.stream().anyMatch(g -> g.indexOf('.') >= 0);
    }

    static boolean isSnapshot(String version) {
        return version.toUpperCase(Locale.ROOT).endsWith("-SNAPSHOT");
    }

    /** Parses a path relative to the mount, with or without its leading "/". */
    static MavenPath parse(String path) {
        String p = path.startsWith("/") ? path.substring(1) : path;
        if (p.isEmpty() || p.endsWith("/")) {
            return new Invalid(404, "Airlock serves repository files, not folder listings");
        }
        List<String> seg = Arrays.asList(p.split("/", -1));
        for (String s : seg) {
            if (!SEGMENT.matcher(s).matches()) {
                return new Invalid(400, "not a repository path segment: '" + s + "'");
            }
        }
        String name = seg.get(seg.size() - 1);
        for (Map.Entry<String, String> c : CHECKSUMS.entrySet()) {
            if (name.endsWith(c.getKey()) && name.length() > c.getKey().length()) {
                MavenPath base = parse(p.substring(0, p.length() - c.getKey().length()));
                if (base instanceof FileChecksum || base instanceof MetadataChecksum) {
                    return new Invalid(404, "checksum files have no checksum files: " + name);
                }
                if (base instanceof File f) {
                    return new FileChecksum(f, c.getValue());
                }
                if (base instanceof Metadata m) {
                    return new MetadataChecksum(m, c.getValue());
                }
                return base;
            }
        }
        if (name.equals(METADATA)) {
            if (seg.size() < 2) {
                return new Invalid(400, "maven-metadata.xml sits in a group or artifact folder");
            }
            int groupSegments = seg.size() - (seg.size() >= 4 && isSnapshot(seg.get(seg.size() - 2)) ? 3 : 2);
            if (dotted(seg.subList(0, groupSegments))) {
                return new Invalid(400, "group folders have no dots (a groupId's dots are folders)");
            }
            String directory = String.join("/", seg.subList(0, seg.size() - 1));
            String parent = seg.get(seg.size() - 2);
            return new Metadata(directory, seg.size() >= 4 && isSnapshot(parent) ? parent : null);
        }
        if (seg.size() < 4) {
            return new Invalid(400, "repository files are <group path>/<artifactId>/<version>/<file>");
        }
        String version = seg.get(seg.size() - 2);
        String artifactId = seg.get(seg.size() - 3);
        if (dotted(seg.subList(0, seg.size() - 3))) {
            return new Invalid(400, "group folders have no dots (a groupId's dots are folders)");
        }
        String groupId = String.join(".", seg.subList(0, seg.size() - 3));
        Optional<String> rest = rest(name, artifactId, version);
        if (rest.isEmpty()) {
            return new Invalid(400, name + " is not a file of " + groupId + ":" + artifactId + ":" + version);
        }
        String r = rest.get();
        String classifier = null;
        if (r.startsWith("-")) {
            int dot = r.indexOf('.');
            if (dot < 0) {
                return new Invalid(400, name + " has no extension");
            }
            classifier = r.substring(1, dot);
            r = r.substring(dot);
            if (!CLASSIFIER.matcher(classifier).matches()) {
                return new Invalid(400, "not a classifier: " + classifier);
            }
        }
        if (!r.startsWith(".") || !EXTENSION.matcher(r.substring(1)).matches()) {
            return new Invalid(400, name + " has no valid extension");
        }
        return new File(groupId, artifactId, version, name, classifier, r.substring(1), p);
    }

    /**
     * What follows {@code <artifactId>-<version>} in a file name; for a snapshot the version part
     * may be the deployed timestamp instead of "SNAPSHOT".
     */
    private static Optional<String> rest(String name, String artifactId, String version) {
        String prefix = artifactId + "-" + version;
        if (name.startsWith(prefix)) {
            return Optional.of(name.substring(prefix.length()));
        }
        if (isSnapshot(version)) {
            String base = artifactId + "-" + version.substring(0, version.length() - "SNAPSHOT".length());
            if (name.startsWith(base)) {
                String tail = name.substring(base.length());
                Matcher m = TIMESTAMP.matcher(tail);
                if (m.lookingAt()) {
                    return Optional.of(tail.substring(m.end()));
                }
            }
        }
        return Optional.empty();
    }
}
