package dev.airlock.core.store;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * A blob being written: a local temporary file, hashed as the bytes arrive. Whoever writes it
 * reads it back through {@link #file()} (to verify and inspect it) before {@link #commit()}
 * makes it a blob of its store. Closing it without a commit deletes it, so a failed or refused
 * download leaves nothing behind.
 */
public final class BlobSpool extends OutputStream {

    /** How a store makes a finished spool one of its blobs. */
    public interface Committer {
        /**
         * @param spooled the complete temporary file (fsynced when its store is durable)
         * @return where the blob can be read locally afterwards (the spooled file itself while
         *         the spool is open, for a store that copies it elsewhere)
         */
        Path commit(Path spooled, String sha256) throws IOException;
    }

    private final Path spooled;
    private final Committer committer;
    private final boolean durable;
    private final FileChannel channel;
    private final Map<String, MessageDigest> digests = new LinkedHashMap<>();
    private final ByteBuffer one = ByteBuffer.allocate(1);
    private long size;
    private Map<String, byte[]> finished;
    private Path committed;

    BlobSpool(Path spooled, Set<String> algorithms, Committer committer) throws IOException {
        this(spooled, algorithms, committer, true);
    }

    /**
     * A spool for a store of another module (an object store): {@code spooled} is an empty local
     * file the spool writes and hashes; {@code committer} makes it a blob.
     */
    public static BlobSpool of(Path spooled, Set<String> algorithms, Committer committer, boolean durable) throws IOException {
        return new BlobSpool(spooled, algorithms, committer, durable);
    }

    /** @param durable fsync the bytes before the commit (false only for a store of copies that can be fetched again) */
    BlobSpool(Path spooled, Set<String> algorithms, Committer committer, boolean durable) throws IOException {
        this.spooled = spooled;
        this.committer = committer;
        this.durable = durable;
        this.channel = FileChannel.open(spooled, StandardOpenOption.WRITE);
        try {
            digests.put("SHA-256", MessageDigest.getInstance("SHA-256"));
            for (String a : algorithms) {
                digests.putIfAbsent(a, MessageDigest.getInstance(a));
            }
        } catch (NoSuchAlgorithmException e) {
            channel.close();
            Files.deleteIfExists(spooled);
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
     * The bytes written so far as a local file, for reading them before they are committed (an
     * inspection, a derived file). After {@link #commit()} it is still readable until close.
     */
    public Path file() {
        return committed != null ? committed : spooled;
    }

    /** Makes the blob visible (and durable, in a durable store) under its SHA-256; an identical blob already stored wins. */
    public void commit() throws IOException {
        String sha = sha256Hex();
        if (durable) {
            channel.force(true);
        }
        channel.close();
        committed = committer.commit(spooled, sha);
    }

    @Override
    public void close() throws IOException {
        channel.close();
        // The store moved it on commit, or it is abandoned: either way nothing stays in the spool.
        Files.deleteIfExists(spooled);
    }
}
