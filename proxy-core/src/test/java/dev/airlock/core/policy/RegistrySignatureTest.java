package dev.airlock.core.policy;

import dev.airlock.config.InstallHooks;
import dev.airlock.config.PolicyConfig;
import dev.airlock.config.PolicyMode;
import dev.airlock.core.ecosystem.RegistryKey;
import dev.airlock.core.ecosystem.ReleaseFacts;
import dev.airlock.core.store.sql.SqliteStateStore;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.Signature;
import java.security.spec.ECGenParameterSpec;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** npm registry signatures (ECDSA P-256 over name@version:integrity) and the keys they are checked against. */
class RegistrySignatureTest {

    private static final Instant PUBLISHED = Instant.parse("2025-06-01T00:00:00Z");
    private static final String MESSAGE = "left-pad@1.3.0:sha512-abc==";

    @TempDir
    Path tmp;

    private static KeyPair key() throws Exception {
        KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
        g.initialize(new ECGenParameterSpec("secp256r1"));
        return g.generateKeyPair();
    }

    private static String sign(KeyPair k, String message) throws Exception {
        Signature s = Signature.getInstance("SHA256withECDSA");
        s.initSign(k.getPrivate());
        s.update(message.getBytes(StandardCharsets.UTF_8));
        return Base64.getEncoder().encodeToString(s.sign());
    }

    private static String spki(KeyPair k) {
        return Base64.getEncoder().encodeToString(k.getPublic().getEncoded());
    }

    private static Evaluation decide(PolicyConfig config, Map<String, RegistryKey> keys, List<ReleaseFacts.RegistrySignature> sigs) {
        PolicyEngine engine = new PolicyEngine(config, false);
        engine.registryKeys(eco -> keys);
        return engine.evaluate("npm", "left-pad", List.of(new ReleaseFacts("1.3.0", PUBLISHED, null, null, Map.of(), Map.of(), sigs)),
                Map.of(), PUBLISHED.plus(Duration.ofDays(30))).get(0);
    }

    private static PolicyConfig config(boolean holdUnsigned) {
        return new PolicyConfig(PolicyMode.ENFORCE, Duration.ofHours(72), InstallHooks.NEW, true, false, List.of(), List.of(), List.of(),
                false, true, List.of(), holdUnsigned, List.of());
    }

    @Test
    void aValidSignatureIsNotedAForgedOneDenies() throws Exception {
        KeyPair registry = key();
        Map<String, RegistryKey> keys = Map.of("SHA256:k", new RegistryKey("SHA256:k", spki(registry), null));
        Evaluation ok = decide(config(true), keys, List.of(new ReleaseFacts.RegistrySignature("SHA256:k", sign(registry, MESSAGE), MESSAGE)));
        assertEquals(Verdict.APPROVED, ok.verdict());
        assertTrue(ok.findings().isEmpty(), "a verified signature adds nothing to store: " + ok.findings());

        // A signature over other bytes (a different integrity) by the right key, and one by another key.
        Evaluation tampered = decide(config(true), keys, List.of(new ReleaseFacts.RegistrySignature("SHA256:k",
                sign(registry, "left-pad@1.3.0:sha512-other=="), MESSAGE)));
        assertEquals(Verdict.DENIED, tampered.verdict());
        Evaluation otherKey = decide(config(true), keys, List.of(new ReleaseFacts.RegistrySignature("SHA256:k", sign(key(), MESSAGE), MESSAGE)));
        assertEquals(Verdict.DENIED, otherKey.verdict());
        assertTrue(otherKey.findings().get(0).message().contains("does not verify"), otherKey.toString());
        Evaluation garbage = decide(config(true), keys, List.of(new ReleaseFacts.RegistrySignature("SHA256:k", "not base64!", MESSAGE)));
        assertEquals(Verdict.DENIED, garbage.verdict());
    }

    @Test
    void expiredKeysUnknownKeysAndMissingSignatures() throws Exception {
        KeyPair registry = key();
        String sig = sign(registry, MESSAGE);
        Map<String, RegistryKey> expired = Map.of("SHA256:k", new RegistryKey("SHA256:k", spki(registry), PUBLISHED.minus(Duration.ofDays(1))));
        Evaluation e = decide(config(true), expired, List.of(new ReleaseFacts.RegistrySignature("SHA256:k", sig, MESSAGE)));
        assertEquals(Verdict.DENIED, e.verdict());
        assertTrue(e.findings().get(0).message().contains("expired"), e.toString());

        Map<String, RegistryKey> keys = Map.of("SHA256:k", new RegistryKey("SHA256:k", spki(registry), null));
        Evaluation unknown = decide(config(true), keys, List.of(new ReleaseFacts.RegistrySignature("SHA256:other", sig, MESSAGE)));
        assertEquals(Verdict.QUARANTINED, unknown.verdict());
        assertEquals(Verdict.QUARANTINED, decide(config(true), keys, List.of()).verdict(), "unsigned while the registry signs");
        assertEquals(Verdict.APPROVED, decide(config(false), keys, List.of()).verdict(), "policy.holdUnsigned: false");
        assertEquals(Verdict.APPROVED, decide(config(true), Map.of(), List.of()).verdict(), "a registry that publishes no keys");
    }

    @Test
    void keysArePinnedOnFirstUse() throws Exception {
        KeyPair first = key();
        KeyPair later = key();
        try (SqliteStateStore store = new SqliteStateStore(tmp)) {
            String[] published = {"{\"keys\":[{\"keyid\":\"SHA256:k\",\"key\":\"" + spki(first) + "\",\"expires\":null}]}"};
            RegistryKeys keys = new RegistryKeys(store, Clock.systemUTC(), eco -> published[0].getBytes(StandardCharsets.UTF_8),
                    (eco, doc) -> {
                        com.fasterxml.jackson.databind.JsonNode k = new com.fasterxml.jackson.databind.ObjectMapper().readTree(doc).get("keys").get(0);
                        return List.of(new RegistryKey(k.get("keyid").asText(), k.get("key").asText(), null));
                    });
            assertEquals(spki(first), keys.of("npm").get("SHA256:k").spki());
            // The upstream now claims other material for the same key id (seen by the next fetch): the pinned key stays.
            published[0] = "{\"keys\":[{\"keyid\":\"SHA256:k\",\"key\":\"" + spki(later) + "\",\"expires\":null}]}";
            RegistryKeys afterRestart = new RegistryKeys(store, Clock.systemUTC(), eco -> published[0].getBytes(StandardCharsets.UTF_8),
                    (eco, doc) -> {
                        com.fasterxml.jackson.databind.JsonNode k = new com.fasterxml.jackson.databind.ObjectMapper().readTree(doc).get("keys").get(0);
                        return List.of(new RegistryKey(k.get("keyid").asText(), k.get("key").asText(), null));
                    });
            assertEquals(spki(first), afterRestart.of("npm").get("SHA256:k").spki());
            assertEquals(spki(first), store.pinnedKeys("npm").get(0).spki());
        }
    }
}
