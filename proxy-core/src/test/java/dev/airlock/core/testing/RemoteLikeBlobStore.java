package dev.airlock.core.testing;

import dev.airlock.core.store.BlobSpool;
import dev.airlock.core.store.BlobStore;
import dev.airlock.core.store.FileBlobStore;
import dev.airlock.core.store.sql.SqliteStateStore;
import dev.airlock.core.store.Storage;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/**
 * A real file store that does not offer the zero-copy capability, as an object store would not:
 * the server must stream its blobs. Counts the streams it opens, so a test can tell that bytes
 * really came through {@link #open}.
 */
public final class RemoteLikeBlobStore implements BlobStore {

    private final FileBlobStore files;
    private final AtomicInteger opened = new AtomicInteger();

    public RemoteLikeBlobStore(FileBlobStore files) {
        this.files = files;
    }

    /** Embedded SQLite, with both blob stores streamed. */
    public static Storage storage(Path data) {
        return new Storage(new SqliteStateStore(data), new RemoteLikeBlobStore(new FileBlobStore(data)),
                new RemoteLikeBlobStore(new FileBlobStore(data, "documents", false)));
    }

    public int opened() {
        return opened.get();
    }

    @Override
    public BlobSpool spool(Set<String> algorithms) throws IOException {
        return files.spool(algorithms);
    }

    @Override
    public void put(Path source, String sha256) throws IOException {
        files.put(source, sha256);
    }

    @Override
    public InputStream open(String sha256) throws IOException {
        opened.incrementAndGet();
        return files.open(sha256);
    }

    @Override
    public OptionalLong size(String sha256) throws IOException {
        return files.size(sha256);
    }

    @Override
    public boolean contains(String sha256) {
        return files.contains(sha256);
    }

    @Override
    public void delete(String sha256) throws IOException {
        files.delete(sha256);
    }

    @Override
    public void list(Consumer<String> each) throws IOException {
        files.list(each);
    }
}
