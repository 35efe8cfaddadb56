package dev.airlock.core.store;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The embedded blob store: the contract, plus its layout on disk and its clean start. */
class FileBlobStoreTest extends BlobStoreContract {

    @TempDir
    Path data;

    @Override
    protected BlobStore store() {
        return new FileBlobStore(data);
    }

    @Override
    protected Path scratch() throws Exception {
        return Files.createDirectories(data.resolve("scratch"));
    }

    @Test
    void blobsLiveAtTheirDigestAndAreLocalFiles() throws Exception {
        // blobs/ab/cd/<sha256>, and the zero-copy capability names that file.
        FileBlobStore store = new FileBlobStore(data);
        String sha;
        try (BlobSpool p = store.spool(Set.of())) {
            p.write("on disk".getBytes(StandardCharsets.UTF_8));
            p.commit();
            sha = p.sha256Hex();
        }
        Path file = data.resolve("blobs").resolve(sha.substring(0, 2)).resolve(sha.substring(2, 4)).resolve(sha);
        assertEquals(file, store.pathOf(sha));
        assertEquals(file, store.localPath(sha).orElseThrow());
        assertEquals("on disk", Files.readString(file));
        assertEquals(0, count(data.resolve("tmp")));
    }

    @Test
    void leftoverSpoolFilesAreClearedWhenAServerStartsButNotByTheCommandLine() throws Exception {
        // A crash mid-download leaves a spool file; the next server start removes it. The command
        // line beside a running server must not: it may be that server's download in progress.
        Files.createDirectories(data.resolve("tmp"));
        Files.writeString(data.resolve("tmp").resolve("blob-1.part"), "half");
        FileBlobStore.shared(data);
        assertTrue(Files.exists(data.resolve("tmp").resolve("blob-1.part")));
        new FileBlobStore(data);
        assertEquals(0, count(data.resolve("tmp")));
    }

    private static long count(Path dir) throws Exception {
        try (Stream<Path> s = Files.walk(dir)) {
            return s.filter(Files::isRegularFile).count();
        }
    }
}
