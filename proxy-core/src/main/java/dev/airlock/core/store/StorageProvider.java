package dev.airlock.core.store;

import dev.airlock.config.StorageConfig;

import java.nio.file.Path;
import java.time.Clock;
import java.util.Map;
import java.util.function.Consumer;

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

    /** What a copy of a single-node store moved, and what its check found. */
    record CopyReport(Map<String, Long> rowsByTable, long blobs, long documents, long auditEntries) {
    }

    /**
     * Copies a single-node store (SQLite and files under {@code singleNodeData}, not in use by a
     * server) into the storage {@code target} names, which must be empty, then checks the copy:
     * every table's rows, every indexed file and stored document in the target, the audit chain.
     *
     * @throws IllegalStateException naming what is wrong (a target that is not empty, a copy that
     *                               does not check out)
     */
    default CopyReport copyFrom(Path singleNodeData, StorageConfig target, Clock clock, Consumer<String> progress) {
        throw new UnsupportedOperationException("this storage provider cannot copy a single-node store");
    }
}
