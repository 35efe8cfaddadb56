package dev.airlock.core.store.sql;

import dev.airlock.core.store.Change;
import dev.airlock.core.store.VerdictRecord;
import dev.airlock.core.store.VerdictStore;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/** Verdicts in table {@code release_verdicts}; every package whose verdicts change is a change. */
public final class SqlVerdicts implements VerdictStore {

    static final String COLUMNS = "id, ecosystem, package, version, verdict, held_until, findings, facts_digest, policy_version, first_held, "
            + "decided_at";

    private final Jdbc jdbc;
    private final SqlChangeLog changes;

    public SqlVerdicts(Jdbc jdbc, SqlChangeLog changes) {
        this.jdbc = jdbc;
        this.changes = changes;
    }

    @Override
    public Map<String, VerdictRecord> verdicts(String ecosystem, String packageName) {
        Map<String, VerdictRecord> out = new HashMap<>();
        jdbc.query("SELECT " + COLUMNS + " FROM release_verdicts WHERE ecosystem=? AND package=?", ps -> {
            ps.setString(1, ecosystem);
            ps.setString(2, packageName);
        }, SqlVerdicts::verdict).forEach(v -> out.put(v.version(), v));
        return out;
    }

    @Override
    public void putVerdicts(Collection<VerdictRecord> verdicts) {
        if (verdicts.isEmpty()) {
            return;
        }
        jdbc.inTransaction(c -> {
            jdbc.batch(jdbc.dialect().upsert("release_verdicts", COLUMNS, "id"), verdicts, (ps, v) -> {
                ps.setString(1, v.id());
                ps.setString(2, v.ecosystem());
                ps.setString(3, v.packageName());
                ps.setString(4, v.version());
                ps.setString(5, v.verdict());
                Jdbc.setInstant(ps, 6, v.heldUntil());
                ps.setString(7, v.findings());
                ps.setString(8, v.factsDigest());
                ps.setString(9, v.policyVersion());
                Jdbc.setInstant(ps, 10, v.firstHeld());
                ps.setLong(11, v.decidedAt().toEpochMilli());
            });
            Set<List<String>> packages = new LinkedHashSet<>();
            verdicts.forEach(v -> packages.add(List.of(v.ecosystem(), v.packageName())));
            for (List<String> p : packages) {
                changes.record(Change.VERDICT, p.get(0), p.get(1), null);
            }
            return null;
        });
    }

    @Override
    public Optional<VerdictRecord> verdict(String id) {
        return jdbc.first("SELECT " + COLUMNS + " FROM release_verdicts WHERE id=?", ps -> ps.setString(1, id), SqlVerdicts::verdict);
    }

    @Override
    public List<VerdictRecord> held(String ecosystem) {
        return jdbc.query("SELECT " + COLUMNS + " FROM release_verdicts WHERE verdict <> 'APPROVED'" + (ecosystem == null ? "" : " AND ecosystem=?")
                + " ORDER BY decided_at DESC", ps -> {
                    if (ecosystem != null) {
                        ps.setString(1, ecosystem);
                    }
                }, SqlVerdicts::verdict);
    }

    private static VerdictRecord verdict(ResultSet rs) throws SQLException {
        return new VerdictRecord(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4), rs.getString(5), Jdbc.instant(rs, 6),
                rs.getString(7), rs.getString(8), rs.getString(9), Jdbc.instant(rs, 10), Instant.ofEpochMilli(rs.getLong(11)));
    }
}
