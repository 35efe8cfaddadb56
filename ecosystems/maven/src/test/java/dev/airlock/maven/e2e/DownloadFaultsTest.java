package dev.airlock.maven.e2e;

import dev.airlock.core.store.ArtifactRecord;
import dev.airlock.core.store.SqliteStateStore;
import dev.airlock.core.testing.NettyLeaks;
import dev.airlock.core.testing.RunningAirlock;
import dev.airlock.maven.fixture.FixtureMavenRepository;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.Stream;

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
        List<String> wrong = new ArrayList<>();
        Path blobs = data.resolve("blobs");
        try (Stream<Path> s = Files.walk(blobs)) {
            for (Path f : s.filter(Files::isRegularFile).toList()) {
                MessageDigest d = MessageDigest.getInstance("SHA-256");
                try (InputStream in = Files.newInputStream(f)) {
                    d.update(in.readAllBytes());
                }
                String name = f.getFileName().toString();
                if (!HexFormat.of().formatHex(d.digest()).equals(name)) {
                    wrong.add(blobs.relativize(f) + " does not hash to its name");
                }
            }
        }
        try (SqliteStateStore state = new SqliteStateStore(data)) {
            List<ArtifactRecord> rows = state.artifacts("maven", "org.faults:lib");
            assertTrue(rows.size() >= 4, rows.toString());
            for (ArtifactRecord r : rows) {
                Path blob = blobs.resolve(r.sha256().substring(0, 2)).resolve(r.sha256().substring(2, 4)).resolve(r.sha256());
                if (!Files.isRegularFile(blob)) {
                    wrong.add(r.filename() + " is indexed without its blob");
                }
            }
        }
        assertEquals(List.of(), wrong);
    }
}
