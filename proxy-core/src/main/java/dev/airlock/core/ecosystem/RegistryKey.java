package dev.airlock.core.ecosystem;

import java.time.Instant;
import java.util.Objects;

/**
 * A key a registry signs releases with.
 *
 * @param keyid     the id signatures name it by
 * @param spki      the public key, base64 of its DER SubjectPublicKeyInfo (ECDSA P-256 for npm)
 * @param expires   after this, releases it signs are not valid; null for never
 */
public record RegistryKey(String keyid, String spki, Instant expires) {

    public RegistryKey {
        Objects.requireNonNull(keyid, "keyid");
        Objects.requireNonNull(spki, "spki");
    }
}
