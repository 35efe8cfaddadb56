package dev.airlock.npm;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.airlock.core.ecosystem.RegistryKey;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The npm publish attestation verified offline with real data: the registry's attestations for
 * {@code @playwright/cli@0.1.1} (copied into test resources, real/) and the registry keys that ship inside
 * the npm client (its {@code @sigstore/tuf} seeds, copied into test resources).
 */
class PublishAttestationTest {

    private static final ObjectMapper M = new ObjectMapper();

    private static JsonNode realAttestations() throws Exception {
        return M.readTree(PublishAttestationTest.class.getResourceAsStream("/real/npm-playwright-cli-0.1.1-attestations.json"));
    }

    /**
     * The registry keys the npm client ships in its Sigstore TUF seeds (the {@code keys.json}
     * target, copied as published into {@code real/npm-registry-keys.json}).
     */
    private static Map<String, RegistryKey> npmShippedKeys() throws Exception {
        Map<String, RegistryKey> keys = new HashMap<>();
        for (JsonNode k : M.readTree(PublishAttestationTest.class.getResourceAsStream("/real/npm-registry-keys.json")).path("keys")) {
            keys.put(k.path("keyId").asText(), new RegistryKey(k.path("keyId").asText(), k.path("publicKey").path("rawBytes").asText(), null));
        }
        return keys;
    }

    private static byte[] subjectSha512(JsonNode attestations) throws Exception {
        for (JsonNode a : attestations.path("attestations")) {
            if (PublishAttestation.PREDICATE.equals(a.path("predicateType").asText())) {
                JsonNode statement = M.readTree(Base64.getDecoder().decode(a.at("/bundle/dsseEnvelope/payload").asText()));
                return HexFormat.of().parseHex(statement.at("/subject/0/digest/sha512").asText());
            }
        }
        throw new AssertionError("no publish attestation");
    }

    @Test
    void theRealPublishAttestationVerifiesWithTheRegistrysShippedKey() throws Exception {
        JsonNode real = realAttestations();
        Map<String, RegistryKey> keys = npmShippedKeys();
        byte[] digest = subjectSha512(real);
        PublishAttestation.Result ok = PublishAttestation.verify(real, "@playwright/cli", "0.1.1", digest, keys);
        assertTrue(ok.verified(), ok.reason());
        assertTrue(HexFormat.of().formatHex(digest).startsWith("f64d7565f0f001f3"), "the tarball the fixture names");

        // Another package or version, other bytes, an unknown key, a tampered statement: each fails for its reason.
        assertTrue(PublishAttestation.verify(real, "@playwright/cli", "0.1.2", digest, keys).reason().contains("not pkg:npm/%40playwright/cli@0.1.2"));
        byte[] other = digest.clone();
        other[0] ^= 1;
        PublishAttestation.Result otherBytes = PublishAttestation.verify(real, "@playwright/cli", "0.1.1", other, keys);
        assertTrue(otherBytes.reason().contains("other bytes"));
        assertTrue(otherBytes.refuted(), "the registry's own key says these are not the bytes it published");
        PublishAttestation.Result unknownKey = PublishAttestation.verify(real, "@playwright/cli", "0.1.1", digest, Map.of());
        assertTrue(unknownKey.reason().contains("does not know"));
        assertTrue(!unknownKey.refuted(), "a key Airlock does not know proves nothing either way");
        // A key that had expired before the version was published signs nothing for it.
        Map<String, RegistryKey> expired = new java.util.HashMap<>();
        keys.forEach((id, k) -> expired.put(id, new RegistryKey(k.keyid(), k.spki(), java.time.Instant.parse("2025-01-01T00:00:00Z"))));
        PublishAttestation.Result late = PublishAttestation.verify(real, "@playwright/cli", "0.1.1", digest, expired,
                java.time.Instant.parse("2026-02-14T00:00:00Z"));
        assertFalse(late.verified());
        assertTrue(late.reason().contains("had expired"), late.reason());
        assertTrue(PublishAttestation.verify(real, "@playwright/cli", "0.1.1", digest, expired,
                java.time.Instant.parse("2024-06-01T00:00:00Z")).verified(), "published before the key expired");
        JsonNode tampered = real.deepCopy();
        for (JsonNode a : tampered.path("attestations")) {
            if (PublishAttestation.PREDICATE.equals(a.path("predicateType").asText())) {
                String statement = new String(Base64.getDecoder().decode(a.at("/bundle/dsseEnvelope/payload").asText()), StandardCharsets.UTF_8);
                ((ObjectNode) a.path("bundle").path("dsseEnvelope")).put("payload", Base64.getEncoder().encodeToString(
                        statement.replace("0.1.1", "0.1.9").getBytes(StandardCharsets.UTF_8)));
            }
        }
        PublishAttestation.Result forged = PublishAttestation.verify(tampered, "@playwright/cli", "0.1.9", digest, keys);
        assertFalse(forged.verified());
        assertTrue(forged.reason().contains("does not verify"), forged.reason());
    }
}
