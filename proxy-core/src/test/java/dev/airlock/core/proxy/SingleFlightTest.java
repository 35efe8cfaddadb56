package dev.airlock.core.proxy;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** Concurrent callers for one key share one execution, its result and its failure. */
class SingleFlightTest {

    @Test
    void concurrentCallersShareOneExecution() throws Exception {
        // 20 callers arriving while the first is working get its result; the work runs once.
        SingleFlight<String, Object> flight = new SingleFlight<>();
        AtomicInteger runs = new AtomicInteger();
        AtomicInteger joins = new AtomicInteger();
        CountDownLatch release = new CountDownLatch(1);
        Object result = new Object();
        ExecutorService pool = Executors.newFixedThreadPool(20);
        List<Future<Object>> futures = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            futures.add(pool.submit(() -> flight.run("k", () -> {
                runs.incrementAndGet();
                release.await();
                return result;
            }, joins::incrementAndGet)));
        }
        while (runs.get() + joins.get() < 20) {
            Thread.onSpinWait();
        }
        release.countDown();
        for (Future<Object> f : futures) {
            assertSame(result, f.get());
        }
        assertEquals(1, runs.get());
        assertEquals(19, joins.get());
        pool.shutdown();
    }

    @Test
    void failureReachesEveryWaiterAndTheNextCallRunsAgain() throws Exception {
        // A failed execution is not remembered: its waiters see the failure, the next caller tries anew.
        SingleFlight<String, String> flight = new SingleFlight<>();
        assertThrows(IllegalStateException.class, () -> flight.run("k", () -> {
            throw new IllegalStateException("boom");
        }, () -> { }));
        assertEquals("ok", flight.run("k", () -> "ok", () -> { }));
    }
}
