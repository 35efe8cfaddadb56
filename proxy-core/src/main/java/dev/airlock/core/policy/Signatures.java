package dev.airlock.core.policy;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PublicKey;
import java.security.Signature;
import java.security.spec.X509EncodedKeySpec;
import java.util.Base64;

/** Signature checks the policy runs, with the JDK's providers. */
final class Signatures {

    private Signatures() {
    }

    /**
     * ECDSA over SHA-256 (npm's registry signatures).
     *
     * @param spki      base64 DER SubjectPublicKeyInfo of the key
     * @param signature base64 DER signature
     * @return false for a signature that does not verify, and for anything malformed
     */
    static boolean verifyEcdsa(String spki, String signature, String message) {
        // A package's thousands of releases are decided again on every change: each signature is checked once.
        return VERIFIED.get(spki + "\0" + signature + "\0" + message, k -> check(spki, signature, message));
    }

    private static final Cache<String, Boolean> VERIFIED =
            Caffeine.newBuilder().maximumSize(500_000).build();

    private static boolean check(String spki, String signature, String message) {
        try {
            PublicKey key = KeyFactory.getInstance("EC").generatePublic(new X509EncodedKeySpec(Base64.getDecoder().decode(spki)));
            Signature s = Signature.getInstance("SHA256withECDSA");
            s.initVerify(key);
            s.update(message.getBytes(StandardCharsets.UTF_8));
            return s.verify(Base64.getDecoder().decode(signature));
        } catch (GeneralSecurityException | IllegalArgumentException e) {
            return false;
        }
    }
}
