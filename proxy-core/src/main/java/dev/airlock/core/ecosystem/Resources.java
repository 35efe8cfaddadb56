package dev.airlock.core.ecosystem;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Set;

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
}
