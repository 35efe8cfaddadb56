package dev.airlock.core.proxy;

import dev.airlock.core.metrics.AirlockMetrics;
import dev.airlock.core.store.ArtifactRecord;
import dev.airlock.core.store.BlobSpool;
import dev.airlock.core.store.FileBlobStore;
import dev.airlock.core.store.sql.SqliteStateStore;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class HousekeepingTest {

    @TempDir
    Path data;

    private static String commit(FileBlobStore blobs, String text) throws Exception {
        try (BlobSpool p = blobs.spool(Set.of())) {
            p.write(text.getBytes(StandardCharsets.UTF_8));
            p.commit();
            return p.sha256Hex();
        }
    }

    @Test
    void anOrphanBlobGoesOnTheSecondRunThatFindsItAndIndexedOnesStay() throws Exception {
        // A blob is committed just before its row is written: an orphan seen once may be a download finishing.
        Clock clock = Clock.fixed(Instant.parse("2026-11-20T12:00:00Z"), ZoneOffset.UTC);
        try (SqliteStateStore state = new SqliteStateStore(data)) {
            FileBlobStore blobs = new FileBlobStore(data);
            String indexed = commit(blobs, "indexed file");
            state.putArtifact(new ArtifactRecord("npm", "a", "a-1.0.0.tgz", "1.0.0", indexed, 12, "application/octet-stream", null,
                    clock.instant(), null, Map.of()));
            String orphan = commit(blobs, "a download whose indexing failed");
            Housekeeping h = new Housekeeping(state, blobs, 0, false, clock, new AirlockMetrics());

            assertEquals(0, h.run().orphansDeleted());
            assertTrue(blobs.contains(orphan), "seen once: kept");
            String late = commit(blobs, "committed between the runs");
            Housekeeping.Report second = h.run();
            assertEquals(1, second.orphansDeleted(), second.toString());
            assertFalse(blobs.contains(orphan));
            assertTrue(blobs.contains(late), "an orphan first seen now waits for the next run");
            assertTrue(blobs.contains(indexed));
            assertEquals(12, second.storedBytes());
        }
    }
}
