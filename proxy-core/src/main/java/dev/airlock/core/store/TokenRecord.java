package dev.airlock.core.store;

import java.time.Instant;

/**
 * An admin API token as stored: its name and role, and a SHA-256 of the token (never the token).
 *
 * @param expiresAt null for no expiry
 * @param revokedAt null while it is valid
 */
public record TokenRecord(String name, String role, String tokenHash, Instant createdAt, Instant expiresAt, Instant revokedAt) {
}
