package dev.airlock.core.policy;

import java.util.List;

/** Why a file is refused: what the 403 body says. */
public record Block(String ecosystem, String packageName, String version, Verdict verdict, List<String> reasons, String releaseId) {

    public String summary() {
        return packageName + "@" + version + " is " + (verdict == Verdict.DENIED ? "denied" : "quarantined") + " by Airlock: "
                + String.join("; ", reasons);
    }

    public String howToRelease() {
        return verdict == Verdict.DENIED && reasons.stream().anyMatch(r -> r.startsWith("denied by policy.deny"))
                ? "remove the matching policy.deny entry"
                : "ask your security team to review release " + releaseId + " (airlock quarantine show " + releaseId + ")";
    }
}
