package dev.airlock.core.store;

/**
 * Where a server keeps what it knows: the state store (records), the blob store of verified
 * artifacts and the blob store of metadata bodies. One value so that the embedded default and
 * other back ends are chosen in one place (the embedded default: {@code SqliteStateStore.embedded}).
 *
 * @param resources what else the back end holds open (an object store's client), closed last
 */
public record Storage(StateStore state, BlobStore blobs, BlobStore documents, AutoCloseable resources) implements AutoCloseable {

    public Storage(StateStore state, BlobStore blobs, BlobStore documents) {
        this(state, blobs, documents, () -> { });
    }

    @Override
    public void close() {
        try {
            state.close();
        } finally {
            try {
                resources.close();
            } catch (Exception e) {
                System.getLogger("airlock.storage").log(System.Logger.Level.WARNING, "cannot close the storage: " + e.getMessage());
            }
        }
    }
}
