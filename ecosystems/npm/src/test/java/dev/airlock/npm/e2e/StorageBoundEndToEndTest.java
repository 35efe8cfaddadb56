package dev.airlock.npm.e2e;

import dev.airlock.config.AirlockConfig;
import dev.airlock.config.StorageConfig;
import dev.airlock.core.proxy.Housekeeping;
import dev.airlock.core.store.FileBlobStore;
import dev.airlock.core.testing.MutableClock;
import dev.airlock.core.testing.RunningAirlock;
import dev.airlock.npm.fixture.FixtureNpmRegistry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * storage.maxSize: past it, the files no client has asked for longest lose their blobs (their
 * index rows and pinned digests stay); held releases' files and anything offline are kept; a
 * file evicted is fetched again, the same bytes, when asked for.
 */
class StorageBoundEndToEndTest {

    private static final Instant NOW = Instant.parse("2026-11-20T12:00:00Z");

    @TempDir
    Path tmp;

    private static String noise(long seed) {
        byte[] b = new byte[30_000];
        new Random(seed).nextBytes(b);
        return java.util.Base64.getEncoder().encodeToString(b); // does not compress away
    }

    private static FixtureNpmRegistry registry() {
        FixtureNpmRegistry.Builder b = FixtureNpmRegistry.builder();
        b.pkg("held-box", p -> p.version("1.0.0", v -> v.npmUser("ann", "ann@example.test").publishedAt(NOW.minus(Duration.ofDays(30)))
                .script("preinstall", "node -e 0").file("data.txt", noise(1))));
        int seed = 2;
        for (String name : new String[] {"old-box", "mid-box", "new-box"}) {
            long s = seed++;
            b.pkg(name, p -> p.version("1.0.0", v -> v.npmUser("ann", "ann@example.test").publishedAt(NOW.minus(Duration.ofDays(30)))
                    .file("data.txt", noise(s))));
        }
        return b.start();
    }

    private static long size(FixtureNpmRegistry registry, String name) throws Exception {
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(registry.baseUrl() + name + "/-/" + name + "-1.0.0.tgz"))
                .build(), HttpResponse.BodyHandlers.ofByteArray()).body().length;
    }

    private static String tarball(String name) {
        return "/npm/" + name + "/-/" + name + "-1.0.0.tgz";
    }

    @Test
    void theLeastRecentlyAskedFilesGoFirstAndComeBackTheSame() throws Exception {
        MutableClock clock = new MutableClock(NOW);
        try (FixtureNpmRegistry registry = registry()) {
            long held = size(registry, "held-box");
            long each = size(registry, "mid-box");
            // Room for the held file, mid-box and new-box, and half of another.
            long bound = held + 2 * each + each / 2;
            AirlockConfig base = RunningAirlock.config(tmp.resolve("data"), "npm", URI.create(registry.baseUrl()));
            AirlockConfig c = base.withStorage(new StorageConfig(base.storage().path(), bound, null, null, null));
            byte[] oldBytes;
            try (RunningAirlock airlock = RunningAirlock.start(c, clock)) {
                assertEquals(200, airlock.get("/npm/held-box").statusCode());
                assertEquals(403, airlock.get(tarball("held-box")).statusCode(), "held: its file is evidence");
                oldBytes = null;
                for (String name : new String[] {"old-box", "mid-box", "new-box"}) {
                    clock.advance(Duration.ofMinutes(10));
                    var r = airlock.get(tarball(name));
                    assertEquals(200, r.statusCode());
                    if (name.equals("old-box")) {
                        oldBytes = r.body();
                    }
                }
                clock.advance(Duration.ofHours(2)); // none is in use any more
                Housekeeping.Report report = airlock.airlock().housekeep();
                assertEquals(1, report.evicted(), report.toString());
                assertTrue(report.storedBytes() <= bound, report.toString());

                FileBlobStore files = FileBlobStore.shared(airlock.dataDir());
                assertFalse(files.contains(sha256(oldBytes)), "the least recently asked file went");
                assertTrue(airlock.metrics().contains("airlock_storage_stored_bytes"), "visible in /-/metrics");
            }
            // A new process (nothing in memory): the evicted file is fetched again, and must be the same bytes.
            try (RunningAirlock airlock = RunningAirlock.start(c, clock)) {
                long before = registry.log().stream().filter(r -> r.path().endsWith("old-box-1.0.0.tgz")).count();
                var again = airlock.get(tarball("old-box"));
                assertEquals(200, again.statusCode());
                org.junit.jupiter.api.Assertions.assertArrayEquals(oldBytes, again.body(), "fetched again: the same bytes");
                assertEquals(before + 1, registry.log().stream().filter(r -> r.path().endsWith("old-box-1.0.0.tgz")).count());
                assertEquals(200, airlock.get(tarball("new-box")).statusCode());
                assertEquals(before + 1, registry.log().stream().filter(r -> r.path().endsWith("old-box-1.0.0.tgz")).count());
            }
        }
    }

    @Test
    void offlineNothingIsEvicted() throws Exception {
        MutableClock clock = new MutableClock(NOW);
        try (FixtureNpmRegistry registry = registry()) {
            Path data = tmp.resolve("data");
            AirlockConfig c = RunningAirlock.config(data, "npm", URI.create(registry.baseUrl()));
            try (RunningAirlock online = RunningAirlock.start(c, clock)) {
                for (String name : new String[] {"old-box", "mid-box", "new-box"}) {
                    assertEquals(200, online.get(tarball(name)).statusCode());
                }
            }
            clock.advance(Duration.ofHours(2));
            AirlockConfig offline = c.withOffline(true).withStorage(new StorageConfig(data, 1, null, null, null));
            try (RunningAirlock airlock = RunningAirlock.start(offline, clock)) {
                Housekeeping.Report report = airlock.airlock().housekeep();
                assertEquals(0, report.evicted(), report.toString());
                for (String name : new String[] {"old-box", "mid-box", "new-box"}) {
                    assertEquals(200, airlock.get(tarball(name)).statusCode());
                }
            }
        }
    }

    private static String sha256(byte[] b) throws Exception {
        return java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256").digest(b));
    }
}
