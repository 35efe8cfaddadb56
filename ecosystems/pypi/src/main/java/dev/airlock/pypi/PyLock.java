package dev.airlock.pypi;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.toml.TomlMapper;
import dev.airlock.core.ecosystem.LockedArtifact;
import dev.airlock.core.ecosystem.MetadataException;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * A PEP 751 lockfile ({@code pylock.toml}, {@code pylock.NAME.toml}): each {@code [[packages]]}
 * entry names its files ({@code wheels}, {@code sdist}) with their sha256, so each is asked for
 * by name at Airlock's files route and checked against the lock's hash. A package that names no
 * file but a version is resolved from Airlock's project page like a requirements pin. Packages
 * from a VCS, a directory or a direct archive URL are skipped: pip does not take them from an
 * index.
 */
final class PyLock {

    private static final TomlMapper TOML = new TomlMapper();
    private static final Pattern VERSION = Pattern.compile("[A-Za-z0-9.+!_-]{1,100}");
    private static final Pattern SHA256 = Pattern.compile("[0-9a-fA-F]{64}");

    private PyLock() {
    }

    /** PEP 751's file names: {@code pylock.toml} or {@code pylock.<name>.toml}. */
    static boolean claims(Path file) {
        String name = file.getFileName() == null ? "" : file.getFileName().toString();
        return name.equals("pylock.toml") || (name.startsWith("pylock.") && name.endsWith(".toml") && name.length() > "pylock..toml".length());
    }

    static List<LockedArtifact> parse(byte[] content) throws MetadataException {
        if (content.length > LockedArtifact.MAX_LOCKFILE_BYTES) {
            throw new MetadataException("larger than " + (LockedArtifact.MAX_LOCKFILE_BYTES >> 20) + " MiB; not read");
        }
        JsonNode root;
        try {
            root = TOML.readTree(content);
        } catch (JsonProcessingException e) {
            JsonLocation at = e.getLocation();
            throw new MetadataException("not valid TOML" + (at == null || at.getLineNr() < 1 ? "" : " at line " + at.getLineNr())
                    + ": " + e.getOriginalMessage());
        } catch (IOException e) {
            throw new MetadataException("not valid TOML: " + e.getMessage());
        } catch (StackOverflowError e) {
            throw new MetadataException("not read: nested too deeply");
        }
        if (root == null || !root.isObject() || !root.hasNonNull("lock-version")) {
            throw new MetadataException("not a PEP 751 lockfile: no lock-version");
        }
        String lockVersion = root.get("lock-version").asText();
        if (!lockVersion.startsWith("1.")) {
            throw new MetadataException("lock-version " + Requirements.printable(lockVersion) + " is not one prefetch reads (1.x)");
        }
        JsonNode packages = root.path("packages");
        if (!packages.isMissingNode() && !packages.isArray()) {
            throw new MetadataException("packages is not an array of tables");
        }
        List<LockedArtifact> out = new ArrayList<>();
        int i = 0;
        for (JsonNode p : packages) {
            pkg(p, "packages[" + i++ + "]", out);
        }
        return out;
    }

    private static void pkg(JsonNode p, String where, List<LockedArtifact> out) throws MetadataException {
        if (!p.isObject()) {
            throw new MetadataException(where + " is not a table");
        }
        String name = p.path("name").asText("");
        if (!PypiNames.validProject(name)) {
            throw new MetadataException(where + ": name \"" + Requirements.printable(name) + "\" is not a valid project name");
        }
        where = where + " (" + name + ")";
        String version = p.hasNonNull("version") ? p.get("version").asText() : null;
        if (version != null && !VERSION.matcher(version).matches()) {
            throw new MetadataException(where + ": \"" + Requirements.printable(version) + "\" is not a version");
        }
        if (p.has("vcs") || p.has("directory") || p.has("archive")) {
            return;
        }
        String normalized = PypiNames.normalize(name);
        String page = "simple/" + normalized + "/" + Requirements.PAGE_QUERY;
        List<JsonNode> files = new ArrayList<>();
        JsonNode wheels = p.path("wheels");
        if (!wheels.isMissingNode() && !wheels.isArray()) {
            throw new MetadataException(where + ": wheels is not an array");
        }
        wheels.forEach(files::add);
        if (p.has("sdist")) {
            files.add(p.get("sdist"));
        }
        if (files.isEmpty()) {
            if (version != null) {
                out.add(new LockedArtifact(PypiEcosystem.ID, name, version, page, null, null));
            }
            return;
        }
        for (JsonNode f : files) {
            String filename = filename(f, where);
            if (!PypiNames.validFile(filename) || !PypiNames.belongsTo(filename, normalized)) {
                throw new MetadataException(where + ": \"" + Requirements.printable(filename) + "\" is not a distribution file of " + normalized);
            }
            String sha256 = f.path("hashes").path("sha256").asText(null);
            if (sha256 != null && !SHA256.matcher(sha256).matches()) {
                throw new MetadataException(where + ": the sha256 of " + filename + " is not 64 hex digits");
            }
            String v = version != null ? version : PypiNames.version(filename, normalized);
            out.add(new LockedArtifact(PypiEcosystem.ID, name, v, page, "files/" + normalized + "/" + filename,
                    sha256 == null ? null : "sha256:" + sha256.toLowerCase(Locale.ROOT)));
        }
    }

    /** A file table's {@code name}, or the last segment of its {@code url} or {@code path}, as PEP 751 allows. */
    private static String filename(JsonNode f, String where) throws MetadataException {
        if (!f.isObject()) {
            throw new MetadataException(where + ": a file entry is not a table");
        }
        if (f.hasNonNull("name")) {
            return f.get("name").asText();
        }
        String from = f.hasNonNull("url") ? f.get("url").asText() : f.path("path").asText("");
        if (f.hasNonNull("url")) {
            try {
                from = URI.create(from).getPath();
            } catch (IllegalArgumentException e) {
                throw new MetadataException(where + ": \"" + Requirements.printable(from) + "\" is not a URL");
            }
        }
        if (from == null || from.isEmpty()) {
            throw new MetadataException(where + ": a file entry has no name, url or path");
        }
        return from.substring(from.lastIndexOf('/') + 1);
    }
}
