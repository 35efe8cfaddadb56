package dev.airlock.core.store;

/**
 * Where a server keeps what it knows: the state store (records), the blob store of verified
 * artifacts and the blob store of metadata bodies. One value so that the embedded default and
 * other back ends are chosen in one place (the embedded default: {@code SqliteStateStore.embedded}).
 */
public record Storage(StateStore state, BlobStore blobs, BlobStore documents) implements AutoCloseable {

    @Override
    public void close() {
        state.close();
    }
}
