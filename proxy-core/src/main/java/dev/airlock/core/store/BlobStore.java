package dev.airlock.core.store;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * Content-addressed files under the data directory: {@code blobs/ab/cd/<sha256>}.
 *
 * <p>Durability: bytes go to a temp file in {@code tmp/} (same file system), are fsynced, then
 * atomically renamed into place, and the directory is fsynced. A reader therefore either finds
 * the whole blob or none; a crash or a failed download leaves at most a temp file, which
 * {@link #BlobStore} clears at start-up. No path from a request or from upstream data ever
 * becomes part of a file name here: names are digests.
 */
public final class BlobStore {

    private final Path blobs;
    private final Path tmp;

    public BlobStore(Path dataDir) {
        this(dataDir, true);
    }

    /**
     * The blob store of data a server may be using (the command line's import): its temporary
     * files are left alone, they may be that server's downloads in progress.
     */
    public static BlobStore shared(Path dataDir) {
        return new BlobStore(dataDir, false);
    }

    private BlobStore(Path dataDir, boolean cleanTemp) {
        this.blobs = dataDir.resolve("blobs");
        this.tmp = dataDir.resolve("tmp");
        try {
            Files.createDirectories(blobs);
            Files.createDirectories(tmp);
            if (!cleanTemp) {
                return;
            }
            try (var stale = Files.newDirectoryStream(tmp)) {
                for (Path p : stale) {
                    Files.deleteIfExists(p);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot prepare blob store under " + dataDir, e);
        }
    }

    /** Where the blob with this SHA-256 lives (whether or not it exists). */
    public Path pathOf(String sha256Hex) {
        if (sha256Hex.length() != 64 || !sha256Hex.chars().allMatch(c -> (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) {
            throw new IllegalArgumentException("not a sha256 hex digest: " + sha256Hex);
        }
        return blobs.resolve(sha256Hex.substring(0, 2)).resolve(sha256Hex.substring(2, 4)).resolve(sha256Hex);
    }

    /**
     * Moves a file whose SHA-256 the caller has verified into the store (an imported bundle's
     * blob). The file must be on the data directory's file system; an identical blob already
     * there wins and the file is dropped.
     */
    public void adopt(Path verified, String sha256Hex) throws IOException {
        Path target = pathOf(sha256Hex);
        Files.createDirectories(target.getParent());
        try {
            Files.move(verified, target, StandardCopyOption.ATOMIC_MOVE);
        } catch (FileAlreadyExistsException e) {
            Files.deleteIfExists(verified);
        }
        fsyncDirectory(target.getParent());
    }

    public boolean contains(String sha256Hex) {
        return Files.isRegularFile(pathOf(sha256Hex));
    }

    /**
     * Starts a new blob. Besides SHA-256 (its address), the digests named in {@code algorithms}
     * are computed while writing, so verifying an upstream's declared digest costs no second pass.
     */
    public Pending create(Set<String> algorithms) throws IOException {
        return new Pending(Files.createTempFile(tmp, "blob-", ".part"), algorithms);
    }

    /** A blob being written. Closing it without {@link #commit()} deletes the temp file. */
    public final class Pending extends OutputStream {
        private final Path file;
        private final FileChannel channel;
        private final Map<String, MessageDigest> digests = new LinkedHashMap<>();
        private final ByteBuffer one = ByteBuffer.allocate(1);
        private long size;
        private Map<String, byte[]> finished;
        private boolean committed;

        private Pending(Path file, Set<String> algorithms) throws IOException {
            this.file = file;
            this.channel = FileChannel.open(file, StandardOpenOption.WRITE);
            try {
                digests.put("SHA-256", MessageDigest.getInstance("SHA-256"));
                for (String a : algorithms) {
                    digests.putIfAbsent(a, MessageDigest.getInstance(a));
                }
            } catch (NoSuchAlgorithmException e) {
                channel.close();
                Files.deleteIfExists(file);
                throw new IllegalArgumentException("unsupported digest algorithm", e);
            }
        }

        @Override
        public void write(int b) throws IOException {
            one.clear();
            one.put((byte) b).flip();
            write(one);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            write(ByteBuffer.wrap(b, off, len));
        }

        private void write(ByteBuffer buf) throws IOException {
            if (finished != null) {
                throw new IllegalStateException("blob already finished");
            }
            for (MessageDigest d : digests.values()) {
                d.update(buf.duplicate());
            }
            while (buf.hasRemaining()) {
                size += channel.write(buf);
            }
        }

        public long size() {
            return size;
        }

        /** The digest of everything written; ends writing. */
        public byte[] digest(String algorithm) {
            finish();
            byte[] d = finished.get(algorithm);
            if (d == null) {
                throw new IllegalArgumentException(algorithm + " was not requested when the blob was created");
            }
            return d.clone();
        }

        public String sha256Hex() {
            return HexFormat.of().formatHex(digest("SHA-256"));
        }

        private void finish() {
            if (finished == null) {
                finished = new LinkedHashMap<>();
                digests.forEach((k, v) -> finished.put(k, v.digest()));
            }
        }

        /**
         * Makes the blob durable and visible under its SHA-256. If an identical blob already
         * exists the temp file is dropped. Returns the blob's path.
         */
        public Path commit() throws IOException {
            String sha = sha256Hex();
            channel.force(true);
            channel.close();
            Path target = pathOf(sha);
            Files.createDirectories(target.getParent());
            try {
                Files.move(file, target, StandardCopyOption.ATOMIC_MOVE);
            } catch (FileAlreadyExistsException e) {
                Files.deleteIfExists(file);
            } catch (AtomicMoveNotSupportedException e) {
                throw new IOException("the data directory's file system cannot rename atomically: " + target.getParent(), e);
            }
            fsyncDirectory(target.getParent());
            committed = true;
            return target;
        }

        @Override
        public void close() throws IOException {
            if (!committed) {
                channel.close();
                Files.deleteIfExists(file);
            }
        }
    }

    private static void fsyncDirectory(Path dir) {
        try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
            ch.force(true);
        } catch (IOException ignored) {
            // Some file systems refuse to open directories; the rename itself is still atomic there.
        }
    }
}
