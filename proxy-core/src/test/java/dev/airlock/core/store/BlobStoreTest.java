package dev.airlock.core.store;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.Set;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Blobs become visible whole under their SHA-256 or not at all. */
class BlobStoreTest {

    @TempDir
    Path data;

    @Test
    void committedBlobLivesAtItsDigest() throws Exception {
        // Bytes are hashed while written; commit moves them to blobs/ab/cd/<sha256> with the digests asked for.
        BlobStore store = new BlobStore(data);
        byte[] content = "hello blob".getBytes(StandardCharsets.UTF_8);
        String sha;
        try (BlobStore.Pending p = store.create(Set.of("SHA-512", "SHA-1"))) {
            p.write(content, 0, 5);
            p.write(content, 5, content.length - 5);
            assertArrayEquals(MessageDigest.getInstance("SHA-512").digest(content), p.digest("SHA-512"));
            assertArrayEquals(MessageDigest.getInstance("SHA-1").digest(content), p.digest("SHA-1"));
            sha = p.sha256Hex();
            p.commit();
        }
        assertEquals(HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(content)), sha);
        Path file = store.pathOf(sha);
        assertEquals(data.resolve("blobs").resolve(sha.substring(0, 2)).resolve(sha.substring(2, 4)).resolve(sha), file);
        assertArrayEquals(content, Files.readAllBytes(file));
        assertTrue(store.contains(sha));
        assertEquals(0, count(data.resolve("tmp")));
    }

    @Test
    void abandonedBlobLeavesNothing() throws Exception {
        // Closing without commit (a failed download) deletes the temp file; nothing appears under blobs/.
        BlobStore store = new BlobStore(data);
        try (BlobStore.Pending p = store.create(Set.of())) {
            p.write(new byte[1000], 0, 1000);
        }
        assertEquals(0, count(data.resolve("tmp")));
        assertEquals(0, count(data.resolve("blobs")));
    }

    @Test
    void sameBytesTwiceIsOneBlob() throws Exception {
        // Content addressing: committing identical bytes again keeps one file.
        BlobStore store = new BlobStore(data);
        for (int i = 0; i < 2; i++) {
            try (BlobStore.Pending p = store.create(Set.of())) {
                p.write("same".getBytes(), 0, 4);
                p.commit();
            }
        }
        assertEquals(1, count(data.resolve("blobs")));
    }

    @Test
    void leftoverTempFilesAreClearedAtStartAndNamesAreDigestsOnly() throws Exception {
        // A crash mid-download leaves a temp file that the next start removes; non-digest names are refused.
        Files.createDirectories(data.resolve("tmp"));
        Files.writeString(data.resolve("tmp").resolve("blob-1.part"), "half");
        BlobStore store = new BlobStore(data);
        assertEquals(0, count(data.resolve("tmp")));
        assertThrows(IllegalArgumentException.class, () -> store.pathOf("../../etc/passwd"));
        assertThrows(IllegalArgumentException.class, () -> store.pathOf("A".repeat(64)));
        assertFalse(store.contains("0".repeat(64)));
    }

    private static long count(Path dir) throws Exception {
        try (Stream<Path> s = Files.walk(dir)) {
            return s.filter(Files::isRegularFile).count();
        }
    }
}
