package dev.airlock.scaleout;

import dev.airlock.config.StorageConfig;
import dev.airlock.core.store.FileBlobStore;
import dev.airlock.core.store.StateStore;
import dev.airlock.core.store.Storage;
import dev.airlock.core.store.StorageProvider;
import dev.airlock.scaleout.postgres.PostgresStateStore;

import java.nio.file.Path;
import java.time.Clock;

/**
 * Opens the storage of {@code storage.state.postgres}: the state store in PostgreSQL, and for
 * now the blobs in files under the data directory (one node on PostgreSQL). The S3 blob store
 * that replicas share comes with its own provider part; until then a configuration naming
 * {@code storage.blobs.s3} is refused at start rather than run on local files.
 */
public final class ScaleOutStorage implements StorageProvider {

    @Override
    public boolean handles(StorageConfig config) {
        return config.postgres() != null && config.s3() == null;
    }

    @Override
    public Storage open(StorageConfig config, Path data, Clock clock) {
        StateStore state = PostgresStateStore.open(config.postgres(), clock);
        try {
            return new Storage(state, new FileBlobStore(data), FileBlobStore.refetchable(data, "documents", false));
        } catch (RuntimeException e) {
            state.close();
            throw e;
        }
    }
}
