package dev.airlock.scaleout;

import dev.airlock.config.StorageConfig;
import dev.airlock.core.store.BlobStore;
import dev.airlock.core.store.FileBlobStore;
import dev.airlock.core.store.StateStore;
import dev.airlock.core.store.Storage;
import dev.airlock.core.store.StorageProvider;
import dev.airlock.scaleout.postgres.PostgresStateStore;
import dev.airlock.scaleout.s3.LocalBlobCache;
import dev.airlock.scaleout.s3.S3BlobStore;
import dev.airlock.scaleout.s3.S3Clients;
import software.amazon.awssdk.services.s3.S3Client;

import java.nio.file.Path;
import java.time.Clock;

/**
 * Opens what {@code storage.state.postgres} and {@code storage.blobs.s3} name: the state store in
 * PostgreSQL, and the blobs (artifacts, and metadata bodies under a folder of their own) in S3
 * behind the replica's {@code storage.localCache}. PostgreSQL with local files is one node on
 * PostgreSQL; S3 without PostgreSQL is refused, since the index of what the bucket holds would
 * then live on one replica's disk.
 */
public final class ScaleOutStorage implements StorageProvider {

    @Override
    public boolean handles(StorageConfig config) {
        return config.postgres() != null || config.s3() != null;
    }

    @Override
    public CopyReport copyFrom(Path singleNodeData, StorageConfig target, Clock clock, java.util.function.Consumer<String> progress) {
        return dev.airlock.scaleout.migrate.SingleNodeCopy.run(singleNodeData, target, clock, progress);
    }

    @Override
    public Storage open(StorageConfig config, Path data, Clock clock) {
        if (config.postgres() == null) {
            throw new IllegalStateException("storage.blobs.s3 needs storage.state.postgres: the index of what the bucket holds"
                    + " is kept with the rest of the state, which replicas share");
        }
        StateStore state = PostgresStateStore.open(config.postgres(), clock);
        S3Client client = null;
        try {
            if (config.s3() == null) {
                return new Storage(state, new FileBlobStore(data), FileBlobStore.refetchable(data, "documents", false));
            }
            client = S3Clients.of(config.s3());
            String bucket = config.s3().bucket();
            client.headBucket(b -> b.bucket(bucket));
            LocalBlobCache cache = new LocalBlobCache(config.localCache().path(), config.localCache().maxSize());
            BlobStore blobs = new S3BlobStore(client, bucket, config.s3().prefix(), "blobs", cache);
            BlobStore documents = new S3BlobStore(client, bucket, config.s3().prefix(), "documents", cache);
            return new Storage(state, blobs, documents, client);
        } catch (RuntimeException e) {
            state.close();
            if (client != null) {
                client.close();
            }
            if (e instanceof software.amazon.awssdk.core.exception.SdkException) {
                throw new IllegalStateException("storage.blobs.s3: cannot reach bucket " + config.s3().bucket() + " at "
                        + (config.s3().endpoint() == null ? "AWS region " + config.s3().region() : config.s3().endpoint()) + ": "
                        + e.getMessage(), e);
            }
            throw e;
        }
    }
}
