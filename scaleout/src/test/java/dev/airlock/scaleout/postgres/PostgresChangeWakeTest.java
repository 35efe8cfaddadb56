package dev.airlock.scaleout.postgres;

import dev.airlock.config.StorageConfig;
import dev.airlock.scaleout.testing.PostgresServer;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Instant;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A change committed by one replica wakes another's follower (LISTEN/NOTIFY), and only once committed. */
class PostgresChangeWakeTest {

    @Test
    void aCommittedChangeWakesTheOtherStoreAndARolledBackOneDoesNot() throws Exception {
        String url = PostgresServer.shared().newDatabase();
        StorageConfig.Postgres config = new StorageConfig.Postgres(url, PostgresServer.USER, null, 2);
        try (PostgresStateStore writer = PostgresStateStore.open(config, Clock.systemUTC());
             PostgresStateStore follower = PostgresStateStore.open(config, Clock.systemUTC())) {
            Semaphore woken = new Semaphore(0);
            follower.onChanges(woken::release);
            assertTrue(woken.tryAcquire(30, TimeUnit.SECONDS), "woken once when listening starts");
            woken.drainPermits();

            try {
                writer.inTransaction(() -> {
                    writer.addRule("deny", "npm:never@*", "rolled back", "test", Instant.now());
                    throw new IllegalStateException("roll back");
                });
            } catch (IllegalStateException expected) {
                // the rule and its change are gone
            }
            assertFalse(woken.tryAcquire(2, TimeUnit.SECONDS), "a rolled-back change announces nothing");

            writer.addRule("deny", "npm:evil@*", "committed", "test", Instant.now());
            assertTrue(woken.tryAcquire(30, TimeUnit.SECONDS), "a committed change wakes the follower");
        }
    }
}
