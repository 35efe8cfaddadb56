package dev.airlock.scaleout.s3;

import dev.airlock.core.store.BlobSpool;
import dev.airlock.core.store.BlobStore;
import dev.airlock.core.store.BlobStoreUnavailableException;
import dev.airlock.core.store.FileBlobStore;
import software.amazon.awssdk.core.ResponseInputStream;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;
import software.amazon.awssdk.services.s3.model.ListObjectsV2Request;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;
import software.amazon.awssdk.services.s3.model.S3Exception;
import software.amazon.awssdk.services.s3.model.S3Object;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.function.Consumer;

/**
 * Blobs in an S3 bucket, under {@code <prefix><folder>/ab/cd/<sha256>}, with a replica's
 * {@link LocalBlobCache} in front.
 *
 * <p>A new blob is spooled and hashed locally, uploaded when committed (S3's acknowledgement is
 * its durability, so the spool is not fsynced), then renamed into the local cache, from which
 * the replica sends it with zero-copy. A blob missing locally is downloaded whole into the cache
 * and checked against its name before anyone reads it: a bucket that returns other bytes is an
 * error, never content. Blobs are content-addressed, so two replicas uploading the same one
 * write the same bytes.
 */
public final class S3BlobStore implements BlobStore {

    private final S3Client client;
    private final String bucket;
    private final String keyPrefix;
    private final String folder;
    private final LocalBlobCache cache;

    /**
     * @param prefix the configured key prefix ("" or ending with '/')
     * @param folder this store's part of the bucket and of the cache ({@code blobs}, {@code documents})
     */
    public S3BlobStore(S3Client client, String bucket, String prefix, String folder, LocalBlobCache cache) {
        this.client = client;
        this.bucket = bucket;
        this.keyPrefix = prefix + folder + "/";
        this.folder = folder;
        this.cache = cache;
    }

    /** Where the blob is (or would be) in the local cache; only a digest is ever a name. */
    private Path cached(String sha256) {
        BlobStore.requireDigest(sha256);
        return cache.pathOf(folder, sha256);
    }

    String key(String sha256) {
        BlobStore.requireDigest(sha256);
        return keyPrefix + sha256.substring(0, 2) + "/" + sha256.substring(2, 4) + "/" + sha256;
    }

    @Override
    public BlobSpool spool(Set<String> algorithms) throws IOException {
        return BlobSpool.of(cache.newTemp("blob-"), algorithms, this::commit, false);
    }

    private Path commit(Path spooled, String sha256) throws IOException {
        upload(spooled, sha256);
        return adopt(spooled, sha256);
    }

    private void upload(Path file, String sha256) throws IOException {
        long size = Files.size(file);
        try {
            client.putObject(b -> b.bucket(bucket).key(key(sha256)).contentLength(size)
                    .contentType("application/octet-stream"), RequestBody.fromFile(file));
        } catch (SdkException e) {
            throw failure("cannot upload " + sha256, e);
        }
    }

    /** Renames a complete local file into the cache under its digest; an identical one already there wins. */
    private Path adopt(Path file, String sha256) throws IOException {
        Path target = FileBlobStore.moveIntoPlace(file, cached(sha256), "storage.localCache.path");
        cache.admitted(target);
        return target;
    }

    @Override
    public void put(Path source, String sha256) throws IOException {
        try {
            copyIn(source, sha256);
        } finally {
            Files.deleteIfExists(source); // consumed, stored or refused
        }
    }

    /** {@link #put} that leaves the source where it is (copying another store's blob). */
    public void copyIn(Path source, String sha256) throws IOException {
        BlobStore.requireDigest(sha256);
        Path copy = cache.newTemp("put-");
        try {
            String actual;
            try (InputStream in = Files.newInputStream(source)) {
                actual = copyHashing(in, copy);
            }
            if (!actual.equals(sha256)) {
                throw new IOException("the bytes are " + actual + ", not the " + sha256 + " expected");
            }
            upload(copy, sha256);
            adopt(copy, sha256);
        } finally {
            Files.deleteIfExists(copy);
        }
    }

    @Override
    public InputStream open(String sha256) throws IOException {
        return Files.newInputStream(local(sha256));
    }

    /** The blob as a file of the local cache, downloaded and checked first when it is not there. */
    private Path local(String sha256) throws IOException {
        Path p = cached(sha256);
        if (Files.isRegularFile(p)) {
            cache.used(p);
            return p;
        }
        Path part = cache.newTemp("get-");
        try {
            String actual;
            try (ResponseInputStream<GetObjectResponse> in = client.getObject(b -> b.bucket(bucket).key(key(sha256)))) {
                actual = copyHashing(in, part);
            } catch (NoSuchKeyException e) {
                throw new NoSuchFileException(key(sha256));
            } catch (S3Exception e) {
                if (e.statusCode() == 404) {
                    throw new NoSuchFileException(key(sha256));
                }
                throw failure("cannot download " + sha256, e);
            } catch (SdkException e) {
                throw failure("cannot download " + sha256, e);
            }
            if (!actual.equals(sha256)) {
                throw new IOException("the object " + key(sha256) + " in bucket " + bucket + " is " + actual
                        + ", not the bytes its name says; not served");
            }
            return adopt(part, sha256);
        } finally {
            Files.deleteIfExists(part);
        }
    }

    @Override
    public OptionalLong size(String sha256) throws IOException {
        Path p = cached(sha256);
        if (Files.isRegularFile(p)) {
            return OptionalLong.of(Files.size(p));
        }
        try {
            return OptionalLong.of(client.headObject(b -> b.bucket(bucket).key(key(sha256))).contentLength());
        } catch (NoSuchKeyException e) {
            return OptionalLong.empty();
        } catch (S3Exception e) {
            if (e.statusCode() == 404) {
                return OptionalLong.empty();
            }
            throw failure("cannot ask for " + sha256, e);
        } catch (SdkException e) {
            throw failure("cannot ask for " + sha256, e);
        }
    }

    @Override
    public boolean contains(String sha256) {
        if (Files.isRegularFile(cached(sha256))) {
            return true;
        }
        try {
            return size(sha256).isPresent();
        } catch (IOException e) {
            // "Absent" would send the caller upstream for bytes the bucket may well hold.
            throw new java.io.UncheckedIOException(e);
        }
    }

    @Override
    public void delete(String sha256) throws IOException {
        try {
            client.deleteObject(b -> b.bucket(bucket).key(key(sha256)));
        } catch (SdkException e) {
            throw failure("cannot delete " + sha256, e);
        }
        cache.remove(cached(sha256));
    }

    @Override
    public void list(Consumer<String> each) throws IOException {
        try {
            for (S3Object o : client.listObjectsV2Paginator(ListObjectsV2Request.builder().bucket(bucket).prefix(keyPrefix).build())
                    .contents()) {
                String name = o.key().substring(o.key().lastIndexOf('/') + 1);
                if (name.length() == 64 && name.chars().allMatch(c -> (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))
                        && o.key().equals(key(name))) {
                    each.accept(name);
                }
            }
        } catch (SdkException e) {
            throw failure("cannot list " + keyPrefix, e);
        }
    }

    @Override
    public Optional<Path> localPath(String sha256) {
        Path p = cached(sha256);
        cache.used(p);
        return Optional.of(p);
    }

    /** A request S3 answered with an error is an I/O failure; one it never answered means S3 is out of reach. */
    private IOException failure(String what, SdkException e) {
        String message = "S3 bucket " + bucket + ": " + what + ": " + e.getMessage();
        return e instanceof S3Exception ? new IOException(message, e) : new BlobStoreUnavailableException(message, e);
    }

    private static String copyHashing(InputStream in, Path to) throws IOException {
        MessageDigest d;
        try {
            d = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
        try (InputStream hashed = new DigestInputStream(in, d); OutputStream out = Files.newOutputStream(to)) {
            hashed.transferTo(out);
        }
        return HexFormat.of().formatHex(d.digest());
    }
}
