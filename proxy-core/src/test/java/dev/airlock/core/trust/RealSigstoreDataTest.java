package dev.airlock.core.trust;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyFactory;
import java.security.MessageDigest;
import java.security.PublicKey;
import java.security.spec.X509EncodedKeySpec;
import java.util.Base64;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The verifier on real material, offline, against the trusted root Airlock ships: the npm
 * registry's attestations for {@code @playwright/cli@0.1.1} (copied into test resources, real/: SLSA
 * provenance with a Fulcio certificate, and the registry-key-signed publish attestation, both
 * Rekor {@code dsse} entries with inclusion proofs), and {@code sigstore-java-2.0.0.jar} with its
 * {@code .sigstore.json} (a {@code hashedrekord} message signature) as the build pulls them
 * through Maven. Each tampered copy fails for its own reason.
 */
class RealSigstoreDataTest {

    private static final ObjectMapper M = new ObjectMapper();
    private static final SigstoreVerifier VERIFIER = new SigstoreVerifier(TrustedRoot.shipped());

    private static JsonNode attestation(String predicatePrefix) throws Exception {
        JsonNode doc = M.readTree(RealSigstoreDataTest.class.getResourceAsStream("real/npm-playwright-cli-0.1.1-attestations.json"));
        for (JsonNode a : doc.path("attestations")) {
            if (a.path("predicateType").asText().startsWith(predicatePrefix)) {
                return a.path("bundle").deepCopy();
            }
        }
        throw new AssertionError("no " + predicatePrefix + " attestation in the fixture");
    }

    @Test
    void theShippedRootIsThePublicGoodInstance() {
        TrustedRoot root = TrustedRoot.shipped();
        assertTrue(root.authorities().stream().anyMatch(a -> a.uri().equals("https://fulcio.sigstore.dev")));
        assertTrue(root.tlogs().stream().anyMatch(l -> l.baseUrl().equals("https://rekor.sigstore.dev")));
        assertTrue(root.ctlogs().size() >= 1);
    }

    @Test
    void realSlsaProvenanceVerifiesAndNamesItsBuild() throws Exception {
        SigstoreVerifier.Verified v = VERIFIER.verifyDsse(SigstoreBundle.parse(attestation("https://slsa.dev/provenance/v1")), null);
        SigningIdentity id = v.identity();
        assertEquals("https://github.com/microsoft/playwright-cli/.github/workflows/publish.yml@refs/tags/v0.1.1", id.subject());
        assertEquals("https://token.actions.githubusercontent.com", id.issuer());
        assertEquals("https://github.com/microsoft/playwright-cli", id.sourceRepository());
        assertEquals("refs/tags/v0.1.1", id.sourceRef());
        assertEquals(".github/workflows/publish.yml", id.workflow());
        assertEquals("https://rekor.sigstore.dev", v.log());

        Statement s = Statement.parse(v.payloadType(), v.payload());
        byte[] tarball = Files.readAllBytes(Path.of("../ecosystems/npm/src/test/resources/real/playwright-cli-0.1.1.tgz"));
        String sha512 = java.util.HexFormat.of().formatHex(MessageDigest.getInstance("SHA-512").digest(tarball));
        assertEquals(null, s.mismatch("pkg:npm/%40playwright/cli@0.1.1", "sha512", sha512), "the statement names the real tarball");
        assertTrue(s.mismatch("pkg:npm/%40playwright/cli@0.1.1", "sha512", sha512.replace('f', 'e')).contains("other bytes"));
        Statement.Provenance p = s.provenance();
        assertEquals("https://github.com/microsoft/playwright-cli", p.repository());
        assertEquals(".github/workflows/publish.yml", p.workflow());
        assertEquals("https://github.com/actions/runner/github-hosted", p.builder());
    }

    @Test
    void realPublishAttestationVerifiesWithTheRegistryKeyOnly() throws Exception {
        SigstoreBundle b = SigstoreBundle.parse(attestation("https://github.com/npm/attestation"));
        VerificationException noKey = assertThrows(VerificationException.class, () -> VERIFIER.verifyDsse(b, null));
        assertTrue(noKey.getMessage().contains("plain key"), noKey.getMessage());
        PublicKey registryKey = npmRegistryKey(b.keyHint());
        SigstoreVerifier.Verified v = VERIFIER.verifyDsse(b, registryKey);
        assertEquals(null, v.identity());
        PublicKey other = KeyFactory.getInstance("EC").generatePublic(new X509EncodedKeySpec(
                java.security.KeyPairGenerator.getInstance("EC").generateKeyPair().getPublic().getEncoded()));
        assertTrue(assertThrows(VerificationException.class, () -> VERIFIER.verifyDsse(b, other)).getMessage().contains("does not verify"));
    }

    /**
     * The npm registry's key by key id, from {@code real/npm-registry-keys.json}: the
     * {@code keys.json} target of the Sigstore TUF seeds the npm client ships, copied as published.
     */
    private static PublicKey npmRegistryKey(String keyid) throws Exception {
        JsonNode keys = M.readTree(RealSigstoreDataTest.class.getResourceAsStream("real/npm-registry-keys.json"));
        for (JsonNode k : keys.path("keys")) {
            if (k.path("keyId").asText().equals(keyid)) {
                return KeyFactory.getInstance("EC").generatePublic(new X509EncodedKeySpec(
                        Base64.getDecoder().decode(k.path("publicKey").path("rawBytes").asText())));
            }
        }
        throw new AssertionError("no key " + keyid + " in real/npm-registry-keys.json");
    }

    @Test
    void realMavenSigstoreBundleVerifiesOverTheRealJar() throws Exception {
        Path dir = Path.of("target/real-sigstore");
        byte[] jar = Files.readAllBytes(dir.resolve("sigstore-java-2.0.0.jar"));
        SigstoreBundle b = SigstoreBundle.parse(M.readTree(dir.resolve("sigstore-java-2.0.0.jar.sigstore.json").toFile()));
        byte[] sha256 = MessageDigest.getInstance("SHA-256").digest(jar);
        SigstoreVerifier.Verified v = VERIFIER.verifyMessage(b, sha256);
        assertEquals("https://github.com/sigstore/sigstore-java/.github/workflows/release-sigstore-java-from-tag.yaml@refs/tags/v2.0.0",
                v.identity().subject());
        assertEquals("https://github.com/sigstore/sigstore-java", v.identity().sourceRepository());
        assertEquals(1763671523L, v.integratedTime().getEpochSecond());
        jar[jar.length / 2] ^= 1;
        byte[] other = MessageDigest.getInstance("SHA-256").digest(jar);
        assertTrue(assertThrows(VerificationException.class, () -> VERIFIER.verifyMessage(b, other)).getMessage().contains("other bytes"));
    }

    @Test
    void tamperedRealBundlesFailForTheirReason() throws Exception {
        JsonNode good = attestation("https://slsa.dev/provenance/v1");

        ObjectNode checkpoint = good.deepCopy();
        ObjectNode proof = (ObjectNode) checkpoint.at("/verificationMaterial/tlogEntries/0/inclusionProof");
        String env = proof.path("checkpoint").path("envelope").asText();
        String[] lines = env.split("\n");
        ((ObjectNode) proof.path("checkpoint")).put("envelope", env.replaceFirst("\n" + lines[1] + "\n", "\n" + (Long.parseLong(lines[1]) + 1) + "\n"));
        proof.put("treeSize", String.valueOf(Long.parseLong(lines[1]) + 1));
        assertFails(checkpoint, "inclusion proof does not lead");

        ObjectNode resigned = good.deepCopy();
        ObjectNode p2 = (ObjectNode) resigned.at("/verificationMaterial/tlogEntries/0/inclusionProof");
        String env2 = p2.path("checkpoint").path("envelope").asText();
        String sigLine = env2.substring(env2.indexOf("\u2014"));
        String tamperedSig = sigLine.substring(0, sigLine.length() - 6) + (sigLine.charAt(sigLine.length() - 6) == 'A' ? 'B' : 'A') + sigLine.substring(sigLine.length() - 5);
        ((ObjectNode) p2.path("checkpoint")).put("envelope", env2.replace(sigLine, tamperedSig));
        assertFails(resigned, "checkpoint is not signed");

        ObjectNode noProof = good.deepCopy();
        ((ObjectNode) noProof.at("/verificationMaterial/tlogEntries/0")).remove("inclusionProof");
        assertFails(noProof, "no inclusion proof");

        ObjectNode wrongHash = good.deepCopy();
        ArrayNode hashes = (ArrayNode) wrongHash.at("/verificationMaterial/tlogEntries/0/inclusionProof/hashes");
        hashes.set(0, M.getNodeFactory().textNode(hashes.get(1).asText()));
        assertFails(wrongHash, "inclusion proof does not lead");

        ObjectNode otherPayload = good.deepCopy();
        String payload = new String(Base64.getDecoder().decode(otherPayload.at("/dsseEnvelope/payload").asText()), StandardCharsets.UTF_8);
        ((ObjectNode) otherPayload.path("dsseEnvelope")).put("payload", Base64.getEncoder().encodeToString(
                payload.replace("v0.1.1", "v0.1.2").getBytes(StandardCharsets.UTF_8)));
        assertFails(otherPayload, "DSSE signature does not verify");

        ObjectNode promise = good.deepCopy();
        ((ObjectNode) promise.at("/verificationMaterial/tlogEntries/0")).put("integratedTime", "1771111999");
        assertFails(promise, "signed promise");

        ObjectNode otherLog = good.deepCopy();
        ((ObjectNode) otherLog.at("/verificationMaterial/tlogEntries/0/logId")).put("keyId",
                Base64.getEncoder().encodeToString(new byte[32]));
        assertFails(otherLog, "not in the trusted root");
    }

    private static void assertFails(JsonNode bundle, String reason) throws Exception {
        SigstoreBundle b = SigstoreBundle.parse(bundle);
        VerificationException e = assertThrows(VerificationException.class, () -> VERIFIER.verifyDsse(b, null));
        assertTrue(e.getMessage().contains(reason), "expected '" + reason + "' but got: " + e.getMessage());
    }
}
