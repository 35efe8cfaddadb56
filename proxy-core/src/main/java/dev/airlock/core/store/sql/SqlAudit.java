package dev.airlock.core.store.sql;

import dev.airlock.core.store.AuditChain;
import dev.airlock.core.store.AuditQuery;
import dev.airlock.core.store.AuditRecord;
import dev.airlock.core.store.AuditStore;

import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/** The hash-chained audit log in table {@code audit_log}. */
public final class SqlAudit implements AuditStore {

    private final Jdbc jdbc;

    public SqlAudit(Jdbc jdbc) {
        this.jdbc = jdbc;
    }

    @Override
    public AuditRecord appendAudit(Instant at, String actor, String action, String target, String reason, String details) {
        return jdbc.inTransaction(c -> {
            // One appender at a time over every process on the store: two never chain onto the same entry.
            jdbc.dialect().lockForAppend(c, "audit_log");
            long[] seq = {1};
            String[] prev = {AuditChain.GENESIS};
            long[] last = {Long.MIN_VALUE};
            jdbc.first("SELECT seq, hash, at FROM audit_log ORDER BY seq DESC LIMIT 1", ps -> { }, rs -> {
                seq[0] = rs.getLong(1) + 1;
                prev[0] = rs.getString(2);
                last[0] = rs.getLong(3);
                return Boolean.TRUE;
            });
            // Where several processes append (replicas), the database's clock, under the lock,
            // never before the entry it follows: the log reads in time order whatever the
            // replicas' clocks say. The embedded store keeps the caller's time.
            Instant at2 = jdbc.dialect().clock(c).map(db -> Instant.ofEpochMilli(Math.max(db.toEpochMilli(), last[0]))).orElse(at);
            String hash = AuditChain.hash(prev[0], seq[0], at2, actor, action, target, reason, details);
            jdbc.update("INSERT INTO audit_log (seq, at, actor, action, target, reason, details, prev_hash, hash) VALUES (?,?,?,?,?,?,?,?,?)",
                    ps -> {
                        ps.setLong(1, seq[0]);
                        ps.setLong(2, at2.toEpochMilli());
                        ps.setString(3, actor);
                        ps.setString(4, action);
                        ps.setString(5, target);
                        ps.setString(6, reason);
                        ps.setString(7, details);
                        ps.setString(8, prev[0]);
                        ps.setString(9, hash);
                    });
            return new AuditRecord(seq[0], at2, actor, action, target, reason, details, prev[0], hash);
        });
    }

    @Override
    public List<AuditRecord> audit(AuditQuery q) {
        StringBuilder sql = new StringBuilder("SELECT seq, at, actor, action, target, reason, details, prev_hash, hash FROM audit_log");
        List<Object> args = where(q, sql);
        sql.append(q.oldestFirst() ? " ORDER BY seq" : " ORDER BY seq DESC").append(" LIMIT ? OFFSET ?");
        args.add((long) q.limit());
        args.add((long) q.offset());
        return jdbc.query(sql.toString(), ps -> bind(ps, args), rs -> new AuditRecord(rs.getLong(1), Instant.ofEpochMilli(rs.getLong(2)),
                rs.getString(3), rs.getString(4), rs.getString(5), rs.getString(6), rs.getString(7), rs.getString(8), rs.getString(9)));
    }

    @Override
    public long auditCount(AuditQuery q) {
        StringBuilder sql = new StringBuilder("SELECT count(*) FROM audit_log");
        List<Object> args = where(q, sql);
        return jdbc.first(sql.toString(), ps -> bind(ps, args), rs -> rs.getLong(1)).orElse(0L);
    }

    private static List<Object> where(AuditQuery q, StringBuilder sql) {
        List<Object> args = new ArrayList<>();
        List<String> where = new ArrayList<>();
        if (q.actor() != null) {
            where.add("actor=?");
            args.add(q.actor());
        }
        if (q.action() != null) {
            where.add("action=?");
            args.add(q.action());
        }
        if (q.target() != null) {
            where.add("target=?");
            args.add(q.target());
        }
        if (q.since() != null) {
            where.add("at>=?");
            args.add(q.since().toEpochMilli());
        }
        if (q.afterSeq() > 0) {
            where.add("seq>?");
            args.add(q.afterSeq());
        }
        if (!where.isEmpty()) {
            sql.append(" WHERE ").append(String.join(" AND ", where));
        }
        return args;
    }

    private static void bind(PreparedStatement ps, List<Object> args) throws SQLException {
        for (int i = 0; i < args.size(); i++) {
            Object a = args.get(i);
            if (a instanceof Long l) {
                ps.setLong(i + 1, l);
            } else {
                ps.setString(i + 1, (String) a);
            }
        }
    }
}
