package dev.airlock.npm;

import dev.airlock.config.LimitsConfig;
import dev.airlock.core.ecosystem.ContentFacts;
import dev.airlock.core.ecosystem.MetadataException;
import dev.airlock.npm.fixture.TarGz;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The limits. section as the npm reader meets it: versions per packument, JSON depth, archive bounds. */
class NpmLimitsTest {

    /** The defaults with the bounds a test sets: depth, versions, archive size and entries. */
    private static LimitsConfig limits(int depth, int versions, long archiveSize, int entries) {
        LimitsConfig d = LimitsConfig.DEFAULTS;
        return new LimitsConfig(d.metadataSize(), d.pomSize(), d.probesPerPage(), d.probesPerSecond(), depth, d.linksPerPage(),
                versions, archiveSize, entries);
    }

    private static byte[] packument(int versions, String extra) {
        StringBuilder b = new StringBuilder("{\"name\":\"many\",\"versions\":{");
        for (int i = 0; i < versions; i++) {
            b.append(i == 0 ? "" : ",").append("\"1.0.").append(i).append("\":{\"name\":\"many\",\"version\":\"1.0.").append(i)
                    .append("\",\"dist\":{\"tarball\":\"http://u.invalid/many/-/many-1.0.").append(i).append(".tgz\"}")
                    .append(i == 0 ? extra : "").append('}');
        }
        return b.append("}}").toString().getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void aPackumentListingMoreVersionsThanTheLimitIsRefused() throws Exception {
        LimitsConfig limits = limits(200, 1000, 1L << 30, 200_000);
        assertEquals(1000, Packument.parse("many", "full", packument(1000, ""), "application/json", limits).releases().size());
        MetadataException e = assertThrows(MetadataException.class,
                () -> Packument.parse("many", "full", packument(1001, ""), "application/json", limits));
        assertTrue(e.getMessage().contains("limits.versionsPerDocument"), e.getMessage());
    }

    @Test
    void nestingIsBoundedByTheConfiguredDepth() throws Exception {
        String nested = ",\"x\":" + "[".repeat(30) + "]".repeat(30);
        Packument.parse("many", "full", packument(1, nested), "application/json", limits(200, 1000, 1L << 30, 200_000));
        MetadataException e = assertThrows(MetadataException.class,
                () -> Packument.parse("many", "full", packument(1, nested), "application/json", limits(20, 1000, 1L << 30, 200_000)));
        assertTrue(e.getMessage().contains("nesting depth"), e.getMessage());
    }

    @TempDir
    Path tmp;

    private ContentFacts inspect(int files, int fileSize, LimitsConfig limits) throws Exception {
        List<TarGz.Entry> entries = new ArrayList<>();
        entries.add(TarGz.Entry.file("package/package.json", "{\"name\":\"x\",\"version\":\"1.0.0\"}".getBytes(StandardCharsets.UTF_8)));
        for (int i = 0; i < files; i++) {
            entries.add(TarGz.Entry.file("package/f" + i, new byte[fileSize]));
        }
        Path tgz = Files.write(tmp.resolve("x.tgz"), TarGz.tgz(entries));
        return TarballInspector.inspect("x-1.0.0.tgz", tgz, null, limits);
    }

    @Test
    void aTarballPastTheArchiveBoundsIsAnAnomalyNotReadToItsEnd() throws Exception {
        assertEquals(List.of(), inspect(999, 10, limits(200, 1000, 1L << 30, 1000)).anomalies());
        assertTrue(inspect(1000, 10, limits(200, 1000, 1L << 30, 1000)).anomalies().get(0).contains("more than 1000 entries"));
        // 64 files of 64 KiB of zeros: a few KiB compressed, 4 MiB unpacked.
        assertTrue(inspect(64, 64 * 1024, limits(200, 1000, 1L << 20, 1000)).anomalies().get(0).contains("unpacks to more than 1048576"));
        assertEquals(List.of(), inspect(64, 64 * 1024, limits(200, 1000, 8L << 20, 1000)).anomalies());
    }
}
