package dev.airlock.npm;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.airlock.core.ecosystem.RegistryKey;
import dev.airlock.core.json.StrictJson;
import dev.airlock.core.trust.SigstoreVerifier;

import java.io.IOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.Signature;
import java.security.spec.X509EncodedKeySpec;
import java.time.Instant;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Map;

/**
 * The npm publish attestation ({@code https://github.com/npm/attestation/tree/main/specs/publish/v0.1}):
 * an in-toto statement the registry signs with its own key (a DSSE envelope in a Sigstore bundle,
 * no certificate) saying which tarball it accepted for {@code name@version}. Verified offline
 * against the registry keys Airlock pins.
 */
final class PublishAttestation {

    static final String PREDICATE = "https://github.com/npm/attestation/tree/main/specs/publish/v0.1";
    private static final ObjectMapper JSON = StrictJson.MAPPER;

    /**
     * What the check concluded; {@code reason} says why it failed, or what was verified.
     * {@code refuted}: the registry's own key says this is not the release it published.
     */
    record Result(boolean verified, boolean refuted, String reason) {
    }

    private PublishAttestation() {
    }

    /**
     * @param attestations the registry's attestations document for this version ({@code {"attestations":[...]}})
     * @param sha512       the tarball's SHA-512, which the statement's subject must name
     */
    static Result verify(JsonNode attestations, String name, String version, byte[] sha512, Map<String, RegistryKey> keys) {
        return verify(attestations, name, version, sha512, keys, null);
    }

    /**
     * @param publishedAt when the registry says the version was published, or null: a key that
     *                    had expired by then signs nothing for it (as for {@code dist.signatures})
     */
    static Result verify(JsonNode attestations, String name, String version, byte[] sha512, Map<String, RegistryKey> keys,
                         Instant publishedAt) {
        for (JsonNode a : attestations.path("attestations")) {
            if (!PREDICATE.equals(a.path("predicateType").asText())) {
                continue;
            }
            JsonNode bundle = a.path("bundle");
            String keyid = bundle.path("verificationMaterial").path("publicKey").path("hint").asText(null);
            JsonNode envelope = bundle.path("dsseEnvelope");
            String payloadType = envelope.path("payloadType").asText(null);
            String payload = envelope.path("payload").asText(null);
            String sig = envelope.path("signatures").path(0).path("sig").asText(null);
            if (keyid == null || payloadType == null || payload == null || sig == null) {
                return new Result(false, false, "the publish attestation is incomplete");
            }
            RegistryKey key = keys.get(keyid);
            if (key == null) {
                return new Result(false, false, "the publish attestation is signed by " + keyid + ", a key Airlock does not know");
            }
            if (key.expires() != null && publishedAt != null && !publishedAt.isBefore(key.expires())) {
                return new Result(false, false, "the publish attestation is signed by " + keyid + ", which had expired (" + key.expires()
                        + ") before the version was published (" + publishedAt + ")");
            }
            byte[] body;
            try {
                body = Base64.getDecoder().decode(payload);
                Signature s = Signature.getInstance("SHA256withECDSA");
                s.initVerify(KeyFactory.getInstance("EC").generatePublic(new X509EncodedKeySpec(Base64.getDecoder().decode(key.spki()))));
                s.update(pae(payloadType, body));
                if (!s.verify(Base64.getDecoder().decode(sig))) {
                    return new Result(false, true, "the publish attestation's signature by " + keyid + " does not verify");
                }
            } catch (GeneralSecurityException | IllegalArgumentException e) {
                return new Result(false, false, "the publish attestation cannot be verified: " + e.getMessage());
            }
            try {
                JsonNode statement = JSON.readTree(body);
                JsonNode subject = statement.path("subject").path(0);
                String expected = "pkg:npm/" + URLEncoder.encode(name, StandardCharsets.UTF_8).replace("%2F", "/") + "@" + version;
                if (!expected.equals(subject.path("name").asText())) {
                    return new Result(false, true, "the publish attestation is about " + subject.path("name").asText() + ", not " + expected);
                }
                if (!HexFormat.of().formatHex(sha512).equals(subject.path("digest").path("sha512").asText())) {
                    return new Result(false, true, "the publish attestation names other bytes than the tarball (sha512 "
                            + subject.path("digest").path("sha512").asText() + ")");
                }
                return new Result(true, false, "the registry's publish attestation verifies (" + keyid + ")");
            } catch (IOException e) {
                return new Result(false, false, "the publish attestation's statement is not JSON");
            }
        }
        return new Result(false, false, "no publish attestation");
    }

    /** DSSE's pre-authentication encoding: what the signature covers. */
    static byte[] pae(String payloadType, byte[] payload) {
        return SigstoreVerifier.pae(payloadType, payload);
    }
}
