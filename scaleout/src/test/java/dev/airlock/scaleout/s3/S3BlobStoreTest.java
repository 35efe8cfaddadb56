package dev.airlock.scaleout.s3;

import dev.airlock.config.StorageConfig;
import dev.airlock.core.store.BlobSpool;
import dev.airlock.scaleout.testing.S3Server;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.s3.S3Client;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** What the S3 store adds to the contract: replicas' local caches, damaged objects, an unreachable S3. */
class S3BlobStoreTest {

    @TempDir
    Path tmp;
    private S3Server server;
    private StorageConfig.S3 config;
    private final List<S3Client> clients = new ArrayList<>();

    private S3BlobStore replica(String name, long cacheSize) throws Exception {
        if (server == null) {
            server = S3Server.start(tmp.resolve("s3"));
            config = server.bucket("shared", "");
        }
        S3Client c = S3Clients.of(config);
        clients.add(c);
        return new S3BlobStore(c, config.bucket(), config.prefix(), "blobs", new LocalBlobCache(tmp.resolve(name), cacheSize));
    }

    @AfterEach
    void stop() {
        clients.forEach(S3Client::close);
        if (server != null) {
            server.close();
        }
    }

    private static String commit(S3BlobStore store, String text) throws IOException {
        try (BlobSpool p = store.spool(Set.of())) {
            p.write(text.getBytes(StandardCharsets.UTF_8));
            p.commit();
            return p.sha256Hex();
        }
    }

    private static byte[] read(S3BlobStore store, String sha) throws IOException {
        try (InputStream in = store.open(sha)) {
            return in.readAllBytes();
        }
    }

    @Test
    void aBlobOneReplicaStoredIsReadByAnotherThroughItsOwnCache() throws Exception {
        S3BlobStore one = replica("one", 0);
        S3BlobStore two = replica("two", 0);
        String sha = commit(one, "shared bytes");
        Path local = two.localPath(sha).orElseThrow();
        assertFalse(Files.exists(local), "nothing local before the first read");
        assertArrayEquals("shared bytes".getBytes(StandardCharsets.UTF_8), read(two, sha));
        assertTrue(Files.isRegularFile(local), "kept locally for zero-copy sends");
    }

    @Test
    void anObjectThatIsNotItsNamesBytesIsRefusedAndNotCached() throws Exception {
        S3BlobStore one = replica("one", 0);
        S3BlobStore two = replica("two", 0);
        String sha = commit(one, "the real bytes");
        // Someone with write access to the bucket swaps the object's content.
        Path object;
        try (Stream<Path> files = Files.walk(server.bucketDir("shared"))) {
            object = files.filter(p -> p.getFileName().toString().equals(sha)).findFirst().orElseThrow();
        }
        Files.writeString(object, "other bytes!!!");
        IOException e = assertThrows(IOException.class, () -> read(two, sha));
        assertTrue(e.getMessage().contains("not the bytes its name says"), e.getMessage());
        assertFalse(Files.exists(two.localPath(sha).orElseThrow()));
    }

    @Test
    void withS3DownCachedBlobsAreStillReadAndOthersFailClearly() throws Exception {
        S3BlobStore one = replica("one", 0);
        S3BlobStore two = replica("two", 0);
        String sha = commit(one, "cached here");
        server.stop();
        assertArrayEquals("cached here".getBytes(StandardCharsets.UTF_8), read(one, sha));
        assertTrue(one.contains(sha));
        assertThrows(java.io.UncheckedIOException.class, () -> two.contains(sha), "not \"absent\": it cannot ask");
        IOException e = assertThrows(IOException.class, () -> read(two, sha));
        assertTrue(e.getMessage().startsWith("S3 bucket shared: cannot download"), e.getMessage());
        server.start();
        assertArrayEquals("cached here".getBytes(StandardCharsets.UTF_8), read(two, sha));
    }

    @Test
    void theLocalCacheEvictsTheLeastRecentlyUsedAndS3StillHasThem() throws Exception {
        // Each blob is 10 bytes; the cache keeps 25.
        S3BlobStore store = replica("small", 25);
        String a = commit(store, "aaaaaaaaaa");
        String b = commit(store, "bbbbbbbbbb");
        read(store, a); // a is now used more recently than b
        String c = commit(store, "cccccccccc");
        assertTrue(Files.exists(store.localPath(a).orElseThrow()));
        assertFalse(Files.exists(store.localPath(b).orElseThrow()), "the least recently used went");
        assertTrue(Files.exists(store.localPath(c).orElseThrow()));
        assertArrayEquals("bbbbbbbbbb".getBytes(StandardCharsets.UTF_8), read(store, b), "fetched back from S3");
    }

    @Test
    void aRestartedReplicaKnowsWhatItsCacheHolds() throws Exception {
        S3BlobStore before = replica("kept", 25);
        String a = commit(before, "aaaaaaaaaa");
        String b = commit(before, "bbbbbbbbbb");
        LocalBlobCache again = new LocalBlobCache(tmp.resolve("kept"), 25);
        assertEquals(20, again.bytes());
        assertEquals(0, again.evictions());
        assertTrue(Files.exists(again.pathOf("blobs", a)) && Files.exists(again.pathOf("blobs", b)));
    }
}
