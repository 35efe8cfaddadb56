package dev.airlock.npm;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import dev.airlock.config.LimitsConfig;
import dev.airlock.core.ecosystem.ContentFacts;
import dev.airlock.core.ecosystem.ReleaseFacts;
import dev.airlock.core.ecosystem.Resources;
import dev.airlock.core.ecosystem.TarEntries;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.CRC32;
import java.util.zip.GZIPInputStream;

/**
 * Reads an npm tarball the way npm will unpack it, without unpacking it: the package.json npm
 * actually uses (compared with the manifest the registry showed, both as npm normalises their
 * scripts: "manifest confusion"), an implicit {@code node-gyp} build ({@code binding.gyp}, no
 * install script and no {@code "gypfile": false}; see {@link NpmScripts}), and entries no
 * honest package needs (links, absolute or traversal paths). Bounded: the tarball is streamed
 * through gunzip once, up to {@code limits.archiveSize} unpacked bytes and {@code limits.archiveEntries}
 * entries.
 */
final class TarballInspector {

    private static final int MAX_MANIFEST = 1 << 20;

    private TarballInspector() {
    }

    /** @param registry what the registry's document says about this version, or null if it does not list it */
    static ContentFacts inspect(String filename, Path file, ReleaseFacts registry) throws IOException {
        return inspect(filename, file, registry, LimitsConfig.DEFAULTS);
    }

    /** {@link #inspect(String, Path, ReleaseFacts)} within the configured archive bounds. */
    static ContentFacts inspect(String filename, Path file, ReleaseFacts registry, LimitsConfig limits) throws IOException {
        if (!filename.endsWith(".tgz")) {
            return ContentFacts.NONE;
        }
        List<String> anomalies = new ArrayList<>();
        byte[] manifest = null;
        boolean bindingGyp = false;
        // For a reviewer: every file with its size and CRC-32, by its path inside the package.
        Map<String, ContentFacts.Listed> listing = new TreeMap<>();
        byte[] buffer = new byte[64 * 1024];
        try (InputStream in = new GZIPInputStream(Files.newInputStream(file), 64 * 1024)) {
            byte[] header = new byte[512];
            long unpacked = 0;
            int entries = 0;
            String longName = null;
            int manifests = 0;
            while (true) {
                if (in.readNBytes(header, 0, 512) < 512) {
                    break;
                }
                if (TarEntries.isZero(header)) {
                    // The archive ends with two zero blocks; npm's tar reader skips a lone one and
                    // goes on, so what follows one is read here too.
                    if (in.readNBytes(header, 0, 512) < 512 || TarEntries.isZero(header)) {
                        break;
                    }
                    anomalies.add(filename + " has entries after an end-of-archive block");
                }
                if (!TarEntries.checksumOk(header)) {
                    anomalies.add(filename + " has a tar header whose checksum is wrong; not inspected further");
                    break;
                }
                if (++entries > limits.archiveEntries()) {
                    anomalies.add(filename + " has more than " + limits.archiveEntries() + " entries; not inspected further");
                    break;
                }
                long size = TarEntries.octal(header, 124, 12);
                char type = (char) header[156];
                String name = longName != null ? longName : TarEntries.name(header);
                longName = null;
                unpacked += size;
                if (size < 0 || unpacked > limits.archiveSize()) {
                    anomalies.add(filename + " unpacks to more than " + limits.archiveSize() + " bytes; not inspected further");
                    break;
                }
                long padded = (size + 511) / 512 * 512;
                if (type == 'x' || type == 'L') {
                    // PAX extended header or GNU long name: the real name of the next entry.
                    longName = longName(in, type, size, padded);
                    continue;
                }
                if (type == '1' || type == '2') {
                    anomalies.add(filename + " holds a " + (type == '2' ? "symbolic" : "hard") + " link: " + name);
                }
                if (Resources.unsafeArchivePath(name)) {
                    anomalies.add(filename + " holds an entry with an unsafe path: " + name);
                }
                boolean regular = type == '0' || type == 0 || type == '7';
                // npm strips the first path component ("package/" by convention); an entry with
                // none is dropped, so only "<dir>/package.json" is the manifest npm uses.
                String inPackage = inPackage(name);
                if (regular && "package.json".equals(inPackage)) {
                    if (++manifests > 1) {
                        anomalies.add(filename + " has more than one package.json (npm keeps the last, readers may take another)");
                    }
                    if (size <= MAX_MANIFEST) {
                        manifest = in.readNBytes((int) size);
                        in.skipNBytes(padded - size);
                        CRC32 crc = new CRC32();
                        crc.update(manifest);
                        list(listing, inPackage, size, crc);
                        continue;
                    }
                    anomalies.add(filename + ": its package.json is larger than " + MAX_MANIFEST + " bytes");
                }
                if (regular && "binding.gyp".equals(inPackage)) {
                    bindingGyp = true;
                }
                if (regular && inPackage != null && listing.size() < ContentFacts.MAX_LISTED) {
                    // Gunzip reads every byte anyway; a CRC-32 over them tells a change of the same size.
                    CRC32 crc = new CRC32();
                    for (long left = size; left > 0; ) {
                        int n = in.read(buffer, 0, (int) Math.min(buffer.length, left));
                        if (n < 0) {
                            throw new EOFException();
                        }
                        crc.update(buffer, 0, n);
                        left -= n;
                    }
                    in.skipNBytes(padded - size);
                    list(listing, inPackage, size, crc);
                    continue;
                }
                in.skipNBytes(padded);
            }
        } catch (EOFException e) {
            anomalies.add(filename + " ends in the middle of an entry");
        }
        Map<String, String> hooks = new TreeMap<>();
        Map<String, String> mismatches = new TreeMap<>();
        if (manifest == null) {
            anomalies.add(filename + " has no package.json");
            return new ContentFacts(hooks, mismatches, anomalies).withEvidence(Map.of(), listing);
        }
        Map<String, String> scripts = new HashMap<>();
        Map<String, String> dependencies = new TreeMap<>();
        Boolean gypfile;
        try {
            gypfile = readManifest(manifest, scripts, dependencies);
        } catch (IOException e) {
            anomalies.add(filename + ": its package.json is not valid JSON");
            return new ContentFacts(hooks, mismatches, anomalies).withEvidence(Map.of(), listing);
        }
        boolean implicitGyp = NpmScripts.implicitGyp(scripts, gypfile, bindingGyp);
        if (implicitGyp) {
            // What npm runs (and what npm publish writes into the registry's manifest, not the tarball's).
            scripts.put("install", NpmScripts.NODE_GYP_REBUILD);
        }
        Map<String, String> declared = registry == null ? null : registry.installHooks();
        if (implicitGyp && (declared == null || !declared.containsKey("install") && !declared.containsKey("preinstall"))) {
            hooks.put("binding.gyp", "npm runs node-gyp rebuild for the binding.gyp in the tarball");
        }
        if (registry != null) {
            for (String hook : NpmScripts.INSTALL) {
                String inTarball = scripts.get(hook);
                String inRegistry = declared == null ? null : declared.get(hook);
                boolean bothGyp = inTarball != null && inRegistry != null && inTarball.startsWith(NpmScripts.NODE_GYP_REBUILD)
                        && inRegistry.startsWith(NpmScripts.NODE_GYP_REBUILD);
                if (declared != null && !bothGyp && !Objects.equals(inTarball, inRegistry)) {
                    mismatches.put("scripts." + hook, "registry: " + (inRegistry == null ? "none" : inRegistry) + "; tarball: "
                            + (inTarball == null ? "none" : inTarball));
                }
            }
            if (registry.dependencies() != null && !registry.dependencies().equals(dependencies)) {
                Set<String> names = new TreeSet<>(dependencies.keySet());
                names.addAll(registry.dependencies().keySet());
                List<String> diff = new ArrayList<>();
                for (String n : names) {
                    String a = registry.dependencies().get(n);
                    String b = dependencies.get(n);
                    if (!Objects.equals(a, b)) {
                        diff.add(n + " registry " + (a == null ? "none" : a) + ", tarball " + (b == null ? "none" : b));
                    }
                }
                mismatches.put("dependencies", String.join("; ", diff));
            }
        }
        Set<String> wanted = hookFiles(scripts, listing.keySet());
        Map<String, String> texts = wanted.isEmpty() ? Map.of() : capture(file, wanted, limits);
        return new ContentFacts(hooks, mismatches, anomalies).withEvidence(texts, listing);
    }

    private static void list(Map<String, ContentFacts.Listed> listing, String path, long size, CRC32 crc) {
        if (listing.size() < ContentFacts.MAX_LISTED) {
            listing.put(path, new ContentFacts.Listed(size, Long.toHexString(crc.getValue())));
        }
    }

    /** Shell words that separate commands; what follows one is a command again. */
    private static final Pattern WORDS = Pattern.compile("\"([^\"]*)\"|'([^']*)'|([^\\s;&|()<>]+)");

    /**
     * The package's files its install scripts run, as a reviewer wants to read them: every word of
     * a preinstall/install/postinstall command that names a file in the package (as node resolves
     * {@code node scripts/x}: with {@code .js} or {@code /index.js} too), and {@code binding.gyp}
     * when node-gyp builds it.
     */
    static Set<String> hookFiles(Map<String, String> scripts, Set<String> files) {
        Set<String> out = new TreeSet<>();
        for (String hook : NpmScripts.INSTALL) {
            String command = scripts.get(hook);
            if (command == null) {
                continue;
            }
            Matcher m = WORDS.matcher(command);
            while (m.find()) {
                String word = m.group(1) != null ? m.group(1) : m.group(2) != null ? m.group(2) : m.group(3);
                String path = word.startsWith("./") ? word.substring(2) : word;
                for (String candidate : List.of(path, path + ".js", path + "/index.js")) {
                    if (files.contains(candidate)) {
                        out.add(candidate);
                        break;
                    }
                }
            }
            if ((command.contains("node-gyp") || command.contains("prebuild-install") || command.contains("cmake-js"))
                    && files.contains("binding.gyp")) {
                out.add("binding.gyp");
            }
        }
        return out;
    }

    /**
     * A second pass over the tarball (only for packages with install scripts, a few in a hundred)
     * for the heads of the files they run; the first pass could not know them before reading
     * package.json, which may come anywhere in the archive.
     */
    private static Map<String, String> capture(Path file, Set<String> wanted, LimitsConfig limits) throws IOException {
        Map<String, String> out = new TreeMap<>();
        TarEntries.walk(file, new TarEntries.Visitor() {
            @Override
            public int want(String name, long size) {
                String path = inPackage(name);
                return path != null && wanted.contains(path) ? ContentFacts.HOOK_FILE_MAX + 1 : 0;
            }

            @Override
            public void read(String name, long size, byte[] head) {
                out.put(inPackage(name), ContentFacts.hookFileText(head, size));
            }
        }, limits);
        return out;
    }

    /** The path npm installs an entry at: the first component ("package/" by convention) stripped; null for none. */
    private static String inPackage(String name) {
        String stripped = name.startsWith("./") ? name.substring(2) : name;
        int slash = stripped.indexOf('/');
        return slash < 0 ? null : stripped.substring(slash + 1);
    }

    /**
     * Reads the scripts (normalised as npm does) and dependencies.
     *
     * @return the manifest's {@code gypfile}, or null when it has none
     */
    private static Boolean readManifest(byte[] json, Map<String, String> scripts, Map<String, String> dependencies) throws IOException {
        Boolean gypfile = null;
        try (JsonParser p = Packument.JSON.createParser(json)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                throw new IOException("not an object");
            }
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String key = p.currentName();
                JsonToken t = p.nextToken();
                if ((key.equals("scripts") || key.equals("dependencies")) && t == JsonToken.START_OBJECT) {
                    boolean isScripts = key.equals("scripts");
                    Map<String, String> into = isScripts ? scripts : dependencies;
                    while (p.nextToken() == JsonToken.FIELD_NAME) {
                        String k = p.currentName();
                        if (p.nextToken() == JsonToken.VALUE_STRING) {
                            String v = isScripts ? NpmScripts.normalise(p.getText()) : p.getText();
                            if (v != null) {
                                into.put(k, v);
                            }
                        } else {
                            p.skipChildren();
                        }
                    }
                } else if (key.equals("gypfile")) {
                    gypfile = t == JsonToken.VALUE_TRUE ? Boolean.TRUE : t == JsonToken.VALUE_FALSE ? Boolean.FALSE : null;
                    p.skipChildren();
                } else {
                    p.skipChildren();
                }
            }
        }
        return gypfile;
    }

    /** The name a PAX extended header ({@code x}) or a GNU long-name entry ({@code L}) gives the next entry. */
    private static String longName(InputStream in, char type, long size, long padded) throws IOException {
        byte[] data = in.readNBytes((int) Math.min(padded, 1 << 16));
        in.skipNBytes(padded - data.length);
        String text = new String(data, 0, (int) Math.min(size, data.length), StandardCharsets.UTF_8);
        return type == 'L' ? text.replace("\0", "") : TarEntries.paxPath(text);
    }
}
