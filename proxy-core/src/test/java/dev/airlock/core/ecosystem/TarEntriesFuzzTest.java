package dev.airlock.core.ecosystem;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.airlock.core.testing.Fuzzing;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * TarEntries' contract (docs/FUZZING.md): a gzipped tar stream is walked to its end or to a
 * bound ({@code limits.archiveEntries}, {@code limits.archiveSize}), or the walk throws an
 * {@link IOException} (bad gzip, a cut-off stream); nothing else escapes, the visitor never sees
 * a negative size nor more bytes than it asked for.
 */
class TarEntriesFuzzTest {

    private static final Path FILE = Fuzzing.tempFile(".tar.gz");

    /** The input is the tar stream ({@link Fuzzing#gzip}). */
    @FuzzTest(maxDuration = "10s")
    @Timeout(60)
    void walk(byte[] tar) throws IOException {
        Files.write(FILE, Fuzzing.gzip(tar));
        int[] visited = {0};
        long[] read = {0};
        try {
            TarEntries.walk(FILE, new TarEntries.Visitor() {
                @Override
                public int want(String name, long size) {
                    assertTrue(size >= 0, "a negative size reached the visitor: " + size);
                    visited[0]++;
                    return 4096;
                }

                @Override
                public void read(String name, long size, byte[] head) {
                    assertTrue(head.length <= 4096 && head.length <= size, "more bytes than asked for: " + head.length);
                    read[0] += head.length;
                }
            }, Fuzzing.LIMITS);
        } catch (IOException expected) {
            // a broken stream
        }
        assertTrue(visited[0] <= Fuzzing.LIMITS.archiveEntries(), "visited " + visited[0] + " entries");
        assertTrue(read[0] <= Fuzzing.LIMITS.archiveSize(), "read " + read[0] + " bytes");
    }
}
