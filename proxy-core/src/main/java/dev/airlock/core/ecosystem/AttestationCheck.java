package dev.airlock.core.ecosystem;

import java.util.Map;

/**
 * What verifying a release's attestations concluded.
 *
 * @param failure  why they do not verify, or null
 * @param refuted  whether the failure is evidence against the release (a signature by a known key
 *                 that does not verify, a statement about other bytes): the release is denied.
 *                 Otherwise they could not be checked (a key Airlock does not know, an incomplete
 *                 document) and the release is held.
 * @param signer   who verifiably built it ({@link ContentFacts#REPOSITORY} and the other keys),
 *                 empty when nothing names a builder
 */
public record AttestationCheck(String failure, boolean refuted, Map<String, String> signer) {

    public AttestationCheck {
        signer = Map.copyOf(signer);
    }

    /** They could not be checked: the release is held. */
    public static AttestationCheck failed(String why) {
        return new AttestationCheck(why, false, Map.of());
    }

    /** They say the release is not what was attested: the release is denied. */
    public static AttestationCheck refuted(String why) {
        return new AttestationCheck(why, true, Map.of());
    }

    public static AttestationCheck verified(Map<String, String> signer) {
        return new AttestationCheck(null, false, signer);
    }
}
