package dev.airlock.core.store;

import java.time.Instant;

/**
 * A person's decision about a held release.
 *
 * @param seq         order of decisions (assigned by the store; 0 before it is stored)
 * @param action      "release" or "reject"
 * @param factsDigest the facts it was made for; it lapses when they change
 * @param expiresAt   when a release stops applying, null for never
 */
public record DecisionRecord(long seq, String id, String action, String reason, String actor, String factsDigest, Instant expiresAt,
                             Instant decidedAt) {
}
