package dev.airlock.scaleout.testing;

import dev.airlock.config.StorageConfig;
import org.gaul.s3proxy.AuthenticationType;
import org.gaul.s3proxy.BlobStores;
import org.gaul.s3proxy.S3Proxy;
import org.gaul.s3proxy.blobstore.BlobStore;
import software.amazon.awssdk.services.s3.S3Client;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;

/**
 * A real S3 API in the test JVM: s3proxy on a loopback port over its filesystem provider, with
 * signature checking on. It can be stopped and started again on the same port with the same
 * objects (for the fault tests), and the objects are plain files a test may damage.
 */
public final class S3Server implements AutoCloseable {

    public static final String ACCESS_KEY = "airlock-test";
    public static final String SECRET_KEY = "airlock-test-secret";

    private final Path dir;
    private final BlobStore blobs;
    private final int port;
    private S3Proxy proxy;

    private S3Server(Path dir, BlobStore blobs, int port) {
        this.dir = dir;
        this.blobs = blobs;
        this.port = port;
    }

    /** A server on a free port over a new folder. */
    public static S3Server start(Path dir) throws Exception {
        Properties p = new Properties();
        p.setProperty("jclouds.filesystem.basedir", Files.createDirectories(dir).toString());
        p.setProperty("jclouds.identity", ACCESS_KEY);
        p.setProperty("jclouds.credential", SECRET_KEY);
        int port;
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        S3Server s = new S3Server(dir, BlobStores.create("filesystem-nio2", p), port);
        s.start();
        return s;
    }

    /** Starts (again) on the same port with the same objects. */
    public synchronized void start() throws Exception {
        proxy = S3Proxy.builder().blobStore(blobs).awsAuthentication(AuthenticationType.AWS_V2_OR_V4, ACCESS_KEY, SECRET_KEY)
                .endpoint(URI.create("http://127.0.0.1:" + port)).build();
        proxy.start();
        for (int i = 0; i < 200 && !"STARTED".equals(proxy.getState()); i++) {
            Thread.sleep(25);
        }
        if (!"STARTED".equals(proxy.getState())) {
            throw new IOException("s3proxy did not start: " + proxy.getState());
        }
    }

    /** Stops answering (as an unreachable S3 would look); the objects stay. */
    public synchronized void stop() throws Exception {
        if (proxy != null) {
            proxy.stop();
            proxy = null;
        }
    }

    public URI endpoint() {
        return URI.create("http://127.0.0.1:" + port);
    }

    /** Where s3proxy keeps a bucket's objects, one file per key. */
    public Path bucketDir(String bucket) {
        return dir.resolve(bucket);
    }

    /** Creates a bucket and returns Airlock's configuration for it. */
    public StorageConfig.S3 bucket(String name, String prefix) {
        StorageConfig.S3 config = new StorageConfig.S3(name, prefix, endpoint(), "us-east-1", true,
                StorageConfig.Checksums.WHEN_REQUIRED, ACCESS_KEY, SECRET_KEY);
        try (S3Client c = dev.airlock.scaleout.s3.S3Clients.of(config)) {
            c.createBucket(b -> b.bucket(name));
        }
        return config;
    }

    @Override
    public void close() {
        try {
            stop();
        } catch (Exception e) {
            throw new IllegalStateException("cannot stop s3proxy", e);
        }
    }
}
