package dev.airlock.core.store.sql;

import dev.airlock.core.store.DemandRecord;
import dev.airlock.core.store.DemandStore;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/** Demand counts in table {@code demand}. */
public final class SqlDemand implements DemandStore {

    private final Jdbc jdbc;

    public SqlDemand(Jdbc jdbc) {
        this.jdbc = jdbc;
    }

    @Override
    public void addDemand(List<DemandRecord> demand) {
        if (demand.isEmpty()) {
            return;
        }
        jdbc.inTransaction(c -> {
            for (DemandRecord d : demand) {
                List<String> tokens = new ArrayList<>();
                jdbc.first("SELECT tokens FROM demand WHERE ecosystem=? AND package=? AND version=? AND kind=?", ps -> {
                    ps.setString(1, d.ecosystem());
                    ps.setString(2, d.packageName());
                    ps.setString(3, d.version());
                    ps.setString(4, d.kind());
                }, rs -> rs.getString(1)).filter(t -> !t.isEmpty()).ifPresent(t -> tokens.addAll(List.of(t.split(","))));
                for (String t : d.tokens()) {
                    if (!tokens.contains(t) && tokens.size() < DemandRecord.MAX_TOKENS) {
                        tokens.add(t);
                    }
                }
                jdbc.update("INSERT INTO demand (ecosystem, package, version, kind, asked, last_asked, tokens) VALUES (?,?,?,?,?,?,?) "
                        + "ON CONFLICT (ecosystem, package, version, kind) DO UPDATE SET asked = demand.asked + excluded.asked, "
                        + "last_asked = " + jdbc.dialect().greatest("demand.last_asked", "excluded.last_asked") + ", tokens = excluded.tokens",
                        ps -> {
                            ps.setString(1, d.ecosystem());
                            ps.setString(2, d.packageName());
                            ps.setString(3, d.version());
                            ps.setString(4, d.kind());
                            ps.setLong(5, d.count());
                            ps.setLong(6, d.lastAsked().toEpochMilli());
                            ps.setString(7, String.join(",", tokens));
                        });
            }
            return null;
        });
    }

    @Override
    public List<DemandRecord> demand(String ecosystem, String packageName) {
        return jdbc.query("SELECT ecosystem, package, version, kind, asked, last_asked, tokens FROM demand "
                + "WHERE (? IS NULL OR ecosystem = ?) AND (? IS NULL OR package = ?)", ps -> {
                    ps.setString(1, ecosystem);
                    ps.setString(2, ecosystem);
                    ps.setString(3, packageName);
                    ps.setString(4, packageName);
                }, rs -> {
                    String tokens = rs.getString(7);
                    return new DemandRecord(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4), rs.getLong(5),
                            Instant.ofEpochMilli(rs.getLong(6)), tokens.isEmpty() ? List.of() : List.of(tokens.split(",")));
                });
    }
}
