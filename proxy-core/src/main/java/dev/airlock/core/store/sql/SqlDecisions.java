package dev.airlock.core.store.sql;

import dev.airlock.core.store.Change;
import dev.airlock.core.store.DecisionLog;
import dev.airlock.core.store.DecisionRecord;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** People's decisions in table {@code release_decisions}; each is a change of its release's package. */
public final class SqlDecisions implements DecisionLog {

    private static final String COLUMNS = "d.seq, d.id, d.action, d.reason, d.actor, d.facts_digest, d.expires_at, d.decided_at";

    private final Jdbc jdbc;
    private final SqlChangeLog changes;

    public SqlDecisions(Jdbc jdbc, SqlChangeLog changes) {
        this.jdbc = jdbc;
        this.changes = changes;
    }

    @Override
    public DecisionRecord addDecision(DecisionRecord d) {
        return jdbc.inTransaction(c -> {
            long seq = jdbc.insertReturningKey("INSERT INTO release_decisions (id, action, reason, actor, facts_digest, expires_at, decided_at) "
                    + "VALUES (?,?,?,?,?,?,?)", "seq", ps -> {
                        ps.setString(1, d.id());
                        ps.setString(2, d.action());
                        ps.setString(3, d.reason());
                        ps.setString(4, d.actor());
                        ps.setString(5, d.factsDigest());
                        Jdbc.setInstant(ps, 6, d.expiresAt());
                        ps.setLong(7, d.decidedAt().toEpochMilli());
                    });
            List<String> release = jdbc.first("SELECT ecosystem, package FROM release_verdicts WHERE id=?", ps -> ps.setString(1, d.id()),
                    rs -> List.of(rs.getString(1), rs.getString(2))).orElse(null);
            changes.record(Change.DECISION, release == null ? null : release.get(0), release == null ? null : release.get(1), d.id());
            return new DecisionRecord(seq, d.id(), d.action(), d.reason(), d.actor(), d.factsDigest(), d.expiresAt(), d.decidedAt());
        });
    }

    @Override
    public List<DecisionRecord> decisions(String id) {
        return jdbc.query("SELECT " + COLUMNS + " FROM release_decisions d WHERE d.id=? ORDER BY d.seq", ps -> ps.setString(1, id),
                SqlDecisions::decision);
    }

    @Override
    public Map<String, List<DecisionRecord>> decisionsFor(String ecosystem, String packageName) {
        Map<String, List<DecisionRecord>> out = new HashMap<>();
        jdbc.query("SELECT " + COLUMNS + " FROM release_decisions d JOIN release_verdicts v ON v.id = d.id "
                + "WHERE v.ecosystem=? AND v.package=? ORDER BY d.seq", ps -> {
                    ps.setString(1, ecosystem);
                    ps.setString(2, packageName);
                }, SqlDecisions::decision).forEach(d -> out.computeIfAbsent(d.id(), k -> new ArrayList<>()).add(d));
        return out;
    }

    private static DecisionRecord decision(ResultSet rs) throws SQLException {
        return new DecisionRecord(rs.getLong(1), rs.getString(2), rs.getString(3), rs.getString(4), rs.getString(5), rs.getString(6),
                Jdbc.instant(rs, 7), Instant.ofEpochMilli(rs.getLong(8)));
    }
}
