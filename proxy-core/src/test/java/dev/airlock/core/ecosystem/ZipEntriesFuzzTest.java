package dev.airlock.core.ecosystem;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.airlock.core.testing.Fuzzing;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.ZipFile;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Resources.zipEntries' contract (docs/FUZZING.md): a zip archive's names are visited up to the
 * bound, past it an anomaly says so (as it does for a name that is not UTF-8, where the walk stops); a file that is no zip is the JDK's {@link java.util.zip.ZipException}
 * (an {@link IOException}); nothing else escapes.
 */
class ZipEntriesFuzzTest {

    private static final Path FILE = Fuzzing.tempFile(".zip");
    private static final int MAX = 3;

    @FuzzTest(maxDuration = "10s")
    @Timeout(60)
    void zipEntries(byte[] zip) throws IOException {
        Files.write(FILE, zip);
        List<String> anomalies = new ArrayList<>();
        int[] visited = {0};
        int total;
        try (ZipFile z = new ZipFile(FILE.toFile())) {
            total = z.size();
            Resources.zipEntries(z, "x.zip", name -> visited[0]++, anomalies, MAX);
        } catch (IOException expected) {
            return; // not a zip archive
        }
        boolean notUtf8 = anomalies.stream().anyMatch(a -> a.contains("not valid UTF-8"));
        assertTrue(notUtf8 ? visited[0] < Math.min(total, MAX + 1) : visited[0] == Math.min(total, MAX),
                "visited " + visited[0] + " of " + total + " entries");
        assertTrue(total <= MAX || notUtf8 || anomalies.stream().anyMatch(a -> a.contains("more than " + MAX + " entries")),
                "no anomaly for " + total + " entries");
    }
}
