package dev.airlock.core.store;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.function.Consumer;

/**
 * Content-addressed bytes: every blob is named by the SHA-256 of its content, so a name never
 * comes from a request or an upstream, a blob never changes once written, and writing the same
 * bytes twice is harmless. Airlock keeps verified artifacts in one store and metadata documents
 * in another ({@code blobs/} and {@code documents/} under the data directory by default).
 *
 * <p>New bytes are written to a local {@link BlobSpool} first, hashed while they stream, read
 * there (verified, inspected) and only then committed: a blob is visible whole or not at all,
 * whatever the store behind. Methods block (disk or network) and run on worker threads, except
 * {@link #localPath}, which only computes a name.
 */
public interface BlobStore {

    /**
     * Starts a new blob in a local temporary file. Besides SHA-256 (its address), the digests
     * named in {@code algorithms} are computed while writing, so verifying an upstream's declared
     * digest costs no second pass.
     */
    BlobSpool spool(Set<String> algorithms) throws IOException;

    /**
     * Stores a local file whose SHA-256 the caller expects (an imported bundle's blob). The bytes
     * are hashed on the way and refused when they are not that digest; the source is consumed
     * (moved or deleted). An identical blob already stored wins.
     */
    void put(Path source, String sha256) throws IOException;

    /** The blob's bytes. @throws java.nio.file.NoSuchFileException when there is none */
    InputStream open(String sha256) throws IOException;

    /** The blob's size, empty when there is none. */
    OptionalLong size(String sha256) throws IOException;

    /**
     * Whether the blob is stored.
     *
     * @throws java.io.UncheckedIOException (its cause a {@link BlobStoreUnavailableException}) when
     *                                      a store that keeps blobs elsewhere cannot be asked
     */
    boolean contains(String sha256);

    /** Removes a blob (garbage collection); nothing happens when there is none. */
    void delete(String sha256) throws IOException;

    /** Every blob's SHA-256, for garbage collection. */
    void list(Consumer<String> each) throws IOException;

    /**
     * The optional zero-copy capability: where the blob lives on a local file system, so the
     * kernel can send it to a socket without copying it through the JVM. Empty for a store
     * whose blobs are not local files (they are streamed). Computes a name only: whether the
     * file exists is found when it is opened.
     */
    default Optional<Path> localPath(String sha256) {
        return Optional.empty();
    }

    /** Throws unless the text is a lower-case hex SHA-256: only digests ever become blob names. */
    static String requireDigest(String sha256Hex) {
        if (sha256Hex == null || sha256Hex.length() != 64
                || !sha256Hex.chars().allMatch(c -> (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) {
            throw new IllegalArgumentException("not a sha256 hex digest: " + sha256Hex);
        }
        return sha256Hex;
    }
}
