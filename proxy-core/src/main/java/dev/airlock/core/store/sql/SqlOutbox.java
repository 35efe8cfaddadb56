package dev.airlock.core.store.sql;

import dev.airlock.core.store.Outbox;
import dev.airlock.core.store.OutboxMessage;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

/** The outbox in table {@code outbox}. */
public final class SqlOutbox implements Outbox {

    private final Jdbc jdbc;

    public SqlOutbox(Jdbc jdbc) {
        this.jdbc = jdbc;
    }

    @Override
    public long enqueue(String payload, Instant at) {
        return jdbc.inTransaction(c -> jdbc.insertReturningKey("INSERT INTO outbox (payload, created_at, attempts) VALUES (?,?,0)", "id",
                ps -> {
                    ps.setString(1, payload);
                    ps.setLong(2, at.toEpochMilli());
                }));
    }

    @Override
    public List<OutboxMessage> claim(String owner, Instant now, Instant until, int limit) {
        return jdbc.inTransaction(c -> {
            // Read and mark in one transaction: a write transaction excludes other claimers, so
            // two processes never claim one message.
            List<OutboxMessage> open = jdbc.query("SELECT id, payload, created_at, attempts FROM outbox WHERE delivered_at IS NULL "
                    + "AND (claim_until IS NULL OR claim_until < ?) ORDER BY id LIMIT ?" + jdbc.dialect().forUpdateSkipLocked(), ps -> {
                        ps.setLong(1, now.toEpochMilli());
                        ps.setInt(2, limit);
                    }, rs -> new OutboxMessage(rs.getLong(1), rs.getString(2), Instant.ofEpochMilli(rs.getLong(3)), rs.getInt(4) + 1));
            List<OutboxMessage> out = new ArrayList<>(open.size());
            for (OutboxMessage m : open) {
                jdbc.update("UPDATE outbox SET claimed_by=?, claim_until=?, attempts=? WHERE id=?", ps -> {
                    ps.setString(1, owner);
                    ps.setLong(2, until.toEpochMilli());
                    ps.setInt(3, m.attempts());
                    ps.setLong(4, m.id());
                });
                out.add(m);
            }
            return out;
        });
    }

    @Override
    public void renew(String owner, Collection<Long> ids, Instant until) {
        jdbc.batch("UPDATE outbox SET claim_until=? WHERE id=? AND claimed_by=? AND delivered_at IS NULL", ids, (ps, id) -> {
            ps.setLong(1, until.toEpochMilli());
            ps.setLong(2, id);
            ps.setString(3, owner);
        });
    }

    @Override
    public void complete(long id, Instant at) {
        jdbc.update("UPDATE outbox SET delivered_at=? WHERE id=? AND delivered_at IS NULL", ps -> {
            ps.setLong(1, at.toEpochMilli());
            ps.setLong(2, id);
        });
    }

    @Override
    public long undelivered() {
        return jdbc.first("SELECT count(*) FROM outbox WHERE delivered_at IS NULL", ps -> { }, rs -> rs.getLong(1)).orElse(0L);
    }

    @Override
    public int pruneOutbox(Instant before) {
        return jdbc.update("DELETE FROM outbox WHERE delivered_at IS NOT NULL AND delivered_at < ?", ps -> ps.setLong(1, before.toEpochMilli()));
    }
}
