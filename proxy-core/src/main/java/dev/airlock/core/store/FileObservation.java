package dev.airlock.core.store;

import java.time.Instant;
import java.util.OptionalLong;

/**
 * A file listed upstream, as Airlock observed it.
 *
 * @param integrity the digest the listing declares (SRI); a new digest under the same name starts
 *                  the observation afresh
 * @param firstSeen when Airlock first saw the file listed with this digest
 * @param size      upstream's Content-Length for it, when Airlock asked and got one
 * @param probedAt  when Airlock last asked upstream for the size, {@code null} if never
 */
public record FileObservation(String filename, String integrity, Instant firstSeen, OptionalLong size, Instant probedAt) {
}
