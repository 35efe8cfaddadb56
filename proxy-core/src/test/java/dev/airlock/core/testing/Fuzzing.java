package dev.airlock.core.testing;

import dev.airlock.config.LimitsConfig;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPOutputStream;

/** What the fuzz targets (the *FuzzTest classes, docs/FUZZING.md) share. */
public final class Fuzzing {

    /**
     * The tightest bounds the configuration accepts, so that short fuzzed inputs reach them: JSON
     * depth 16, 1,000 links, versions and archive entries, 64 KiB unpacked.
     */
    public static final LimitsConfig LIMITS = new LimitsConfig(1024, 1024, 0, 1, 16, 1000, 1000, 64 * 1024, 1000);

    private Fuzzing() {
    }

    /** A temporary file the JVM removes when it exits, for parsers that read a path. */
    public static Path tempFile(String suffix) {
        try {
            Path p = Files.createTempFile("airlock-fuzz", suffix);
            p.toFile().deleteOnExit();
            return p;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * The bytes gzipped: archive targets take the tar stream and gzip it here, since the fuzzer
     * would rarely write a valid gzip stream itself and the gzip layer is the JDK's.
     */
    public static byte[] gzip(byte[] data) {
        ByteArrayOutputStream gz = new ByteArrayOutputStream();
        try (GZIPOutputStream out = new GZIPOutputStream(gz)) {
            out.write(data);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return gz.toByteArray();
    }
}
