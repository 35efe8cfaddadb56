package dev.airlock.core.ecosystem;

import java.time.Instant;

/**
 * The facts about one release that metadata states.
 *
 * @param version     the version string as the ecosystem spells it
 * @param publishedAt upstream publish time, or {@code null} when the document has none
 */
public record ReleaseInfo(String version, Instant publishedAt) {
}
