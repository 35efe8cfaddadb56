package dev.airlock.core.store;

import java.nio.file.Path;

/**
 * Where a server keeps what it knows: the state store (records), the blob store of verified
 * artifacts and the blob store of metadata bodies. One value so that the embedded default and
 * other back ends are chosen in one place.
 */
public record Storage(StateStore state, BlobStore blobs, BlobStore documents) implements AutoCloseable {

    /** The embedded default: SQLite and local files under the data directory. */
    public static Storage embedded(Path dataDir) {
        StateStore state = new SqliteStateStore(dataDir);
        try {
            return new Storage(state, new FileBlobStore(dataDir), new FileBlobStore(dataDir, "documents", false));
        } catch (RuntimeException e) {
            state.close();
            throw e;
        }
    }

    @Override
    public void close() {
        state.close();
    }
}
