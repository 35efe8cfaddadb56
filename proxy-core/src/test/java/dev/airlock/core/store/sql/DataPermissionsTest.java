package dev.airlock.core.store.sql;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The state database holds token hashes and the audit log: it, its WAL and the data directory are owner-only. */
class DataPermissionsTest {

    @TempDir
    Path tmp;

    private static String mode(Path p) throws Exception {
        return PosixFilePermissions.toString(Files.getPosixFilePermissions(p));
    }

    @Test
    void aNewStoreIsOwnerOnlyWhateverTheUmask() throws Exception {
        Path data = tmp.resolve("data");
        try (SqliteStateStore store = new SqliteStateStore(data)) {
            store.appendAudit(Instant.now(), "alice", "token.create", "t", null, "{}"); // writes the WAL
            assertEquals("rwx------", mode(data));
            assertEquals("rw-------", mode(data.resolve("state.db")));
            assertTrue(Files.exists(data.resolve("state.db-wal")), "in WAL mode");
            assertEquals("rw-------", mode(data.resolve("state.db-wal")));
            assertEquals("rw-------", mode(data.resolve("state.db-shm")));
        }
    }

    @Test
    void anExistingWorldReadableStoreIsMadeOwnerOnlyWhenOpened() throws Exception {
        Path data = tmp.resolve("old");
        try (SqliteStateStore store = new SqliteStateStore(data)) {
            store.appendAudit(Instant.now(), "alice", "token.create", "t", null, "{}");
        }
        // As a release before this one left it.
        Files.setPosixFilePermissions(data, PosixFilePermissions.fromString("rwxr-xr-x"));
        Files.setPosixFilePermissions(data.resolve("state.db"), PosixFilePermissions.fromString("rw-r--r--"));
        try (SqliteStateStore store = new SqliteStateStore(data)) {
            assertEquals("rwx------", mode(data));
            assertEquals("rw-------", mode(data.resolve("state.db")));
            assertEquals(1, store.auditCount(new dev.airlock.core.store.AuditQuery(null, null, null, null, 0, true, 10, 0)));
        }
    }
}
