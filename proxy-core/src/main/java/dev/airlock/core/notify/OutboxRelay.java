package dev.airlock.core.notify;

import dev.airlock.core.store.Outbox;
import dev.airlock.core.store.OutboxMessage;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * Moves notifications from the durable {@link Outbox} to the {@link Notifier}: claims waiting
 * messages for a lease, hands each to the notifier with the message's id as its delivery id, and
 * marks it complete once every webhook has settled it. Claims under way are renewed on every
 * run; those of a process that died run out, and the next run anywhere claims them again. So a
 * restart or a crash loses no notification, and one made by the command line on the data
 * directory is delivered by the server. Receivers may see a message twice (at least once); its
 * {@code X-Airlock-Delivery} is then the same.
 *
 * <p>{@link #run} is called by one scheduled task; it blocks on the store, never on the network.
 */
public final class OutboxRelay implements AutoCloseable {

    private static final System.Logger LOG = System.getLogger("airlock.notify");
    /** Messages claimed per run at most. */
    static final int BATCH = 100;
    /** Delivered messages are kept this long, then pruned. */
    static final Duration KEEP = Duration.ofDays(7);

    private final Outbox outbox;
    private final Notifier notifier;
    private final Function<String, Event> decode;
    private final String owner;
    private final Clock clock;
    private final Duration lease;
    private final Set<Long> inFlight = ConcurrentHashMap.newKeySet();

    /**
     * @param decode reads a message's payload into the event to send (throws IllegalArgumentException on one it cannot read)
     * @param owner  this process's name on its claims
     * @param lease  how long a claim holds without renewal; several runs fit in it
     */
    public OutboxRelay(Outbox outbox, Notifier notifier, Function<String, Event> decode, String owner, Clock clock, Duration lease) {
        this.outbox = outbox;
        this.notifier = notifier;
        this.decode = decode;
        this.owner = owner;
        this.clock = clock;
        this.lease = lease;
    }

    /** Renews what is under way, then claims and hands on what waits. */
    public void run() {
        Instant now = clock.instant();
        if (!inFlight.isEmpty()) {
            outbox.renew(owner, List.copyOf(inFlight), now.plus(lease));
        }
        // At most BATCH messages in the notifier at a time, far below its per-webhook queue: a
        // webhook that is down leaves the rest in the outbox instead of making the queue drop them.
        int room = BATCH - inFlight.size();
        if (room <= 0) {
            return;
        }
        for (OutboxMessage m : outbox.claim(owner, now, now.plus(lease), room)) {
            if (!inFlight.add(m.id())) {
                continue; // ours already (a renewal that came too late): still under way
            }
            Event event;
            try {
                event = decode.apply(m.payload());
            } catch (IllegalArgumentException e) {
                LOG.log(System.Logger.Level.WARNING, "outbox message " + m.id() + " cannot be read (" + e.getMessage() + "): dropped");
                complete(m.id());
                continue;
            }
            notifier.publish(event, "airlock-" + m.id() + "-" + m.createdAt().toEpochMilli(), m.createdAt(), () -> complete(m.id()));
        }
    }

    /**
     * Gives back the claims on messages not settled yet (the notifier is closed): the next
     * process takes them at once instead of after the lease.
     */
    @Override
    public void close() {
        if (!inFlight.isEmpty()) {
            outbox.renew(owner, List.copyOf(inFlight), Instant.EPOCH);
            inFlight.clear();
        }
    }

    /** Forgets delivered messages older than a week. */
    public int prune() {
        return outbox.pruneOutbox(clock.instant().minus(KEEP));
    }

    /** Messages handed to the notifier and not settled yet. */
    public int inFlight() {
        return inFlight.size();
    }

    private void complete(long id) {
        try {
            outbox.complete(id, clock.instant());
        } finally {
            inFlight.remove(id);
        }
    }
}
