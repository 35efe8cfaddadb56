package dev.airlock.core.ecosystem;

import dev.airlock.config.LimitsConfig;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Enumeration;
import java.util.List;
import java.util.Set;
import java.util.function.Consumer;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;

/** Small helpers ecosystem modules share for what they ship and what they read. */
public final class Resources {

    private Resources() {
    }

    /**
     * The lines of a text resource beside {@code owner} (blank lines and {@code #} comments
     * skipped), e.g. an ecosystem's {@code popular.txt}; empty when it is missing.
     */
    public static Set<String> lines(Class<?> owner, String name) {
        try (InputStream in = owner.getResourceAsStream(name)) {
            if (in == null) {
                return Set.of();
            }
            return Set.copyOf(new String(in.readAllBytes(), StandardCharsets.UTF_8).lines()
                    .map(String::strip).filter(l -> !l.isEmpty() && !l.startsWith("#")).toList());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Whether a path inside an archive could land outside where it is unpacked. */
    public static boolean unsafeArchivePath(String name) {
        return name.startsWith("/") || name.contains("\\") || ("/" + name + "/").contains("/../");
    }

    /** Most entries a zip archive (jar, wheel) may have by default before it is not read further ({@code limits.archiveEntries}). */
    public static final int MAX_ZIP_ENTRIES = LimitsConfig.DEFAULTS.archiveEntries();

    /**
     * Walks a zip archive's entry names from its central directory, bounded: each name goes to
     * {@code visit}; unsafe paths, an entry count beyond {@link #MAX_ZIP_ENTRIES} and a name that
     * is not UTF-8 (where the walk stops) become anomalies in {@code anomalies}.
     */
    public static void zipEntries(ZipFile zip, String filename, Consumer<String> visit,
                                  List<String> anomalies) {
        zipEntries(zip, filename, visit, anomalies, MAX_ZIP_ENTRIES);
    }

    /** {@link #zipEntries(java.util.zip.ZipFile, String, java.util.function.Consumer, java.util.List)} with its own entry bound. */
    public static void zipEntries(ZipFile zip, String filename, Consumer<String> visit,
                                  List<String> anomalies, int maxEntries) {
        int n = 0;
        for (Enumeration<? extends ZipEntry> e = zip.entries(); e.hasMoreElements(); ) {
            String name;
            try {
                name = e.nextElement().getName();
            } catch (IllegalArgumentException notUtf8) {
                // java.util.zip decodes each name as it is reached, and says so with this (found by fuzzing).
                anomalies.add(filename + " holds an entry whose name is not valid UTF-8; not inspected further");
                return;
            }
            if (++n > maxEntries) {
                anomalies.add(filename + " has more than " + maxEntries + " entries; not inspected further");
                return;
            }
            if (unsafeArchivePath(name)) {
                anomalies.add(filename + " holds an entry with an unsafe path: " + name);
            }
            visit.accept(name);
        }
    }
}
