package dev.airlock.core.ecosystem;

import java.util.Map;

/**
 * What verifying a release's attestations concluded.
 *
 * @param failure why they do not verify (the release is held), or null
 * @param signer  who verifiably built it ({@link ContentFacts#REPOSITORY} and the other keys),
 *                empty when nothing names a builder
 */
public record AttestationCheck(String failure, Map<String, String> signer) {

    public AttestationCheck {
        signer = Map.copyOf(signer);
    }

    public static AttestationCheck failed(String why) {
        return new AttestationCheck(why, Map.of());
    }

    public static AttestationCheck verified(Map<String, String> signer) {
        return new AttestationCheck(null, signer);
    }
}
