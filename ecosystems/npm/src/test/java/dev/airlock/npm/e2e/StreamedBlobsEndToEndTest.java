package dev.airlock.npm.e2e;

import dev.airlock.core.store.Storage;
import dev.airlock.core.testing.ClientProcess;
import dev.airlock.core.testing.RemoteLikeBlobStore;
import dev.airlock.core.testing.RunningAirlock;
import dev.airlock.npm.fixture.FixtureNpmRegistry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A blob store without local files (as an object store is): npm installs through Airlock cold
 * and warm, and every file it gets was streamed from the store, byte for byte what upstream
 * published. The zero-copy send is an optional capability, not a requirement.
 */
class StreamedBlobsEndToEndTest {

    @TempDir
    Path tmp;

    private static String sha256(byte[] b) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(b));
    }

    @Test
    void npmInstallsColdAndWarmFromAStoreThatOnlyStreams() throws Exception {
        // 700 KB of noise does not compress: the tarball is past the small-file size kept in memory,
        // so it leaves through the streamed path on both the miss and the hit.
        byte[] noise = new byte[700_000];
        new Random(42).nextBytes(noise);
        AtomicReference<RemoteLikeBlobStore> blobs = new AtomicReference<>();
        try (FixtureNpmRegistry registry = FixtureNpmRegistry.builder()
                .pkg("big-noise", p -> p.version("1.0.0", v -> v.file("noise.bin", noise)))
                .pkg("tiny", p -> p.version("1.0.0"))
                .start();
             RunningAirlock airlock = RunningAirlock.start(RunningAirlock.config(tmp.resolve("data"), "npm", URI.create(registry.baseUrl())),
                     data -> {
                         Storage s = RemoteLikeBlobStore.storage(data);
                         blobs.set((RemoteLikeBlobStore) s.blobs());
                         return s;
                     })) {
            for (String run : List.of("cold", "warm")) {
                Path app = Files.createDirectories(tmp.resolve(run));
                Files.writeString(app.resolve("package.json"),
                        "{\"name\":\"app\",\"version\":\"1.0.0\",\"private\":true,\"dependencies\":{\"big-noise\":\"1.0.0\",\"tiny\":\"1.0.0\"}}");
                Files.writeString(app.resolve(".npmrc"), "registry=" + airlock.uri("/npm/") + "\n");
                ClientProcess.Result r = ClientProcess.run(app, NpmClient.env(tmp.resolve("home-" + run), airlock, false), 300,
                        List.of("npm", "install"));
                assertEquals(0, r.exitCode(), r.both());
                assertArrayEquals(noise, Files.readAllBytes(app.resolve("node_modules/big-noise/noise.bin")), run);
                assertTrue(Files.isRegularFile(app.resolve("node_modules/tiny/package.json")), run);
            }
            assertTrue(blobs.get().opened() >= 2, "the big tarball was streamed from the store on the miss and on the hit: "
                    + blobs.get().opened());

            // And over plain HTTP: the bytes are upstream's, the ETag their digest, a repeat with it a 304.
            String path = "/npm/big-noise/-/big-noise-1.0.0.tgz";
            byte[] published = registry.tarball("big-noise", "1.0.0");
            HttpResponse<byte[]> got = airlock.get(path);
            assertEquals(200, got.statusCode());
            assertArrayEquals(published, got.body());
            String etag = got.headers().firstValue("etag").orElseThrow();
            assertEquals("\"" + sha256(published) + "\"", etag);
            assertEquals(304, airlock.get(path, "If-None-Match", etag).statusCode());
        }
    }
}
