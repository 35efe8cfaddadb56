package dev.airlock.core.store;

import dev.airlock.core.testing.MutableClock;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The follower on a log whose ids become visible out of order, as PostgreSQL sequences make them:
 * a transaction holding id 2 commits after the one holding id 3. SQLite never shows this, so the
 * log here is an in-memory one that commits ids when told.
 */
class ChangeFollowerTest {

    /** A change log whose rows appear when a test commits them, in any order. */
    private static final class OutOfOrderLog implements ChangeLog {
        final TreeMap<Long, Change> visible = new TreeMap<>();
        long pruned;

        void commit(long id, String origin) {
            visible.put(id, new Change(id, origin, Change.DECISION, "npm", "p" + id, null, Instant.EPOCH));
        }

        @Override
        public List<Change> changesAfter(long after, int limit) {
            return visible.tailMap(after, false).values().stream().limit(limit).toList();
        }

        @Override
        public long latestChange() {
            return visible.isEmpty() ? pruned : visible.lastKey();
        }

        @Override
        public long oldestChange() {
            return visible.isEmpty() ? 0 : visible.firstKey();
        }

        @Override
        public int pruneChanges(Instant before) {
            int n = visible.size();
            pruned = latestChange();
            visible.clear();
            return n;
        }

        @Override
        public String origin() {
            return "me";
        }
    }

    private final MutableClock clock = new MutableClock(Instant.parse("2026-12-01T00:00:00Z"));
    private final OutOfOrderLog log = new OutOfOrderLog();
    private final List<Long> handed = new ArrayList<>();
    private final AtomicInteger resyncs = new AtomicInteger();

    private ChangeFollower follower() {
        return new ChangeFollower(log, clock, Duration.ofSeconds(30), c -> handed.add(c.id()), resyncs::incrementAndGet);
    }

    @Test
    void aChangeCommittedLateInsideTheGapTimeoutIsStillHandedOn() {
        ChangeFollower f = follower();
        log.commit(1, "other");
        log.commit(3, "other");
        f.poll();
        assertEquals(List.of(1L, 3L), handed);
        assertEquals(1, f.position(), "the mark waits below the gap at 2");
        assertEquals(1, f.gaps());
        clock.advance(Duration.ofSeconds(10));
        log.commit(2, "other");
        log.commit(4, "other");
        f.poll();
        assertEquals(List.of(1L, 3L, 2L, 4L), handed, "2 arrives late and is handed on; 3 is not handed on twice");
        assertEquals(4, f.position());
        assertEquals(0, f.gaps());
    }

    @Test
    void aGapThatNeverFillsIsGivenUpAfterTheTimeout() {
        ChangeFollower f = follower();
        log.commit(1, "other");
        log.commit(3, "other");
        f.poll();
        clock.advance(Duration.ofSeconds(29));
        f.poll();
        assertEquals(1, f.position());
        clock.advance(Duration.ofSeconds(1));
        f.poll();
        assertEquals(3, f.position(), "id 2 belonged to a transaction that rolled back");
        assertEquals(List.of(1L, 3L), handed);
    }

    @Test
    void ownChangesAreSkippedButMoveTheMark() {
        ChangeFollower f = follower();
        log.commit(1, "me");
        log.commit(2, "other");
        f.poll();
        assertEquals(List.of(2L), handed);
        assertEquals(2, f.position());
    }

    @Test
    void aLogPrunedPastTheMarkMakesTheFollowerDropEverything() {
        log.commit(1, "other");
        ChangeFollower f = follower();
        log.commit(2, "other");
        f.poll();
        log.pruneChanges(Instant.MAX);
        log.commit(7, "other");
        log.commit(8, "other");
        f.poll();
        assertEquals(1, resyncs.get());
        assertEquals(8, f.position(), "following resumes at the newest change");
        log.commit(9, "other");
        f.poll();
        assertEquals(List.of(2L, 9L), handed);
    }

    @Test
    void startsAfterWhatIsAlreadyThere() {
        log.commit(1, "other");
        log.commit(2, "other");
        ChangeFollower f = follower();
        f.poll();
        assertEquals(List.of(), handed);
        assertEquals(2, f.position());
    }
}
