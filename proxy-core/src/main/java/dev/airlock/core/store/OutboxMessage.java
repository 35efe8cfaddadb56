package dev.airlock.core.store;

import java.time.Instant;

/** A message of the {@link Outbox}, as claimed: {@code attempts} counts earlier claims (1 on the first). */
public record OutboxMessage(long id, String payload, Instant createdAt, int attempts) {
}
