package dev.airlock.core.store;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.function.Consumer;
import java.util.stream.Stream;

/**
 * The embedded blob store: files under a folder of the data directory, {@code <root>/ab/cd/<sha256>}.
 *
 * <p>Durability: bytes are spooled to {@code <data>/tmp/} (same file system), fsynced, then
 * atomically renamed into place, and the directory is fsynced. A reader therefore finds the
 * whole blob or none; a crash or a failed download leaves at most a temporary file, which a
 * server clears when it starts. Blobs are local files, so they are sent with zero-copy.
 *
 * <p>A {@linkplain #refetchable refetchable} store skips both fsyncs for what it spools: it holds
 * copies of upstream documents, which a crash may leave missing or torn. Its reader checks every
 * blob against its name and deletes one that fails, and the document is fetched again; an fsync
 * on the way to every cold document's first byte (5–20 ms under load) buys nothing there.
 * Files {@linkplain #put put} into it (an imported bundle's documents, which nothing can fetch
 * again offline) are still made durable.
 */
public final class FileBlobStore implements BlobStore {

    private final Path root;
    private final Path tmp;
    private final boolean durable;

    /** The artifact blobs of a server's data directory ({@code <data>/blobs}); leftovers of a crash are cleared. */
    public FileBlobStore(Path dataDir) {
        this(dataDir, "blobs", true);
    }

    /**
     * A store under {@code <data>/<folder>}.
     *
     * @param cleanTemp clear leftover temporary files: only the server does, at start. The
     *                  command line on the data of a running server leaves them alone, they may
     *                  be that server's downloads in progress.
     */
    public FileBlobStore(Path dataDir, String folder, boolean cleanTemp) {
        this(dataDir, folder, cleanTemp, true);
    }

    private FileBlobStore(Path dataDir, String folder, boolean cleanTemp, boolean durable) {
        this.root = dataDir.resolve(folder);
        this.tmp = dataDir.resolve("tmp");
        this.durable = durable;
        try {
            Files.createDirectories(root);
            Files.createDirectories(tmp);
            if (cleanTemp) {
                try (var stale = Files.newDirectoryStream(tmp)) {
                    for (Path p : stale) {
                        Files.deleteIfExists(p);
                    }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot prepare the blob store under " + root, e);
        }
    }

    /** The artifact blobs of data a server may be using (the command line's export and import). */
    public static FileBlobStore shared(Path dataDir) {
        return new FileBlobStore(dataDir, "blobs", false);
    }

    /**
     * A store of copies that can be fetched again (upstream metadata documents): spooled blobs
     * are renamed into place without an fsync. Whoever reads it must check each blob against
     * its name and {@linkplain #delete delete} one that fails.
     */
    public static FileBlobStore refetchable(Path dataDir, String folder, boolean cleanTemp) {
        return new FileBlobStore(dataDir, folder, cleanTemp, false);
    }

    /** Where the blob with this SHA-256 lives (whether or not it exists). */
    public Path pathOf(String sha256Hex) {
        BlobStore.requireDigest(sha256Hex);
        return root.resolve(sha256Hex.substring(0, 2)).resolve(sha256Hex.substring(2, 4)).resolve(sha256Hex);
    }

    @Override
    public BlobSpool spool(Set<String> algorithms) throws IOException {
        return new BlobSpool(Files.createTempFile(tmp, "blob-", ".part"), algorithms, this::adopt, durable);
    }

    private Path adopt(Path file, String sha256) throws IOException {
        return adopt(file, sha256, durable);
    }

    /** Moves a complete local file into place under its digest; an identical blob already there wins. */
    private Path adopt(Path file, String sha256, boolean sync) throws IOException {
        Path target = moveIntoPlace(file, pathOf(sha256), "the data directory's file system");
        if (sync) {
            fsyncDirectory(target.getParent());
        }
        return target;
    }

    /**
     * Renames a complete file to {@code target} atomically, so a reader finds the whole blob or
     * none; a blob already there wins (it is the same bytes: the name is their digest) and the
     * file is deleted. Also for a replica's local cache of an object store.
     *
     * @param where names the file system in the error when it cannot rename atomically
     */
    public static Path moveIntoPlace(Path file, Path target, String where) throws IOException {
        Files.createDirectories(target.getParent());
        try {
            Files.move(file, target, StandardCopyOption.ATOMIC_MOVE);
        } catch (FileAlreadyExistsException e) {
            Files.deleteIfExists(file);
        } catch (AtomicMoveNotSupportedException e) {
            throw new IOException(where + " cannot rename atomically: " + target.getParent(), e);
        }
        return target;
    }

    @Override
    public void put(Path source, String sha256) throws IOException {
        BlobStore.requireDigest(sha256);
        String actual = sha256Of(source);
        if (!actual.equals(sha256)) {
            Files.deleteIfExists(source);
            throw new IOException("the bytes are " + actual + ", not the " + sha256 + " expected");
        }
        try (FileChannel ch = FileChannel.open(source, StandardOpenOption.WRITE)) {
            ch.force(true);
        }
        try {
            adopt(source, sha256, true);
        } catch (IOException differentFileSystem) {
            // The source is elsewhere: copy it beside the store first, so the final rename stays atomic.
            Path copy = Files.createTempFile(tmp, "put-", ".part");
            try {
                Files.copy(source, copy, StandardCopyOption.REPLACE_EXISTING);
                adopt(copy, sha256, true);
                Files.deleteIfExists(source);
            } finally {
                Files.deleteIfExists(copy);
            }
        }
    }

    private static String sha256Of(Path file) throws IOException {
        MessageDigest d;
        try {
            d = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
        try (InputStream in = new DigestInputStream(Files.newInputStream(file), d)) {
            in.transferTo(OutputStream.nullOutputStream());
        }
        return HexFormat.of().formatHex(d.digest());
    }

    @Override
    public InputStream open(String sha256) throws IOException {
        return Files.newInputStream(pathOf(sha256));
    }

    @Override
    public OptionalLong size(String sha256) throws IOException {
        try {
            return OptionalLong.of(Files.size(pathOf(sha256)));
        } catch (NoSuchFileException e) {
            return OptionalLong.empty();
        }
    }

    @Override
    public boolean contains(String sha256) {
        return Files.isRegularFile(pathOf(sha256));
    }

    @Override
    public void delete(String sha256) throws IOException {
        Files.deleteIfExists(pathOf(sha256));
    }

    @Override
    public void list(Consumer<String> each) throws IOException {
        try (Stream<Path> files = Files.walk(root, 3)) {
            files.filter(Files::isRegularFile).map(p -> p.getFileName().toString())
                    .filter(name -> name.length() == 64 && name.chars().allMatch(c -> (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f')))
                    .forEach(each);
        }
    }

    @Override
    public Optional<Path> localPath(String sha256) {
        return Optional.of(pathOf(sha256));
    }

    private static void fsyncDirectory(Path dir) {
        try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
            ch.force(true);
        } catch (IOException ignored) {
            // Some file systems refuse to open directories; the rename itself is still atomic there.
        }
    }
}
