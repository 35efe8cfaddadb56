package dev.airlock.core.policy;

import dev.airlock.core.store.DemandRecord;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Which releases clients need, so that the queue shows them first: every file request is counted
 * here, in memory and without blocking (it runs on the event loop), and written to the state store
 * in batches by {@link #drain}.
 *
 * <p>Concurrency: counts are added with atomics in a concurrent map; {@link #drain} removes entries
 * one by one. A count added while its entry is being removed can be lost: these counts order the
 * queue, they are not an audit record (the access log is).
 */
public final class Demand {

    /** Distinct releases counted between two drains; beyond it, new ones wait for the next (bounded memory). */
    static final int MAX_PENDING = 50_000;

    private record Key(String ecosystem, String packageName, String version, boolean served) {
    }

    private static final class Tally {
        final AtomicLong count = new AtomicLong();
        volatile long last;
        final Set<String> tokens = ConcurrentHashMap.newKeySet();
    }

    private final Clock clock;
    private final ConcurrentHashMap<Key, Tally> pending = new ConcurrentHashMap<>();

    public Demand(Clock clock) {
        this.clock = clock;
    }

    /**
     * Counts a request for a release's file (non-blocking).
     *
     * @param token  the name of the token the client presented, or null
     * @param served whether the file was served (then newer versions the policy holds were passed over)
     */
    public void asked(String ecosystem, String packageName, String version, String token, boolean served) {
        if (version == null) {
            return;
        }
        Key k = new Key(ecosystem, packageName, version, served);
        Tally t = pending.get(k);
        if (t == null) {
            if (pending.size() >= MAX_PENDING) {
                return;
            }
            t = pending.computeIfAbsent(k, x -> new Tally());
        }
        t.count.incrementAndGet();
        t.last = clock.millis();
        if (token != null && t.tokens.size() < DemandRecord.MAX_TOKENS) {
            t.tokens.add(token);
        }
    }

    /** A release that was asked for, and whether a client got it. */
    public record Asked(DemandRecord record, boolean served) {
    }

    /** Takes what was counted since the last drain. */
    public List<Asked> drain() {
        List<Asked> out = new ArrayList<>();
        for (Map.Entry<Key, Tally> e : pending.entrySet()) {
            if (pending.remove(e.getKey(), e.getValue())) {
                Key k = e.getKey();
                Tally t = e.getValue();
                out.add(new Asked(new DemandRecord(k.ecosystem(), k.packageName(), k.version(), DemandRecord.ASKED, t.count.get(),
                        Instant.ofEpochMilli(t.last), List.copyOf(t.tokens)), k.served()));
            }
        }
        return out;
    }
}
