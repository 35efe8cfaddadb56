package dev.airlock.npm;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.airlock.core.ecosystem.LockedArtifact;
import dev.airlock.core.ecosystem.MetadataException;

import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * {@code package-lock.json} and {@code npm-shrinkwrap.json}, lockfile versions 2 and 3 (npm 7
 * and later): the {@code packages} map, one entry per installed folder.
 *
 * <p>What is fetched: every entry under a {@code node_modules/} folder that came from a registry
 * (a {@code resolved} http(s) URL of the registry's {@code NAME/-/FILE.tgz} shape, or no
 * {@code resolved} but an {@code integrity}: npm writes locks that way with
 * {@code omit-lockfile-registry-resolved}, and fetches such entries from its registry), named by its
 * {@code name} field (an alias installs another package under its folder) or else by the folder.
 * The tarball is asked for at Airlock's path for that name and version, whatever host the lock
 * was written against. Skipped, because npm does not fetch them from a registry: the root
 * project ({@code ""}), workspace folders, {@code link: true} entries, entries bundled inside
 * another package's tarball ({@code inBundle}), and git, file and other non-registry sources.
 *
 * <p>The lock is hostile input: names must be valid npm names, versions plain version strings,
 * so nothing in it can become another path on Airlock.
 */
final class PackageLock {

    private static final ObjectMapper JSON = JsonMapper.builder(JsonFactory.builder()
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION).build()).build();
    private static final Pattern VERSION = Pattern.compile("[0-9A-Za-z][0-9A-Za-z.+_-]{0,255}");
    private static final String NODE_MODULES = "node_modules/";

    private PackageLock() {
    }

    /** Whether npm would take this file for a lockfile: its usual names, or JSON that says it is one. */
    static boolean claims(Path file, byte[] content) {
        String name = file.getFileName() == null ? "" : file.getFileName().toString();
        if (name.equals("package-lock.json") || name.equals("npm-shrinkwrap.json") || name.equals(".package-lock.json")) {
            return true;
        }
        if (!name.endsWith(".json")) {
            return false;
        }
        String head = new String(content, 0, Math.min(content.length, 4096), StandardCharsets.UTF_8);
        return head.contains("\"lockfileVersion\"");
    }

    static List<LockedArtifact> parse(byte[] content) throws MetadataException {
        if (content.length > LockedArtifact.MAX_LOCKFILE_BYTES) {
            throw new MetadataException("larger than " + (LockedArtifact.MAX_LOCKFILE_BYTES >> 20) + " MiB; not read");
        }
        JsonNode root;
        try {
            root = JSON.readTree(content);
        } catch (JsonProcessingException e) {
            JsonLocation at = e.getLocation();
            throw new MetadataException("not valid JSON" + (at == null ? "" : " at line " + at.getLineNr() + ", column " + at.getColumnNr())
                    + ": " + e.getOriginalMessage());
        } catch (IOException e) {
            throw new MetadataException("not valid JSON: " + e.getMessage());
        }
        if (root == null || !root.isObject()) {
            throw new MetadataException("not an npm lockfile: the top level is not a JSON object");
        }
        JsonNode packages = root.get("packages");
        if (packages == null) {
            if (root.has("dependencies") || root.path("lockfileVersion").asInt(0) == 1) {
                throw new MetadataException("lockfileVersion 1 (written by npm 6 or older) is not read: run "
                        + "`npm install --lockfile-version 3` (or `npm install --package-lock-only --lockfile-version 3`) "
                        + "with npm 7 or later to rewrite it, then prefetch again");
            }
            throw new MetadataException("not an npm lockfile: it has no \"packages\" map");
        }
        if (!packages.isObject()) {
            throw new MetadataException("\"packages\" is not a JSON object");
        }
        List<LockedArtifact> out = new ArrayList<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = packages.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            locked(e.getKey(), e.getValue()).ifPresent(out::add);
        }
        return out;
    }

    private static Optional<LockedArtifact> locked(String key, JsonNode entry) throws MetadataException {
        String where = "packages[\"" + printable(key) + "\"]";
        if (!entry.isObject()) {
            throw new MetadataException(where + " is not a JSON object");
        }
        int folder = key.lastIndexOf(NODE_MODULES);
        if (key.isEmpty() || folder < 0 || entry.path("link").asBoolean(false) || entry.path("inBundle").asBoolean(false)) {
            return Optional.empty();
        }
        String resolved = entry.path("resolved").asText(null);
        String version = entry.path("version").asText(null);
        boolean fromRegistry = resolved == null ? entry.hasNonNull("integrity") : fromRegistry(resolved);
        if (version == null || !fromRegistry) {
            return Optional.empty();
        }
        String name = entry.hasNonNull("name") ? entry.get("name").asText() : key.substring(folder + NODE_MODULES.length());
        if (!NpmNames.validName(name)) {
            throw new MetadataException(where + ": \"" + printable(name) + "\" is not a valid npm package name");
        }
        if (!VERSION.matcher(version).matches()) {
            throw new MetadataException(where + ": \"" + printable(version) + "\" is not a version");
        }
        String file = Packument.tarballName(name, version);
        if (!NpmNames.validTarballName(file)) {
            throw new MetadataException(where + ": " + printable(file) + " is not a tarball name Airlock serves");
        }
        String integrity = entry.path("integrity").asText(null);
        if (integrity != null && !integrity.matches("(sha(1|256|384|512)-[A-Za-z0-9+/=]+(\\?\\S*)?\\s*)+")) {
            throw new MetadataException(where + ": \"" + printable(integrity) + "\" is not a subresource integrity value");
        }
        return Optional.of(new LockedArtifact(NpmEcosystem.ID, name, version, NpmNames.escape(name), name + "/-/" + file,
                integrity == null ? null : integrity.strip()));
    }

    /** A registry tarball: http(s), with the registry's {@code /-/NAME.tgz} shape (git, file: and codeload URLs are not). */
    private static boolean fromRegistry(String resolved) {
        try {
            URI u = new URI(resolved);
            String path = u.getRawPath();
            return ("http".equals(u.getScheme()) || "https".equals(u.getScheme())) && path != null
                    && path.contains("/-/") && path.endsWith(".tgz");
        } catch (URISyntaxException e) {
            return false;
        }
    }

    /** For messages: hostile names stay one short line. */
    private static String printable(String s) {
        String clean = s.replaceAll("\\p{Cntrl}", "?");
        return clean.length() > 120 ? clean.substring(0, 120) + "..." : clean;
    }
}
