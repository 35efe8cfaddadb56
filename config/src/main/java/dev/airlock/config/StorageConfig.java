package dev.airlock.config;

import java.net.URI;
import java.nio.file.Path;
import java.util.Objects;

/**
 * Where Airlock keeps its data.
 *
 * <p>Without {@code state} and {@code blobs}, the single-node default: SQLite and files under
 * {@code path}. Replicas share a PostgreSQL state store and an S3 bucket, and each keeps a disk
 * cache of its own in front of the bucket.
 *
 * @param path       the data directory (artifacts, metadata, state, keys); a relative path is taken
 *                   against the working directory, as given, never resolved here. Replicas keep
 *                   their signing keys and temporary files there.
 * @param maxSize    bytes of cached files kept before the least recently asked for are evicted;
 *                   0 for no bound
 * @param postgres   the shared state store, or null for SQLite under {@code path}
 * @param s3         the shared blob store, or null for files under {@code path}
 * @param localCache a replica's disk cache in front of {@code s3}; null without {@code s3}
 */
public record StorageConfig(Path path, long maxSize, Postgres postgres, S3 s3, LocalCache localCache) {

    public StorageConfig {
        Objects.requireNonNull(path, "path");
        Checks.nonNegative("maxSize", maxSize);
        if (localCache != null && s3 == null) {
            throw new IllegalArgumentException("localCache applies only in front of an S3 blob store");
        }
    }

    /** The single-node store under {@code path}, unbounded. */
    public StorageConfig(Path path) {
        this(path, 0, null, null, null);
    }

    /** True when several replicas can share this storage (state and blobs outside the data directory). */
    public boolean shared() {
        return postgres != null && s3 != null;
    }

    public StorageConfig withPath(Path p) {
        return new StorageConfig(p, maxSize, postgres, s3, localCache);
    }

    /**
     * A PostgreSQL state store.
     *
     * @param url      a {@code jdbc:postgresql://} URL
     * @param user     the role Airlock logs in as (it owns the schema it migrates)
     * @param password the role's password, or null for none (trust or peer authentication)
     * @param poolSize connections each replica keeps open, besides one that listens for changes
     */
    public record Postgres(String url, String user, String password, int poolSize) {

        static final IntRange POOL_SIZE = new IntRange(1, 1000);
        public static final int DEFAULT_POOL_SIZE = 10;

        public Postgres {
            Objects.requireNonNull(url, "url");
            Objects.requireNonNull(user, "user");
            POOL_SIZE.check("poolSize", poolSize);
        }

        @Override
        public String toString() {
            return "Postgres[url=" + url + ", user=" + user + ", password=" + (password == null ? "none" : "***")
                    + ", poolSize=" + poolSize + "]";
        }
    }

    /**
     * An S3-compatible blob store.
     *
     * @param bucket          the bucket, which must exist
     * @param prefix          prepended to every object key ("" for none; otherwise ends with '/')
     * @param endpoint        the service's URL, or null for AWS's own endpoint of {@code region}
     * @param region          the signing region
     * @param pathStyle       address the bucket in the path rather than the host name (most
     *                        self-hosted S3 servers need it)
     * @param checksums       when the SDK adds its own checksums to uploads: some S3-compatible
     *                        stores refuse the SDK's default CRC32 headers
     * @param accessKeyId     static credentials, or null for the SDK's default chain (environment,
     *                        profile, instance role)
     * @param secretAccessKey the secret of {@code accessKeyId}
     */
    public record S3(String bucket, String prefix, URI endpoint, String region, boolean pathStyle, Checksums checksums,
                     String accessKeyId, String secretAccessKey) {

        public S3 {
            Objects.requireNonNull(bucket, "bucket");
            Objects.requireNonNull(prefix, "prefix");
            Objects.requireNonNull(region, "region");
            Objects.requireNonNull(checksums, "checksums");
            if ((accessKeyId == null) != (secretAccessKey == null)) {
                throw new IllegalArgumentException("accessKeyId and secretAccessKey go together");
            }
        }

        @Override
        public String toString() {
            return "S3[bucket=" + bucket + ", prefix=" + prefix + ", endpoint=" + endpoint + ", region=" + region
                    + ", pathStyle=" + pathStyle + ", checksums=" + checksums
                    + ", credentials=" + (accessKeyId == null ? "default chain" : accessKeyId + "/***") + "]";
        }
    }

    /** When the S3 client computes and sends checksums of uploads. */
    public enum Checksums {
        /** Only where the operation requires one (works with every S3-compatible store). */
        WHEN_REQUIRED,
        /** On every upload where the SDK can (AWS's default). */
        WHEN_SUPPORTED
    }

    /**
     * A replica's own disk cache of blobs from S3: hot files are sent from it with zero-copy, and
     * the least recently used are evicted past {@code maxSize}.
     */
    public record LocalCache(Path path, long maxSize) {

        public LocalCache {
            Objects.requireNonNull(path, "path");
            Checks.nonNegative("maxSize", maxSize);
        }
    }
}
