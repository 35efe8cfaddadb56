package dev.airlock.bench;

import dev.airlock.core.store.Change;
import dev.airlock.core.store.ChangeFollower;
import dev.airlock.core.store.sql.SqliteStateStore;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * How long a change made by one process takes to reach another through the change log, as the
 * server follows it (a poll every second): two store instances on one SQLite file, one adding
 * rules (as {@code airlock} on the data directory would), the other following.
 * {@code java -cp bench/target/benchmarks.jar dev.airlock.bench.ChangeDelay [changes]}.
 */
public final class ChangeDelay {

    private ChangeDelay() {
    }

    public static void main(String[] args) throws Exception {
        int changes = args.length > 0 ? Integer.parseInt(args[0]) : 30;
        Path data = Files.createTempDirectory("change-delay-");
        Map<String, Long> seenAt = new ConcurrentHashMap<>();
        try (SqliteStateStore writer = new SqliteStateStore(data); SqliteStateStore server = new SqliteStateStore(data)) {
            ChangeFollower follower = new ChangeFollower(server, Clock.systemUTC(), Duration.ofSeconds(30),
                    (Change c) -> seenAt.put(c.ref(), System.nanoTime()), () -> { });
            ScheduledExecutorService poll = Executors.newSingleThreadScheduledExecutor();
            poll.scheduleWithFixedDelay(follower::poll, 1, 1, TimeUnit.SECONDS);
            List<Long> delays = new ArrayList<>();
            for (int i = 0; i < changes; i++) {
                // Spread over the poll interval, as changes arrive unannounced.
                Thread.sleep(137 + (i * 373) % 1000);
                long written = System.nanoTime();
                String ref = Long.toString(writer.addRule("deny", "npm:bench-" + i, "bench", "bench", Instant.now()).id());
                while (!seenAt.containsKey(ref)) {
                    Thread.sleep(1);
                }
                delays.add((seenAt.get(ref) - written) / 1_000_000);
            }
            poll.shutdownNow();
            Collections.sort(delays);
            System.out.printf("changes %d, poll every 1 s: delay median %d ms, p90 %d ms, max %d ms%n", changes,
                    delays.get(delays.size() / 2), delays.get(delays.size() * 9 / 10), delays.get(delays.size() - 1));
        } finally {
            try (var files = Files.walk(data)) {
                files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }
}
