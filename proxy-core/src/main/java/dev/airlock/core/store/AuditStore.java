package dev.airlock.core.store;

import java.time.Instant;
import java.util.List;

/**
 * The append-only, hash-chained audit log.
 * Part of {@link StateStore}; methods block (JDBC) and run on worker threads.
 */
public interface AuditStore {

    /** Appends an audit entry, chained onto the last one (safe across processes on one store). */
    AuditRecord appendAudit(Instant at, String actor, String action, String target, String reason, String details);

    /** Audit entries matching a query. */
    List<AuditRecord> audit(AuditQuery query);

    long auditCount(AuditQuery query);
}
