package dev.airlock.core.store;

import java.time.Instant;

/**
 * Which audit entries to read: each filter null for any; newest first unless {@code oldestFirst}.
 *
 * @param afterSeq only entries after this sequence number (0 for all), for reading in pages
 */
public record AuditQuery(String actor, String action, String target, Instant since, long afterSeq, boolean oldestFirst, int limit,
                         int offset) {

    public static AuditQuery all(int limit) {
        return new AuditQuery(null, null, null, null, 0, true, limit, 0);
    }

    public static AuditQuery after(long seq, int limit) {
        return new AuditQuery(null, null, null, null, seq, true, limit, 0);
    }
}
