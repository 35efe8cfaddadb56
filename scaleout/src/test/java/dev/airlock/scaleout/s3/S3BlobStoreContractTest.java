package dev.airlock.scaleout.s3;

import dev.airlock.config.StorageConfig;
import dev.airlock.core.store.BlobStore;
import dev.airlock.core.store.BlobStoreContract;
import dev.airlock.scaleout.testing.S3Server;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.s3.S3Client;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** The blob store contract on S3 (s3proxy on loopback), each store with a local cache of its own. */
class S3BlobStoreContractTest extends BlobStoreContract {

    @TempDir
    static Path shared;
    private static S3Server server;
    private static int stores;
    @TempDir
    Path tmp;
    private final List<S3Client> clients = new ArrayList<>();

    @Override
    protected BlobStore store() throws Exception {
        if (server == null) {
            server = S3Server.start(shared.resolve("s3"));
        }
        int n = stores++;
        StorageConfig.S3 config = server.bucket("contract" + n, "airlock/");
        S3Client client = S3Clients.of(config);
        clients.add(client);
        return new S3BlobStore(client, config.bucket(), config.prefix(), "blobs", new LocalBlobCache(tmp.resolve("cache" + n), 0));
    }

    @Override
    protected Path scratch() throws Exception {
        return Files.createDirectories(tmp.resolve("scratch"));
    }

    @AfterEach
    void closeClients() {
        clients.forEach(S3Client::close);
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            server.close();
            server = null;
        }
    }
}
