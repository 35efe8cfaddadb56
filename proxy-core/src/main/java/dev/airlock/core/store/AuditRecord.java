package dev.airlock.core.store;

import java.time.Instant;

/**
 * One audit log entry.
 *
 * @param actor   who: a token's name, "airlock" for automatic decisions, "cli:<user>" for the local command line
 * @param action  what ("verdict", "release", "reject", "rule.add", "token.create", ...)
 * @param target  what it was done to (a release id, a rule id, a token name)
 * @param details JSON with the rest (package, version, verdict, reasons, ...)
 */
public record AuditRecord(long seq, Instant at, String actor, String action, String target, String reason, String details,
                          String prevHash, String hash) {
}
