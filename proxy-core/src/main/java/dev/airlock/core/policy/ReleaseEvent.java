package dev.airlock.core.policy;

import java.time.Instant;
import java.util.List;

/**
 * Something the security team may want to hear about: a release held or denied by the policy,
 * or released or rejected by a person.
 *
 * @param type    "held", "denied", "released", "rejected"
 * @param actor   "airlock" for the policy, else who decided
 * @param reason  the person's reason, or null for the policy's own decisions
 * @param reasons the policy's reasons (findings that hold it)
 */
public record ReleaseEvent(String type, String ecosystem, String packageName, String version, String releaseId, List<String> reasons,
                           String actor, String reason, Instant at) {

    public ReleaseEvent {
        reasons = List.copyOf(reasons);
    }
}
