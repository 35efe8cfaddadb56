package dev.airlock.core.trust;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.airlock.core.trust.testing.FakeSigstore;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The verifier against the tests' own Sigstore (a fake Fulcio CA with a CT log, and a transparency
 * log with real Merkle proofs and signed checkpoints): both bundle formats verify, and every
 * tampered or foreign part fails for its own reason.
 */
class SigstoreVerifierTest {

    private static final FakeSigstore SIGSTORE = FakeSigstore.create("airlock");
    private static final FakeSigstore OTHER = FakeSigstore.create("other");
    private static final Instant SIGNED_AT = Instant.parse("2026-05-01T10:00:00Z");
    private static final byte[] TARBALL = "the tarball bytes".getBytes(StandardCharsets.UTF_8);
    private static final FakeSigstore.Identity IDENTITY = FakeSigstore.Identity.github("acme/tool", ".github/workflows/release.yml",
            "refs/tags/v1.2.0");

    private static SigstoreVerifier verifier() throws Exception {
        return new SigstoreVerifier(TrustedRoot.parse(SIGSTORE.trustedRootJson().getBytes(StandardCharsets.UTF_8), "the test root"));
    }

    private static String sha512(byte[] b) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-512").digest(b));
    }

    private static byte[] statement(String name, byte[] artifact) throws Exception {
        return FakeSigstore.inTotoStatement(name, Map.of("sha512", sha512(artifact)), FakeSigstore.SLSA_PROVENANCE_V1,
                FakeSigstore.slsaProvenanceV1(IDENTITY));
    }

    private static ObjectNode v03() throws Exception {
        FakeSigstore.Leaf leaf = SIGSTORE.issue(IDENTITY, SIGNED_AT);
        return SIGSTORE.dsseBundleV03(leaf, Statement.PAYLOAD_TYPE, statement("pkg:npm/tool@1.2.0", TARBALL), SIGNED_AT.getEpochSecond() + 30);
    }

    private static String fails(JsonNode bundle) throws Exception {
        SigstoreBundle b = SigstoreBundle.parse(bundle);
        return assertThrows(VerificationException.class, () -> verifier().verifyDsse(b, null)).getMessage();
    }

    @Test
    void aCurrentBundleVerifiesAndNamesWhoBuiltIt() throws Exception {
        SigstoreVerifier.Verified v = verifier().verifyDsse(SigstoreBundle.parse(v03()), null);
        assertEquals("https://github.com/acme/tool", v.identity().sourceRepository());
        assertEquals(".github/workflows/release.yml", v.identity().workflow());
        assertEquals("refs/tags/v1.2.0", v.identity().sourceRef());
        assertEquals(FakeSigstore.GITHUB_ACTIONS_ISSUER, v.identity().issuer());
        Statement s = Statement.parse(v.payloadType(), v.payload());
        assertNull(s.mismatch("pkg:npm/tool@1.2.0", "sha512", sha512(TARBALL)));
        assertTrue(s.mismatch("pkg:npm/tool@1.2.0", "sha512", sha512("other".getBytes())).contains("other bytes"));
        assertTrue(s.mismatch("pkg:npm/evil@1.2.0", "sha512", sha512(TARBALL)).contains("not pkg:npm/evil@1.2.0"));
        assertEquals("https://github.com/acme/tool", s.provenance().repository());
    }

    @Test
    void anOlderBundleWithAnIntotoEntryAndOnlyASignedPromiseVerifies() throws Exception {
        FakeSigstore.Leaf leaf = SIGSTORE.issue(IDENTITY, SIGNED_AT);
        ObjectNode v01 = SIGSTORE.intotoBundleV01(leaf, Statement.PAYLOAD_TYPE, statement("pkg:npm/tool@1.2.0", TARBALL),
                SIGNED_AT.getEpochSecond() + 30);
        SigstoreVerifier.Verified v = verifier().verifyDsse(SigstoreBundle.parse(v01), null);
        assertEquals("https://github.com/acme/tool", v.identity().sourceRepository());
        // The same bundle claiming a newer format must carry an inclusion proof.
        v01.put("mediaType", FakeSigstore.BUNDLE_V03_MEDIA_TYPE);
        assertTrue(fails(v01).contains("no inclusion proof"));
    }

    @Test
    void aMessageSignatureVerifiesOnlyOverItsArtifact() throws Exception {
        FakeSigstore.Leaf leaf = SIGSTORE.issue(IDENTITY, SIGNED_AT);
        byte[] jar = "jar bytes".getBytes(StandardCharsets.UTF_8);
        SigstoreBundle b = SigstoreBundle.parse(SIGSTORE.messageSignatureBundleV03(leaf, jar, SIGNED_AT.getEpochSecond() + 5));
        assertEquals("https://github.com/acme/tool", verifier().verifyMessage(b, MessageDigest.getInstance("SHA-256").digest(jar))
                .identity().sourceRepository());
        byte[] other = MessageDigest.getInstance("SHA-256").digest("other".getBytes());
        assertTrue(assertThrows(VerificationException.class, () -> verifier().verifyMessage(b, other)).getMessage().contains("other bytes"));
    }

    @Test
    void everyTamperedOrForeignPartFailsForItsReason() throws Exception {
        // The envelope's signature over other bytes.
        ObjectNode payload = v03();
        ((ObjectNode) payload.path("dsseEnvelope")).put("payload", Base64.getEncoder().encodeToString(statement("pkg:npm/tool@1.2.0",
                "other".getBytes())));
        assertTrue(fails(payload).contains("DSSE signature does not verify"), fails(payload));

        // A certificate from another CA (and logged by another log): the other instance's bundle.
        FakeSigstore.Leaf foreign = OTHER.issue(IDENTITY, SIGNED_AT);
        ObjectNode otherCa = OTHER.dsseBundleV03(foreign, Statement.PAYLOAD_TYPE, statement("pkg:npm/tool@1.2.0", TARBALL),
                SIGNED_AT.getEpochSecond() + 30);
        assertTrue(fails(otherCa).contains("log not in the trusted root"), fails(otherCa));
        // The other CA's certificate with this instance's log entry.
        FakeSigstore.Leaf foreignLeaf = OTHER.issue(IDENTITY, SIGNED_AT);
        ObjectNode mixed = SIGSTORE.dsseBundleV03(foreignLeaf, Statement.PAYLOAD_TYPE, statement("pkg:npm/tool@1.2.0", TARBALL),
                SIGNED_AT.getEpochSecond() + 30);
        assertTrue(fails(mixed).contains("not issued by a certificate authority in the trusted root"), fails(mixed));

        // No inclusion proof.
        ObjectNode noProof = v03();
        ((ObjectNode) noProof.at("/verificationMaterial/tlogEntries/0")).remove("inclusionProof");
        assertTrue(fails(noProof).contains("no inclusion proof"));

        // A checkpoint whose signature is not the log's.
        ObjectNode checkpoint = v03();
        ObjectNode cp = (ObjectNode) checkpoint.at("/verificationMaterial/tlogEntries/0/inclusionProof/checkpoint");
        String env = cp.path("envelope").asText();
        String line = env.substring(env.indexOf('\u2014'));
        byte[] raw = Base64.getDecoder().decode(line.substring(line.lastIndexOf(' ') + 1).strip());
        raw[raw.length - 3] ^= 1;
        cp.put("envelope", env.replace(line, line.substring(0, line.lastIndexOf(' ') + 1) + Base64.getEncoder().encodeToString(raw) + "\n"));
        assertTrue(fails(checkpoint).contains("checkpoint is not signed"), fails(checkpoint));

        // A checkpoint for another tree than the proof's.
        ObjectNode root = v03();
        ObjectNode p = (ObjectNode) root.at("/verificationMaterial/tlogEntries/0/inclusionProof");
        byte[] hash = Base64.getDecoder().decode(p.path("rootHash").asText());
        hash[0] ^= 1;
        p.put("rootHash", Base64.getEncoder().encodeToString(hash));
        assertTrue(fails(root).contains("inclusion proof does not lead"), fails(root));

        // The log's signed promise over another time.
        ObjectNode time = v03();
        ((ObjectNode) time.at("/verificationMaterial/tlogEntries/0")).put("integratedTime", String.valueOf(SIGNED_AT.getEpochSecond() + 60));
        assertTrue(fails(time).contains("signed promise"), fails(time));

        // Logged after the ten-minute certificate had expired.
        FakeSigstore.Leaf late = SIGSTORE.issue(IDENTITY, SIGNED_AT);
        ObjectNode expired = SIGSTORE.dsseBundleV03(late, Statement.PAYLOAD_TYPE, statement("pkg:npm/tool@1.2.0", TARBALL),
                SIGNED_AT.getEpochSecond() + 3600);
        assertTrue(fails(expired).contains("not valid when the transparency log recorded"), fails(expired));

        // A certificate no CT log witnessed.
        FakeSigstore.Leaf unwitnessed = SIGSTORE.issue(IDENTITY, SIGNED_AT, false);
        ObjectNode noSct = SIGSTORE.dsseBundleV03(unwitnessed, Statement.PAYLOAD_TYPE, statement("pkg:npm/tool@1.2.0", TARBALL),
                SIGNED_AT.getEpochSecond() + 30);
        assertTrue(fails(noSct).contains("no certificate-transparency timestamp"), fails(noSct));

        // Not a bundle at all.
        assertThrows(VerificationException.class, () -> SigstoreBundle.parse(new com.fasterxml.jackson.databind.ObjectMapper().readTree("{\"mediaType\":\"x\"}")));
        assertThrows(VerificationException.class, () -> SigstoreBundle.parse(new com.fasterxml.jackson.databind.ObjectMapper().readTree("[]")));
    }

    @Test
    void anEnvelopeWithMoreThanOneSignatureIsRefused() throws Exception {
        // Found by Pep740DifferentialTest: only the first signature was checked, so anything could follow it.
        ObjectNode twice = v03();
        com.fasterxml.jackson.databind.node.ArrayNode sigs = (com.fasterxml.jackson.databind.node.ArrayNode) twice.at("/dsseEnvelope/signatures");
        sigs.add(sigs.get(0).deepCopy());
        assertTrue(fails(twice).contains("carries 2 signatures"), fails(twice));
        ObjectNode other = v03();
        ((com.fasterxml.jackson.databind.node.ArrayNode) other.at("/dsseEnvelope/signatures")).addObject().put("keyid", "")
                .put("sig", Base64.getEncoder().encodeToString("not a signature".getBytes(StandardCharsets.UTF_8)));
        assertTrue(fails(other).contains("carries 2 signatures"), fails(other));
        // The same bundle with its one signature verifies.
        verifier().verifyDsse(SigstoreBundle.parse(v03()), null);
    }

    /** A bundle whose log entry (appended to the log, so promise and proof verify) records a second signer beside the bundle's. */
    private static ObjectNode loggedWithSecondSigner(boolean intoto, boolean secondFirst) throws Exception {
        com.fasterxml.jackson.databind.ObjectMapper sorted = new com.fasterxml.jackson.databind.ObjectMapper()
                .configure(com.fasterxml.jackson.databind.SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS, true);
        FakeSigstore.Leaf leaf = SIGSTORE.issue(IDENTITY, SIGNED_AT);
        FakeSigstore.Leaf evil = SIGSTORE.issue(FakeSigstore.Identity.github("evil/tool", ".github/workflows/release.yml", "refs/heads/main"),
                SIGNED_AT);
        byte[] statement = statement("pkg:npm/tool@1.2.0", TARBALL);
        byte[] sig = FakeSigstore.signDsse(leaf.privateKey(), Statement.PAYLOAD_TYPE, statement);
        byte[] evilSig = FakeSigstore.signDsse(evil.privateKey(), Statement.PAYLOAD_TYPE, statement);
        String evilPem = Base64.getEncoder().encodeToString(FakeSigstore.pem(evil.certificate()).getBytes(StandardCharsets.US_ASCII));
        long at = SIGNED_AT.getEpochSecond() + 30;
        ObjectNode bundle = intoto ? SIGSTORE.intotoBundleV01(leaf, Statement.PAYLOAD_TYPE, statement, at)
                : SIGSTORE.dsseBundleV03(leaf, Statement.PAYLOAD_TYPE, statement, at);
        ObjectNode body = (ObjectNode) sorted.readTree(intoto ? FakeSigstore.intotoBody(Statement.PAYLOAD_TYPE, statement, sig, leaf.certificate())
                : FakeSigstore.dsseBody(Statement.PAYLOAD_TYPE, statement, sig, leaf.certificate()));
        com.fasterxml.jackson.databind.node.ArrayNode sigs = (com.fasterxml.jackson.databind.node.ArrayNode)
                body.at(intoto ? "/spec/content/envelope/signatures" : "/spec/signatures");
        ObjectNode second = intoto
                ? sorted.createObjectNode().put("publicKey", evilPem).put("sig", Base64.getEncoder().encodeToString(
                        Base64.getEncoder().encodeToString(evilSig).getBytes(StandardCharsets.US_ASCII)))
                : sorted.createObjectNode().put("signature", Base64.getEncoder().encodeToString(evilSig)).put("verifier", evilPem);
        if (secondFirst) {
            sigs.insert(0, second);
        } else {
            sigs.add(second);
        }
        var entry = SIGSTORE.rekor().append(intoto ? "intoto" : "dsse", intoto ? "0.0.2" : "0.0.1", sorted.writeValueAsBytes(body), at);
        ((com.fasterxml.jackson.databind.node.ArrayNode) bundle.at("/verificationMaterial/tlogEntries")).set(0, SIGSTORE.rekor().entryJson(entry, !intoto));
        return bundle;
    }

    @Test
    void aLogEntryRecordingMoreThanOneSignatureIsRefused() throws Exception {
        // Found by Pep740DifferentialTest: an entry vouched for the bundle if any of its signatures was the bundle's.
        for (boolean intoto : new boolean[] {false, true}) {
            for (boolean secondFirst : new boolean[] {false, true}) {
                String why = fails(loggedWithSecondSigner(intoto, secondFirst));
                assertTrue(why.contains("records 2 signatures, not the bundle's one"), (intoto ? "intoto" : "dsse") + ": " + why);
            }
        }
    }

    @Test
    void aRootTrustingSeveralInstancesPicksTheRightCaAndLog() throws Exception {
        TrustedRoot both = TrustedRoot.parse(FakeSigstore.trustedRootJson(List.of(OTHER, SIGSTORE)).getBytes(StandardCharsets.UTF_8), "two");
        FakeSigstore.Leaf foreign = OTHER.issue(IDENTITY, SIGNED_AT);
        ObjectNode otherBundle = OTHER.dsseBundleV03(foreign, Statement.PAYLOAD_TYPE, statement("pkg:npm/tool@1.2.0", TARBALL),
                SIGNED_AT.getEpochSecond() + 30);
        new SigstoreVerifier(both).verifyDsse(SigstoreBundle.parse(otherBundle), null);
        new SigstoreVerifier(both).verifyDsse(SigstoreBundle.parse(v03()), null);
    }

    @Test
    void aKeyAskedForIsNotStoodInForByACertificate() throws Exception {
        // A caller that wants the registry key's signature gets no certificate-signed bundle instead.
        java.security.PublicKey someKey = java.security.KeyPairGenerator.getInstance("EC").generateKeyPair().getPublic();
        SigstoreBundle b = SigstoreBundle.parse(v03());
        assertTrue(assertThrows(VerificationException.class, () -> verifier().verifyDsse(b, someKey)).getMessage()
                .contains("signed by a certificate, not by the expected key"));
    }
}
