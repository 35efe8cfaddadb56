package dev.airlock.pypi;

import com.fasterxml.jackson.databind.JsonNode;
import dev.airlock.core.ecosystem.LockedArtifact;
import dev.airlock.core.ecosystem.MetadataException;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A pip requirements file used as a lockfile ({@code pip freeze}, {@code pip-compile
 * --generate-hashes}, {@code uv pip compile}): every requirement pinned with {@code ==} (or
 * {@code ===}), optionally with extras, an environment marker (kept: the file is fetched for
 * every environment) and {@code --hash=sha256:...} options, one per file pip may pick.
 * Backslash continuations and comments are read as pip reads them.
 *
 * <p>{@code -r FILE} is followed, relative to the including file, as pip does. Refused with the
 * line: a requirement that is not pinned (a lockfile must pin), {@code -c} (pass a constraints
 * file on its own if all of it should be fetched), hashes other than sha256 (Airlock's index
 * lists sha256). Skipped, because pip does not take them from an index: editable installs
 * ({@code -e}), direct references ({@code name @ URL}), local paths and archive URLs.
 *
 * <p>Which files a version has the file does not say: each pin names Airlock's project page
 * and {@link #files} picks the version's files from it (with hashes: exactly those files).
 */
final class Requirements {

    /** Airlock's project page, as pip asks for it (JSON), named in the path so no header is needed. */
    static final String PAGE_QUERY = "?format=application/vnd.pypi.simple.v1%2Bjson";

    private static final int MAX_DEPTH = 8;
    private static final Pattern REQUIREMENT = Pattern.compile(
            "([A-Za-z0-9][A-Za-z0-9._-]*)\\s*(\\[[^\\]]*\\])?\\s*(.*)", Pattern.DOTALL);
    private static final Pattern PIN = Pattern.compile("===?\\s*([A-Za-z0-9.+!_-]{1,100})");
    private static final Pattern HASH = Pattern.compile("--hash(?:=|\\s+)(\\S+)");
    private static final Pattern SHA256 = Pattern.compile("[0-9a-fA-F]{64}");
    /** The first line of a requirements file that is not one: what else may claim a {@code .txt} (Maven's dependency list). */
    private static final Pattern LOOKS_LIKE = Pattern.compile("-.*|[A-Za-z0-9][A-Za-z0-9._-]*\\s*(\\[[^\\]]*\\])?\\s*(===?|~=|!=|<=|>=|<|>|;|@|\\\\|$).*");
    /** pip options that change where or how pip installs, not what: nothing to fetch. */
    private static final Set<String> GLOBAL_OPTIONS = Set.of("-i", "--index-url", "--extra-index-url", "--no-index", "-f", "--find-links",
            "--trusted-host", "--pre", "--prefer-binary", "--require-hashes", "--only-binary", "--no-binary", "--use-feature",
            "--config-settings", "--global-option");

    private Requirements() {
    }

    /** {@code requirements*.txt}, or another {@code .txt} whose first line reads as a requirement or pip option. */
    static boolean claims(Path file, byte[] content) {
        String name = file.getFileName() == null ? "" : file.getFileName().toString().toLowerCase(Locale.ROOT);
        if (!name.endsWith(".txt")) {
            return false;
        }
        if (name.contains("requirements")) {
            return true;
        }
        for (String line : new String(content, 0, Math.min(content.length, 64 * 1024), StandardCharsets.UTF_8).split("\r?\n")) {
            String l = line.replaceFirst("^\uFEFF", "").strip();
            if (!l.isEmpty() && !l.startsWith("#")) {
                return LOOKS_LIKE.matcher(l).matches();
            }
        }
        return false;
    }

    static List<LockedArtifact> parse(Path file, byte[] content) throws MetadataException {
        List<LockedArtifact> out = new ArrayList<>();
        Set<Path> seen = new HashSet<>();
        seen.add(file.toAbsolutePath().normalize());
        read(file, content, "", seen, 0, out);
        return out;
    }

    private static void read(Path file, byte[] content, String prefix, Set<Path> seen, int depth, List<LockedArtifact> out)
            throws MetadataException {
        if (content.length > LockedArtifact.MAX_LOCKFILE_BYTES) {
            throw new MetadataException(prefix + "larger than " + (LockedArtifact.MAX_LOCKFILE_BYTES >> 20) + " MiB; not read");
        }
        String[] physical = new String(content, StandardCharsets.UTF_8).replaceFirst("^\uFEFF", "").split("\r?\n", -1);
        StringBuilder logical = new StringBuilder();
        int start = 0;
        for (int i = 0; i < physical.length; i++) {
            if (logical.isEmpty()) {
                start = i + 1;
            }
            String p = physical[i];
            if (p.endsWith("\\") && i + 1 < physical.length) {
                logical.append(p, 0, p.length() - 1).append(' ');
                continue;
            }
            logical.append(p);
            String line = stripComment(logical.toString()).strip();
            logical.setLength(0);
            if (!line.isEmpty()) {
                line(file, line, prefix + "line " + start + ": ", seen, depth, out);
            }
        }
    }

    /** pip's rule: "#" starts a comment at the line's start or after whitespace (URL fragments stay). */
    private static String stripComment(String line) {
        for (int i = 0; i < line.length(); i++) {
            if (line.charAt(i) == '#' && (i == 0 || Character.isWhitespace(line.charAt(i - 1)))) {
                return line.substring(0, i);
            }
        }
        return line;
    }

    private static void line(Path file, String line, String where, Set<Path> seen, int depth, List<LockedArtifact> out)
            throws MetadataException {
        if (line.startsWith("-")) {
            option(file, line, where, seen, depth, out);
            return;
        }
        int opts = optionsStart(line);
        String requirement = line.substring(0, opts).strip();
        List<String> hashes = new ArrayList<>();
        Matcher h = HASH.matcher(line.substring(opts));
        while (h.find()) {
            String value = h.group(1);
            int colon = value.indexOf(':');
            String alg = colon < 0 ? "" : value.substring(0, colon).toLowerCase(Locale.ROOT);
            if (!alg.equals("sha256")) {
                throw new MetadataException(where + "--hash=" + printable(value) + ": only sha256 hashes can be checked "
                        + "(Airlock's index lists sha256 for every file)");
            }
            if (!SHA256.matcher(value.substring(colon + 1)).matches()) {
                throw new MetadataException(where + "--hash=" + printable(value) + " is not a sha256 in hex");
            }
            hashes.add("sha256:" + value.substring(colon + 1).toLowerCase(Locale.ROOT));
        }
        if (directReference(requirement)) {
            return;
        }
        int marker = requirement.indexOf(';');
        String spec = (marker < 0 ? requirement : requirement.substring(0, marker)).strip();
        Matcher m = REQUIREMENT.matcher(spec);
        if (!m.matches() || !PypiNames.validProject(m.group(1))) {
            throw new MetadataException(where + "\"" + printable(spec) + "\" is not a requirement (name==version)");
        }
        String name = m.group(1);
        Matcher pin = PIN.matcher(m.group(3).strip());
        if (!pin.matches()) {
            throw new MetadataException(where + name + (m.group(3).isBlank() ? " has no version" : " is not pinned (" + printable(m.group(3).strip()) + ")")
                    + ": a lockfile pins every package with ==; generate it with pip freeze, pip-compile or uv pip compile");
        }
        String version = pin.group(1);
        String normalized = PypiNames.normalize(name);
        String page = "simple/" + normalized + "/" + PAGE_QUERY;
        if (hashes.isEmpty()) {
            out.add(new LockedArtifact(PypiEcosystem.ID, name, version, page, null, null));
        }
        for (String hash : hashes) {
            out.add(new LockedArtifact(PypiEcosystem.ID, name, version, page, null, hash));
        }
    }

    /** Where the per-requirement options ({@code --hash}) start: the first " -" outside the requirement itself. */
    private static int optionsStart(String line) {
        Matcher m = Pattern.compile("\\s--?[a-z]").matcher(line);
        return m.find() ? m.start() : line.length();
    }

    /** A requirement pip does not take from an index: {@code name @ URL}, a URL or a local path or archive. */
    private static boolean directReference(String requirement) {
        String lower = requirement.toLowerCase(Locale.ROOT);
        if (lower.contains("://") || lower.startsWith(".") || lower.startsWith("/") || lower.startsWith("~")) {
            return true;
        }
        Matcher m = REQUIREMENT.matcher(requirement);
        if (m.matches() && m.group(3).startsWith("@")) {
            return true;
        }
        String head = lower.split("[;\\s]", 2)[0];
        return !head.contains("=") && (head.endsWith(".whl") || head.endsWith(".zip") || head.endsWith(".tar.gz"));
    }

    private static void option(Path file, String line, String where, Set<Path> seen, int depth, List<LockedArtifact> out)
            throws MetadataException {
        String[] parts = line.split("(\\s+|=)", 2);
        String name = parts[0];
        String value = parts.length > 1 ? parts[1].strip() : "";
        if (name.startsWith("-r") && !name.startsWith("--") && name.length() > 2) {
            value = name.substring(2);
            name = "-r";
        }
        switch (name) {
            case "-r", "--requirement" -> include(file, value, where, seen, depth, out);
            case "-c", "--constraint" -> throw new MetadataException(where + "constraints (" + printable(line)
                    + ") only limit versions and are not fetched; pass the constraints file itself if all of it should be");
            case "-e", "--editable" -> {
                // a local source tree or a VCS checkout: nothing an index serves
            }
            default -> {
                if (!GLOBAL_OPTIONS.contains(name)) {
                    throw new MetadataException(where + "unknown option " + printable(name));
                }
            }
        }
    }

    private static void include(Path file, String target, String where, Set<Path> seen, int depth, List<LockedArtifact> out)
            throws MetadataException {
        if (target.isEmpty() || target.contains("://")) {
            throw new MetadataException(where + "-r needs a file beside this one, not \"" + printable(target) + "\"");
        }
        if (depth >= MAX_DEPTH) {
            throw new MetadataException(where + "-r " + printable(target) + ": included files nest deeper than " + MAX_DEPTH);
        }
        Path base = file.toAbsolutePath().getParent();
        Path included;
        try {
            included = (base == null ? Path.of(target) : base.resolve(target)).normalize();
        } catch (java.nio.file.InvalidPathException e) {
            // A NUL, say (found by fuzzing): not a file name on this system.
            throw new MetadataException(where + "-r " + printable(target) + " is not a file name: " + e.getReason());
        }
        if (!seen.add(included)) {
            return;
        }
        byte[] content;
        try {
            // Read with the bound, not after Files.size: a device such as /dev/zero has size 0 and no end.
            try (java.io.InputStream in = Files.newInputStream(included)) {
                content = in.readNBytes(LockedArtifact.MAX_LOCKFILE_BYTES + 1);
            }
            if (content.length > LockedArtifact.MAX_LOCKFILE_BYTES) {
                throw new MetadataException(where + "-r " + printable(target) + " is larger than "
                        + (LockedArtifact.MAX_LOCKFILE_BYTES >> 20) + " MiB");
            }
        } catch (IOException e) {
            throw new MetadataException(where + "-r " + printable(target) + ": cannot read " + included + ": " + e.getMessage());
        }
        read(included, content, where + "in " + target + ", ", seen, depth + 1, out);
    }

    /**
     * The files of a pinned version on Airlock's project page (the JSON it renders): with the
     * lock's hash, the one file that has it; without, every file of the version, as pip may pick
     * any of them. Empty when the page lists none (as when Airlock holds the version).
     */
    static List<LockedArtifact> files(LockedArtifact locked, byte[] page) throws MetadataException {
        JsonNode doc;
        try {
            doc = ProjectPage.JSON.readTree(page);
        } catch (IOException e) {
            throw new MetadataException("the project page is not PEP 691 JSON: " + e.getMessage());
        }
        if (doc == null || !doc.path("files").isArray()) {
            throw new MetadataException("the project page is not PEP 691 JSON (no \"files\" list)");
        }
        String normalized = PypiNames.normalize(locked.name());
        String wanted = Pep440.canonical(locked.version());
        List<LockedArtifact> out = new ArrayList<>();
        for (JsonNode f : doc.get("files")) {
            String filename = f.path("filename").asText("");
            String sha256 = f.path("hashes").path("sha256").asText("").toLowerCase(Locale.ROOT);
            String version = PypiNames.validFile(filename) ? PypiNames.version(filename, normalized) : null;
            if (version == null || !Pep440.canonical(version).equals(wanted)) {
                continue;
            }
            String digest = SHA256.matcher(sha256).matches() ? "sha256:" + sha256 : null;
            if (locked.expectedDigest() != null && !locked.expectedDigest().equals(digest)) {
                continue;
            }
            out.add(locked.withFile("files/" + normalized + "/" + filename, locked.expectedDigest() != null ? locked.expectedDigest() : digest));
        }
        return out;
    }

    /** Versions as PEP 440 compares them, as far as file names need: case, a leading "v", zero padding. */
    static final class Pep440 {
        private static final Pattern RELEASE = Pattern.compile("(\\d+(?:\\.\\d+)*)(.*)");

        private Pep440() {
        }

        static String canonical(String version) {
            String v = version.strip().toLowerCase(Locale.ROOT);
            if (v.startsWith("v")) {
                v = v.substring(1);
            }
            Matcher m = RELEASE.matcher(v);
            if (!m.matches()) {
                return v;
            }
            List<String> parts = new ArrayList<>();
            for (String p : m.group(1).split("\\.")) {
                parts.add(p.replaceFirst("^0+(?=\\d)", ""));
            }
            while (parts.size() > 1 && parts.get(parts.size() - 1).equals("0")) {
                parts.remove(parts.size() - 1);
            }
            return String.join(".", parts) + m.group(2);
        }
    }

    static String printable(String s) {
        String clean = s.replaceAll("\\p{Cntrl}", "?");
        return clean.length() > 120 ? clean.substring(0, 120) + "..." : clean;
    }
}
