package dev.airlock.scaleout.postgres;

import dev.airlock.config.StorageConfig;
import dev.airlock.core.store.Change;
import dev.airlock.core.store.ChangeFollower;
import dev.airlock.scaleout.testing.PostgresServer;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * PostgreSQL hands out change ids when rows are inserted, not when they commit: a transaction
 * that took id N may commit after one that took N+1. A follower must hand on both, exactly once.
 */
class PostgresChangeOrderTest {

    private static long insertChange(Connection c, String ref) throws Exception {
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO changes (origin, kind, ecosystem, package, ref, at) "
                + "VALUES ('other-replica', 'rule', NULL, NULL, ?, 0) RETURNING id")) {
            ps.setString(1, ref);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

    @Test
    void aChangeThatCommitsAfterALaterIdIsStillHandedOnOnce() throws Exception {
        String url = PostgresServer.shared().newDatabase();
        try (PostgresStateStore store = PostgresStateStore.open(new StorageConfig.Postgres(url, PostgresServer.USER, null, 2), Clock.systemUTC());
             Connection early = DriverManager.getConnection(url, PostgresServer.USER, "");
             Connection late = DriverManager.getConnection(url, PostgresServer.USER, "")) {
            List<String> handed = new ArrayList<>();
            ChangeFollower follower = new ChangeFollower(store, Clock.systemUTC(), Duration.ofMinutes(5), (Change c) -> handed.add(c.ref()),
                    () -> handed.add("RESYNC"));
            early.setAutoCommit(false);
            late.setAutoCommit(false);
            long first = insertChange(early, "first-id");
            long second = insertChange(late, "second-id");
            assertEquals(first + 1, second);
            late.commit(); // the later id commits first
            follower.poll();
            assertEquals(List.of("second-id"), handed);
            assertEquals(1, follower.gaps(), "the earlier id is waited for");
            early.commit();
            follower.poll();
            follower.poll();
            assertEquals(List.of("second-id", "first-id"), handed, "handed on once it committed, and only once");
            assertEquals(0, follower.gaps());
            assertEquals(second, follower.position());
        }
    }
}
