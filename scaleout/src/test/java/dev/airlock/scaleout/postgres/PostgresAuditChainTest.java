package dev.airlock.scaleout.postgres;

import dev.airlock.config.StorageConfig;
import dev.airlock.core.store.AuditChain;
import dev.airlock.core.store.AuditQuery;
import dev.airlock.core.store.AuditRecord;
import dev.airlock.scaleout.testing.PostgresServer;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The audit chain on PostgreSQL: one chain from every replica's writers, with the database's times. */
class PostgresAuditChainTest {

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

    @Test
    void concurrentWritersOnThreeReplicasMakeOneUnbrokenChain() throws Exception {
        String url = PostgresServer.shared().newDatabase();
        StorageConfig.Postgres config = new StorageConfig.Postgres(url, PostgresServer.USER, null, 4);
        List<PostgresStateStore> three = new ArrayList<>();
        try {
            for (int i = 0; i < 3; i++) {
                three.add(PostgresStateStore.open(config, Clock.systemUTC()));
            }
            ExecutorService writers = Executors.newFixedThreadPool(9);
            List<Future<?>> all = new ArrayList<>();
            for (int w = 0; w < 9; w++) {
                PostgresStateStore store = three.get(w % 3);
                int writer = w;
                all.add(writers.submit(() -> {
                    for (int n = 0; n < 20; n++) {
                        store.appendAudit(Instant.now(), "writer-" + writer, "token.create", "t" + writer + "-" + n, null, "{}");
                    }
                    return null;
                }));
            }
            for (Future<?> f : all) {
                f.get();
            }
            writers.shutdown();
            List<AuditRecord> chain = three.get(0).audit(new AuditQuery(null, null, null, null, 0, true, 1000, 0));
            assertEquals(180, chain.size());
            String prev = AuditChain.GENESIS;
            long seq = 0;
            for (AuditRecord r : chain) {
                assertEquals(++seq, r.seq());
                assertEquals(prev, r.prevHash(), "entry " + r.seq() + " chains onto the one before");
                assertEquals(AuditChain.hash(r), r.hash());
                prev = r.hash();
            }
        } finally {
            three.forEach(PostgresStateStore::close);
        }
    }
}
