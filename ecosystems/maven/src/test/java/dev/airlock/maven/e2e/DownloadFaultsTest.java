package dev.airlock.maven.e2e;

import dev.airlock.core.store.sql.SqliteStateStore;
import dev.airlock.core.testing.NettyLeaks;
import dev.airlock.core.testing.RunningAirlock;
import dev.airlock.maven.fixture.FixtureMavenRepository;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Faults injected into downloads (a corrupted body, a connection reset half-way, upstream 5xx)
 * leave the store clean: the client gets a 502, nothing wrong is cached, the next clean download
 * succeeds, and afterwards every blob hashes to its name and every index row has its blob.
 */
class DownloadFaultsTest {

    @TempDir
    Path tmp;

    @AfterAll
    static void noBufferLeaked() throws InterruptedException {
        NettyLeaks.assertNone();
    }

    private static String jar(String version) {
        return FixtureMavenRepository.path("org.faults", "lib", version, "jar");
    }

    @Test
    void faultyDownloadsLeaveNoTraceAndCleanOnesSucceed() throws Exception {
        FixtureMavenRepository.Builder b = FixtureMavenRepository.builder();
        for (int i = 0; i < 4; i++) {
            b.jar("org.faults", "lib", "1." + i);
        }
        Path data = tmp.resolve("data");
        try (FixtureMavenRepository up = b.start();
             RunningAirlock airlock = RunningAirlock.start(RunningAirlock.config(data, "maven", URI.create(up.baseUrl())))) {
            up.corrupt(jar("1.0"));
            up.truncate(jar("1.1"));
            assertEquals(502, airlock.get("/maven/" + jar("1.0")).statusCode(), "corrupted: the checksum does not match");
            assertEquals(502, airlock.get("/maven/" + jar("1.1")).statusCode(), "reset half-way");
            up.failAll(503);
            assertEquals(502, airlock.get("/maven/" + jar("1.2")).statusCode(), "upstream 5xx");
            up.clearFaults();
            for (int i = 0; i < 4; i++) {
                HttpResponse<byte[]> r = airlock.get("/maven/" + jar("1." + i));
                assertEquals(200, r.statusCode(), jar("1." + i));
                assertArrayEquals(up.file(jar("1." + i)), r.body(), "the bytes upstream publishes, not the faulty ones");
            }
        }
        // Afterwards: every blob hashes to its name, and every indexed file has its blob.
        List<String> wrong = dev.airlock.core.testing.StoreIntegrity.problems(data, "maven", "org.faults:lib");
        try (SqliteStateStore state = new SqliteStateStore(data)) {
            assertTrue(state.artifacts("maven", "org.faults:lib").size() >= 4, "the clean downloads are indexed");
        }
        assertEquals(List.of(), wrong);
    }
}
