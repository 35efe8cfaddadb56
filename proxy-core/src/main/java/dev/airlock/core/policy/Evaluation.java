package dev.airlock.core.policy;

import java.time.Instant;
import java.util.List;

/**
 * The policy's automatic decision about one release.
 *
 * @param version     the release
 * @param verdict     what the checks decided
 * @param findings    every finding, holding ones and notes
 * @param heldUntil   when every holding finding is about age: the moment it comes of age and is
 *                    released by itself; {@code null} otherwise
 * @param factsDigest digest of the facts the decision rests on (the release and the one before
 *                    it); a person's decision sticks while it stays the same
 */
public record Evaluation(String version, Verdict verdict, List<Finding> findings, Instant heldUntil, String factsDigest) {

    public Evaluation {
        findings = List.copyOf(findings);
    }

    /** Whether clients may have it at {@code now}, by the automatic decision alone. */
    public boolean visibleAt(Instant now) {
        return verdict == Verdict.APPROVED || verdict == Verdict.QUARANTINED && heldUntil != null && !now.isBefore(heldUntil);
    }
}
