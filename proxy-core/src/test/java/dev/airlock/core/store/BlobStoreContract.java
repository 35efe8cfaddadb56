package dev.airlock.core.store;

import org.junit.jupiter.api.Test;

import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.OptionalLong;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What every {@link BlobStore} promises, whatever keeps the bytes: a subclass supplies a fresh,
 * empty store (and a scratch folder), and the same tests run against it. The embedded file store
 * runs them here; another back end runs them with no change.
 */
public abstract class BlobStoreContract {

    /** A new, empty store. */
    protected abstract BlobStore store() throws Exception;

    /** A folder for files the test hands to {@link BlobStore#put}. */
    protected abstract Path scratch() throws Exception;

    protected static String sha256(byte[] b) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(b));
    }

    private static String commit(BlobStore store, byte[] content) throws Exception {
        try (BlobSpool p = store.spool(Set.of())) {
            p.write(content);
            p.commit();
            return p.sha256Hex();
        }
    }

    @Test
    void aCommittedBlobIsReadBackWholeUnderItsDigest() throws Exception {
        // Hashed while written (with the extra digests asked for); readable, sized and listed once committed.
        BlobStore store = store();
        byte[] content = "hello blob".getBytes(StandardCharsets.UTF_8);
        String sha;
        try (BlobSpool p = store.spool(Set.of("SHA-512", "SHA-1"))) {
            p.write(content, 0, 5);
            p.write(content, 5, content.length - 5);
            assertArrayEquals(MessageDigest.getInstance("SHA-512").digest(content), p.digest("SHA-512"));
            assertArrayEquals(MessageDigest.getInstance("SHA-1").digest(content), p.digest("SHA-1"));
            assertArrayEquals(content, Files.readAllBytes(p.file()), "readable from the spool before the commit");
            sha = p.sha256Hex();
            assertFalse(store.contains(sha), "not a blob before the commit");
            p.commit();
            assertArrayEquals(content, Files.readAllBytes(p.file()), "and still until the spool closes");
        }
        assertEquals(sha256(content), sha);
        assertTrue(store.contains(sha));
        try (InputStream in = store.open(sha)) {
            assertArrayEquals(content, in.readAllBytes());
        }
        assertEquals(OptionalLong.of(content.length), store.size(sha));
        List<String> all = new ArrayList<>();
        store.list(all::add);
        assertEquals(List.of(sha), all);
    }

    @Test
    void anAbandonedSpoolLeavesNothing() throws Exception {
        // Closing without a commit (a failed or refused download) leaves no blob and no spool file.
        BlobStore store = store();
        Path spooled;
        try (BlobSpool p = store.spool(Set.of())) {
            p.write(new byte[1000]);
            spooled = p.file();
        }
        assertFalse(Files.exists(spooled));
        List<String> all = new ArrayList<>();
        store.list(all::add);
        assertEquals(List.of(), all);
        assertFalse(store.contains(sha256(new byte[1000])));
    }

    @Test
    void theSameBytesTwiceAreOneBlob() throws Exception {
        BlobStore store = store();
        String a = commit(store, "same".getBytes(StandardCharsets.UTF_8));
        String b = commit(store, "same".getBytes(StandardCharsets.UTF_8));
        assertEquals(a, b);
        List<String> all = new ArrayList<>();
        store.list(all::add);
        assertEquals(1, all.size());
    }

    @Test
    void putStoresOnlyTheExpectedBytes() throws Exception {
        // An imported file becomes a blob when it is the digest expected, and is refused when it is not.
        BlobStore store = store();
        byte[] good = "imported".getBytes(StandardCharsets.UTF_8);
        Path file = Files.write(scratch().resolve("good"), good);
        store.put(file, sha256(good));
        assertTrue(store.contains(sha256(good)));
        byte[] other = "other bytes".getBytes(StandardCharsets.UTF_8);
        Path lying = Files.write(scratch().resolve("lying"), other);
        String claimed = sha256("claimed bytes".getBytes(StandardCharsets.UTF_8));
        assertThrows(java.io.IOException.class, () -> store.put(lying, claimed));
        assertFalse(store.contains(claimed));
        assertFalse(store.contains(sha256(other)));
    }

    @Test
    void deleteRemovesAndAbsentBlobsSaySo() throws Exception {
        BlobStore store = store();
        String sha = commit(store, "doomed".getBytes(StandardCharsets.UTF_8));
        store.delete(sha);
        assertFalse(store.contains(sha));
        assertEquals(OptionalLong.empty(), store.size(sha));
        assertThrows(NoSuchFileException.class, () -> store.open(sha).close());
        store.delete(sha); // nothing there: no error
    }

    @Test
    void onlyDigestsAreNames() throws Exception {
        // No text from a request or an upstream ever becomes a blob's name.
        BlobStore store = store();
        assertThrows(IllegalArgumentException.class, () -> store.contains("../../etc/passwd"));
        assertThrows(IllegalArgumentException.class, () -> store.open("A".repeat(64)));
        assertThrows(IllegalArgumentException.class, () -> store.delete("0".repeat(63)));
    }
}
