package dev.airlock.core.store;

import java.time.Instant;

/**
 * A stored automatic decision about one release (see {@code V5__policy.sql}).
 *
 * @param verdict   APPROVED, QUARANTINED or DENIED
 * @param heldUntil when an age-only hold ends, else null
 * @param findings  the findings as a JSON array
 * @param firstHeld when the release was first held, null if never
 */
public record VerdictRecord(String id, String ecosystem, String packageName, String version, String verdict, Instant heldUntil,
                            String findings, String factsDigest, String policyVersion, Instant firstHeld, Instant decidedAt) {
}
