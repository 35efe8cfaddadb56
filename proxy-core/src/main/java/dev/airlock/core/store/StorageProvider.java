package dev.airlock.core.store;

import dev.airlock.config.StorageConfig;

import java.nio.file.Path;
import java.time.Clock;

/**
 * Storage other than the embedded default (SQLite and files under the data directory), found
 * with {@link java.util.ServiceLoader}: the scale-out module provides PostgreSQL and S3, so the
 * core carries neither driver nor SDK.
 */
public interface StorageProvider {

    /** True when this provider opens what {@code config} names ({@code storage.state}, {@code storage.blobs}). */
    boolean handles(StorageConfig config);

    /**
     * Opens the storage {@code config} names. Blocks until the state store is reachable and its
     * schema migrated, or fails with a message that names the configuration key at fault.
     *
     * @param data the replica's own data directory (temporary files, keys)
     */
    Storage open(StorageConfig config, Path data, Clock clock);
}
