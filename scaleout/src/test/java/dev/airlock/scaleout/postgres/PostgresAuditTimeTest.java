package dev.airlock.scaleout.postgres;

import dev.airlock.config.StorageConfig;
import dev.airlock.core.store.AuditChain;
import dev.airlock.core.store.AuditRecord;
import dev.airlock.scaleout.testing.PostgresServer;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** On PostgreSQL the audit log's times are the database's, whatever a replica's clock says. */
class PostgresAuditTimeTest {

    @Test
    void entriesTakeTheDatabasesTimeAndNeverGoBack() throws Exception {
        String url = PostgresServer.shared().newDatabase();
        StorageConfig.Postgres config = new StorageConfig.Postgres(url, PostgresServer.USER, null, 2);
        try (PostgresStateStore a = PostgresStateStore.open(config, Clock.systemUTC());
             PostgresStateStore b = PostgresStateStore.open(config, Clock.systemUTC())) {
            Instant before = Instant.now();
            // Replica b's clock is a day behind; a's a day ahead.
            AuditRecord first = a.appendAudit(before.plus(Duration.ofDays(1)), "alice", "release", "npm:x@1", "ok", "{}");
            AuditRecord second = b.appendAudit(before.minus(Duration.ofDays(1)), "bob", "reject", "npm:x@2", "no", "{}");
            Instant after = Instant.now();
            for (AuditRecord r : new AuditRecord[] {first, second}) {
                assertTrue(!r.at().isBefore(before.minusSeconds(5)) && !r.at().isAfter(after.plusSeconds(5)),
                        "the database's time, not the replica's: " + r.at());
                assertEquals(AuditChain.hash(r), r.hash(), "hashed with the time stored");
            }
            assertTrue(!second.at().isBefore(first.at()), "in order");
        }
    }
}
