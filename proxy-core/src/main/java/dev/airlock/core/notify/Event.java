package dev.airlock.core.notify;

import java.net.URI;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * What webhooks are told: a release held or denied by the policy, or released or rejected by a
 * person. Names, versions and reasons come from package metadata and are attacker-controlled;
 * the payload renderers treat them as text, never as markup.
 *
 * @param type        {@link #HELD}, {@link #DENIED}, {@link #RELEASED} or {@link #REJECTED}
 * @param ecosystem   ecosystem id, such as {@code npm}
 * @param packageName the package's name as its ecosystem writes it
 * @param version     the release's version
 * @param releaseId   Airlock's id of the release (the quarantine entry)
 * @param reasons     why the policy holds or denies it; unmodifiable, may be empty
 * @param actor       who decided: {@link #AIRLOCK} for the policy, else the person (token name)
 * @param reason      the person's reason, or null for the policy's own decisions
 * @param at          when it was decided
 * @param consoleUrl  a link to the release in the web console, or null when there is none
 */
public record Event(String type, String ecosystem, String packageName, String version, String releaseId, List<String> reasons,
                    String actor, String reason, Instant at, URI consoleUrl) {

    public static final String HELD = "held";
    public static final String DENIED = "denied";
    public static final String RELEASED = "released";
    public static final String REJECTED = "rejected";
    /** The actor of the policy's automatic decisions. */
    public static final String AIRLOCK = "airlock";

    private static final Set<String> TYPES = Set.of(HELD, DENIED, RELEASED, REJECTED);

    public Event {
        Objects.requireNonNull(type, "type");
        if (!TYPES.contains(type)) {
            throw new IllegalArgumentException("type: got '" + type + "'; allowed: held, denied, released, rejected");
        }
        Objects.requireNonNull(ecosystem, "ecosystem");
        Objects.requireNonNull(packageName, "packageName");
        Objects.requireNonNull(version, "version");
        Objects.requireNonNull(releaseId, "releaseId");
        reasons = List.copyOf(reasons);
        Objects.requireNonNull(actor, "actor");
        Objects.requireNonNull(at, "at");
    }
}
