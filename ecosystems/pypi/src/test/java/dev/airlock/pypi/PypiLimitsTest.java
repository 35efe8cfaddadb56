package dev.airlock.pypi;

import dev.airlock.config.LimitsConfig;
import dev.airlock.core.ecosystem.ContentFacts;
import dev.airlock.core.ecosystem.MetadataException;
import dev.airlock.pypi.fixture.Dists;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The limits. section as the PyPI reader meets it: files per page (HTML and JSON), JSON depth, archive bounds. */
class PypiLimitsTest {

    private static final URI BASE = URI.create("http://mirror.test/simple/many/");

    private static LimitsConfig limits(int depth, int links, long archiveSize, int entries) {
        LimitsConfig d = LimitsConfig.DEFAULTS;
        return new LimitsConfig(d.metadataSize(), d.pomSize(), d.probesPerPage(), d.probesPerSecond(), depth, links,
                d.versionsPerDocument(), archiveSize, entries);
    }

    private static byte[] html(int files) {
        StringBuilder b = new StringBuilder("<!DOCTYPE html><html><body>\n");
        for (int i = 0; i < files; i++) {
            b.append("<a href=\"../../files/many-1.").append(i).append(".tar.gz#sha256=").append("0".repeat(64)).append("\">many-1.")
                    .append(i).append(".tar.gz</a>\n");
        }
        return b.append("</body></html>").toString().getBytes(StandardCharsets.UTF_8);
    }

    private static byte[] json(int files, String extra) {
        StringBuilder b = new StringBuilder("{\"meta\":{\"api-version\":\"1.1\"},\"name\":\"many\"" + extra + ",\"files\":[");
        for (int i = 0; i < files; i++) {
            b.append(i == 0 ? "" : ",").append("{\"filename\":\"many-1.").append(i).append(".tar.gz\",\"url\":\"../../files/many-1.")
                    .append(i).append(".tar.gz\",\"hashes\":{\"sha256\":\"").append("0".repeat(64)).append("\"}}");
        }
        return b.append("]}").toString().getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void aPageListingMoreFilesThanTheLimitIsRefusedInEitherFormat() throws Exception {
        LimitsConfig limits = limits(200, 1000, 1L << 30, 200_000);
        assertEquals(1000, ProjectPage.parse("many", SimpleFormat.HTML, BASE, html(1000), "text/html", limits).files().size());
        assertEquals(1000, ProjectPage.parse("many", SimpleFormat.JSON, BASE, json(1000, ""), "application/vnd.pypi.simple.v1+json",
                limits).files().size());
        for (MetadataException e : new MetadataException[]{
                assertThrows(MetadataException.class, () -> ProjectPage.parse("many", SimpleFormat.HTML, BASE, html(1001), "text/html", limits)),
                assertThrows(MetadataException.class, () -> ProjectPage.parse("many", SimpleFormat.JSON, BASE, json(1001, ""),
                        "application/vnd.pypi.simple.v1+json", limits))}) {
            assertTrue(e.getMessage().contains("limits.linksPerPage"), e.getMessage());
        }
    }

    @Test
    void jsonNestingIsBoundedByTheConfiguredDepth() throws Exception {
        String nested = ",\"x\":" + "[".repeat(30) + "]".repeat(30);
        String type = "application/vnd.pypi.simple.v1+json";
        ProjectPage.parse("many", SimpleFormat.JSON, BASE, json(1, nested), type, limits(200, 1000, 1L << 30, 200_000));
        MetadataException e = assertThrows(MetadataException.class,
                () -> ProjectPage.parse("many", SimpleFormat.JSON, BASE, json(1, nested), type, limits(20, 1000, 1L << 30, 200_000)));
        assertTrue(e.getMessage().contains("nesting depth"), e.getMessage());
    }

    @TempDir
    Path tmp;

    @Test
    void anSdistPastTheArchiveBoundsIsAnAnomaly() throws Exception {
        Dists.Spec.Builder spec = Dists.Spec.builder();
        for (int i = 0; i < 20; i++) {
            spec.extraFile("data" + i + ".bin", "0".repeat(100_000));
        }
        String filename = Dists.sdistFilename("many", "1.0");
        Path file = Files.write(tmp.resolve(filename), Dists.sdist("many", "1.0", spec.build()));
        assertEquals(java.util.List.of(), WheelInspector.inspect(filename, file, limits(200, 1000, 1L << 30, 200_000)).anomalies());
        ContentFacts small = WheelInspector.inspect(filename, file, limits(200, 1000, 1L << 20, 200_000));
        assertTrue(small.anomalies().get(0).contains("unpacks to more than 1048576"), small.toString());
        ContentFacts few = WheelInspector.inspect(filename, file, limits(200, 1000, 1L << 30, 1000));
        assertEquals(java.util.List.of(), few.anomalies(), "20 files are within 1000 entries");
    }
}
