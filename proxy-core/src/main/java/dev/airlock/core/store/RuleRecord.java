package dev.airlock.core.store;

import java.time.Instant;

/**
 * An allow or deny rule added at run time.
 *
 * @param kind    "allow" or "deny"
 * @param pattern as in {@code policy.allow}: {@code ecosystem:name@version} with globs
 */
public record RuleRecord(long id, String kind, String pattern, String reason, String addedBy, Instant addedAt, Instant removedAt) {
}
