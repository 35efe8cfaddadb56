package dev.airlock.pypi;

import dev.airlock.config.LimitsConfig;
import dev.airlock.core.ecosystem.ContentFacts;
import dev.airlock.core.ecosystem.Resources;
import dev.airlock.core.ecosystem.TarEntries;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;

/**
 * What a wheel makes Python run without being imported: {@code .pth} files installed into
 * site-packages, whose {@code import} lines run at every interpreter start (the 2026 LiteLLM
 * compromise shipped one). Read from the central directory with bounds; nothing is unpacked.
 */
final class WheelInspector {


    private WheelInspector() {
    }

    static ContentFacts inspect(String filename, Path file) throws IOException {
        return inspect(filename, file, LimitsConfig.DEFAULTS);
    }

    /** {@link #inspect(String, Path)} within {@code limits.archiveEntries} and {@code limits.archiveSize}. */
    static ContentFacts inspect(String filename, Path file, LimitsConfig limits) throws IOException {
        if (filename.endsWith(".tar.gz")) {
            return sdist(filename, file, limits);
        }
        if (!filename.endsWith(".whl")) {
            return ContentFacts.NONE;
        }
        List<String> pth = new ArrayList<>();
        List<String> anomalies = new ArrayList<>();
        Map<String, String> hookFiles = new TreeMap<>();
        Map<String, ContentFacts.Listed> files = new TreeMap<>();
        try (ZipFile zip = new ZipFile(file.toFile())) {
            Resources.zipEntries(zip, filename, name -> {
                // Top level (purelib/platlib root) or a .data/purelib|platlib folder: both land in site-packages.
                boolean siteRoot = !name.contains("/") || name.matches("[^/]+\\.data/(purelib|platlib)/[^/]+")
                        || name.matches("[^/]+\\.data/data/.*/site-packages/[^/]+");
                String base = name.substring(name.lastIndexOf('/') + 1);
                // .pth lines starting with "import" run at every start; so do these two modules.
                if (siteRoot && (name.endsWith(".pth") || base.equals("sitecustomize.py") || base.equals("usercustomize.py"))) {
                    pth.add(name);
                }
                ZipEntry e = zip.getEntry(name);
                if (e != null && !e.isDirectory() && files.size() < ContentFacts.MAX_LISTED) {
                    files.put(name, new ContentFacts.Listed(e.getSize(), e.getCrc() < 0 ? null : Long.toHexString(e.getCrc())));
                }
            }, anomalies, limits.archiveEntries());
            for (String name : pth) {
                ZipEntry e = zip.getEntry(name);
                if (e != null) {
                    try (InputStream in = zip.getInputStream(e)) {
                        hookFiles.put(name, ContentFacts.hookFileText(in.readNBytes(ContentFacts.HOOK_FILE_MAX + 1), e.getSize()));
                    }
                }
            }
        }
        Map<String, String> hooks = new TreeMap<>();
        if (!pth.isEmpty()) {
            hooks.put(".pth", String.join(", ", pth) + " (runs at every Python start)");
        }
        return new ContentFacts(hooks, Map.of(), anomalies).withEvidence(hookFiles, files);
    }

    /**
     * A source distribution, for the reviewer: pip runs its {@code setup.py} to build it (that it
     * is the only kind of file a release has is a fact of the index, decided from metadata), so
     * its text is kept, with the list of files. Nothing here holds a release.
     */
    private static ContentFacts sdist(String filename, Path file, LimitsConfig limits) throws IOException {
        Map<String, String> hookFiles = new TreeMap<>();
        Map<String, ContentFacts.Listed> files = new TreeMap<>();
        String cut = TarEntries.walk(file, new TarEntries.Visitor() {
            @Override
            public int want(String name, long size) {
                String path = inRoot(name);
                if (path != null && files.size() < ContentFacts.MAX_LISTED) {
                    files.put(path, new ContentFacts.Listed(size, null));
                }
                return "setup.py".equals(path) ? ContentFacts.HOOK_FILE_MAX + 1 : 0;
            }

            @Override
            public void read(String name, long size, byte[] head) {
                hookFiles.put("setup.py", ContentFacts.hookFileText(head, size));
            }
        }, limits);
        // An sdist past the bounds is not read to its end; a reviewer is told, as for a wheel.
        List<String> anomalies = cut == null ? List.of() : List.of(filename + " " + cut);
        return new ContentFacts(Map.of(), Map.of(), anomalies).withEvidence(hookFiles, files);
    }

    /** The path inside an sdist's single top folder ({@code name-version/}), or null for one outside it. */
    private static String inRoot(String name) {
        String stripped = name.startsWith("./") ? name.substring(2) : name;
        int slash = stripped.indexOf('/');
        return slash < 0 || slash == stripped.length() - 1 ? null : stripped.substring(slash + 1);
    }
}
