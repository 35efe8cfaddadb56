package dev.airlock.core.trust.testing;

import static dev.airlock.core.trust.testing.RealSigstoreVectors.*;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.airlock.core.trust.testing.FakeSigstore.Identity;
import dev.airlock.core.trust.testing.FakeSigstore.Leaf;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.MessageDigest;
import java.security.PublicKey;
import java.security.Signature;
import java.security.cert.CertPathValidator;
import java.security.cert.CertPathValidatorException;
import java.security.cert.CertificateFactory;
import java.security.cert.PKIXParameters;
import java.security.cert.TrustAnchor;
import java.security.cert.X509Certificate;
import java.security.interfaces.ECPublicKey;
import java.security.spec.X509EncodedKeySpec;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.Date;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.bouncycastle.asn1.ASN1Encodable;
import org.bouncycastle.asn1.ASN1EncodableVector;
import org.bouncycastle.asn1.ASN1Encoding;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.ASN1OctetString;
import org.bouncycastle.asn1.ASN1Primitive;
import org.bouncycastle.asn1.ASN1Sequence;
import org.bouncycastle.asn1.ASN1TaggedObject;
import org.bouncycastle.asn1.ASN1UTF8String;
import org.bouncycastle.asn1.DERSequence;
import org.bouncycastle.asn1.DERTaggedObject;
import org.bouncycastle.asn1.x509.Extension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Proves that {@link FakeSigstore} produces genuine Sigstore material, using only checks written here (JDK
 * PKIX and signatures, Bouncy Castle ASN.1 parsing, openssl, and RFC 6962 written out recursively), never the
 * production verifier. The checks are first calibrated against real public-good data
 * ({@link RealSigstoreVectors}), so they test the real format and not merely agreement with the fake.
 */
class FakeSigstoreTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Instant T0 = Instant.parse("2026-03-01T12:00:00Z");
    private static final long IN_VALIDITY = T0.getEpochSecond() + 60;
    private static final String SCT_OID = "1.3.6.1.4.1.11129.2.4.2";
    private static final Identity ID = Identity.github("owner/repo", ".github/workflows/release.yml", "refs/tags/v1.0.0");
    private static final byte[] STATEMENT = FakeSigstore.inTotoStatement("pkg:npm/example@1.0.0",
            Map.of("sha512", "ab".repeat(64)), FakeSigstore.SLSA_PROVENANCE_V1, FakeSigstore.slsaProvenanceV1(ID));

    // ------------------------------------------------------------------------------------ calibration

    @Test
    void theTestsOwnChecksAcceptRealPublicGoodMaterialAndRejectItAltered() throws Exception {
        PublicKey rekorKey = ecKey(REAL_REKOR_KEY);
        byte[] logId = sha256(rekorKey.getEncoded());
        byte[] body = b64(REAL_BODY);

        // SET over the canonical JSON as written by hand here
        assertTrue(verify(rekorKey, setPayload(body, REAL_INTEGRATED_TIME, logId, REAL_LOG_INDEX), b64(REAL_SET)));
        assertFalse(verify(rekorKey, setPayload(body, REAL_INTEGRATED_TIME + 1, logId, REAL_LOG_INDEX), b64(REAL_SET)));

        // inclusion proof, RFC 9162 verification
        List<byte[]> proof = REAL_HASHES.stream().map(FakeSigstoreTest::b64).toList();
        assertArrayEquals(b64(REAL_ROOT_HASH), rootFromProof(REAL_TREE_INDEX, REAL_TREE_SIZE, leafHash(body), proof));
        assertFalse(Arrays.equals(b64(REAL_ROOT_HASH),
                rootFromProof(REAL_TREE_INDEX - 1, REAL_TREE_SIZE, leafHash(body), proof)));

        // checkpoint: signed note with a 4-byte key hint
        Note note = Note.parse(REAL_CHECKPOINT);
        assertEquals("rekor.sigstore.dev - 1193050959916656506", note.origin());
        assertEquals("rekor.sigstore.dev", note.signer());
        assertEquals(REAL_TREE_SIZE, note.treeSize());
        assertArrayEquals(b64(REAL_ROOT_HASH), note.rootHash());
        assertArrayEquals(Arrays.copyOf(logId, 4), note.keyHint());
        assertTrue(verify(rekorKey, note.text().getBytes(UTF_8), note.signature()));
        assertFalse(verify(rekorKey, note.text().replace("831393321", "831393322").getBytes(UTF_8), note.signature()));

        // embedded SCT over the rebuilt precertificate TBS
        X509Certificate leaf = cert(REAL_LEAF);
        X509Certificate intermediate = cert(REAL_INTERMEDIATE);
        PublicKey ctKey = ecKey(REAL_CT_KEY);
        Sct sct = Sct.parse(leaf);
        assertArrayEquals(sha256(ctKey.getEncoded()), sct.logId());
        assertTrue(sct.verify(ctKey, intermediate, precertTbs(leaf)));
        assertFalse(sct.verify(ctKey, intermediate, leaf.getTBSCertificate()));
        assertFalse(sct.verify(ctKey, leaf, precertTbs(leaf)));
    }

    // ------------------------------------------------------------------------------------ Fulcio

    @Test
    void theChainValidatesWithPkixOnlyInsideTheLeafValidityAndOnlyUnderItsOwnRoot() throws Exception {
        FakeSigstore fs = FakeSigstore.create();
        Leaf leaf = fs.issue(ID, T0);
        assertEquals(List.of(leaf.certificate(), fs.intermediateCertificate(), fs.rootCertificate()), leaf.chain());

        pkix(leaf, fs.rootCertificate(), T0.plusSeconds(300));
        pkix(leaf, fs.rootCertificate(), T0);
        assertThrows(CertPathValidatorException.class, () -> pkix(leaf, fs.rootCertificate(), T0.plusSeconds(601)));
        assertThrows(CertPathValidatorException.class, () -> pkix(leaf, fs.rootCertificate(), T0.minusSeconds(1)));
        assertThrows(CertPathValidatorException.class,
                () -> pkix(leaf, FakeSigstore.create().rootCertificate(), T0.plusSeconds(300)));
    }

    @Test
    void theLeafCarriesTheFulcioProfile() throws Exception {
        FakeSigstore fs = FakeSigstore.create();
        X509Certificate c = fs.issue(ID, T0.plusMillis(750)).certificate();

        assertEquals(T0, c.getNotBefore().toInstant());
        assertEquals(Duration.ofMinutes(10), Duration.between(c.getNotBefore().toInstant(), c.getNotAfter().toInstant()));
        assertArrayEquals(new byte[] {0x30, 0x00}, c.getSubjectX500Principal().getEncoded());
        assertEquals(fs.intermediateCertificate().getSubjectX500Principal(), c.getIssuerX500Principal());
        assertEquals("SHA384withECDSA", c.getSigAlgName());
        assertEquals(256, ((ECPublicKey) c.getPublicKey()).getParams().getCurve().getField().getFieldSize());
        assertTrue(c.getKeyUsage()[0], "digitalSignature");
        assertEquals(1, countTrue(c.getKeyUsage()));
        assertEquals(List.of("1.3.6.1.5.5.7.3.3"), c.getExtendedKeyUsage());
        assertEquals(List.of(List.of(6, ID.buildSignerUri())), List.copyOf(c.getSubjectAlternativeNames()).stream()
                .map(l -> List.copyOf(l)).toList());
        assertEquals(Set.of("2.5.29.15", "2.5.29.17"), c.getCriticalExtensionOIDs());

        assertArrayEquals(ID.issuer().getBytes(UTF_8), extensionContent(c, "1.3.6.1.4.1.57264.1.1"),
                "the legacy issuer extension is raw UTF-8, not DER");
        Map<String, String> utf8 = Map.of("1.3.6.1.4.1.57264.1.8", ID.issuer(),
                "1.3.6.1.4.1.57264.1.9", ID.buildSignerUri(),
                "1.3.6.1.4.1.57264.1.10", ID.buildSignerDigest(),
                "1.3.6.1.4.1.57264.1.11", "github-hosted",
                "1.3.6.1.4.1.57264.1.12", "https://github.com/owner/repo",
                "1.3.6.1.4.1.57264.1.13", ID.sourceRepositoryDigest(),
                "1.3.6.1.4.1.57264.1.14", "refs/tags/v1.0.0",
                "1.3.6.1.4.1.57264.1.18", ID.buildConfigUri(),
                "1.3.6.1.4.1.57264.1.20", ID.buildTrigger(),
                "1.3.6.1.4.1.57264.1.21", ID.runInvocationUri());
        for (Map.Entry<String, String> e : utf8.entrySet()) {
            ASN1Primitive p = ASN1Primitive.fromByteArray(extensionContent(c, e.getKey()));
            assertEquals(e.getValue(), ASN1UTF8String.getInstance(p).getString(), e.getKey());
        }
        assertEquals("https://github.com/owner/repo/.github/workflows/release.yml@refs/tags/v1.0.0",
                ID.buildSignerUri());
        assertTrue(ID.runInvocationUri().matches("https://github.com/owner/repo/actions/runs/\\d+/attempts/1"));
        assertTrue(ID.sourceRepositoryDigest().matches("[0-9a-f]{40}"));

        Identity sparse = new Identity(null, ID.buildSignerUri(), null, null, null, null, null, null, null, null);
        X509Certificate s = fs.issue(sparse, T0).certificate();
        for (String oid : List.of("1.3.6.1.4.1.57264.1.1", "1.3.6.1.4.1.57264.1.8", "1.3.6.1.4.1.57264.1.12")) {
            assertNull(s.getExtensionValue(oid), oid);
        }
        assertTrue(s.getExtensionValue("1.3.6.1.4.1.57264.1.9") != null);
    }

    @Test
    void opensslReadsTheFulcioExtensionsAndVerifiesTheChain(@TempDir Path dir) throws Exception {
        assumeTrue(run(dir, "openssl", "version").exitCode == 0, "openssl is not installed");
        FakeSigstore fs = FakeSigstore.create();
        Leaf leaf = fs.issue(ID, T0);
        Path leafPem = Files.writeString(dir.resolve("leaf.pem"), FakeSigstore.pem(leaf.certificate()));
        Files.writeString(dir.resolve("inter.pem"), FakeSigstore.pem(fs.intermediateCertificate()));
        Files.writeString(dir.resolve("root.pem"), FakeSigstore.pem(fs.rootCertificate()));

        Run text = run(dir, "openssl", "x509", "-noout", "-text", "-in", leafPem.toString());
        assertEquals(0, text.exitCode, text.output);
        assertTrue(Pattern.compile("1\\.3\\.6\\.1\\.4\\.1\\.57264\\.1\\.1: ?\n\\s+"
                + Pattern.quote(FakeSigstore.GITHUB_ACTIONS_ISSUER) + "\n").matcher(text.output).find(),
                "the legacy issuer prints as plain text: " + text.output);
        for (String oid : List.of(".1.8", ".1.9", ".1.10", ".1.11", ".1.12", ".1.13", ".1.14", ".1.18", ".1.20",
                ".1.21")) {
            assertTrue(text.output.contains("1.3.6.1.4.1.57264" + oid + ": "), oid);
        }
        assertTrue(text.output.contains("URI:" + ID.buildSignerUri()), text.output);
        assertTrue(text.output.contains("Code Signing"), text.output);
        assertTrue(text.output.contains("Digital Signature"), text.output);
        assertTrue(text.output.contains("CT Precertificate SCTs"), text.output);
        String logIdHex = HexFormat.ofDelimiter(":").withUpperCase().formatHex(fs.ctLogId(), 0, 16);
        assertTrue(text.output.contains(logIdHex), "SCT log id " + logIdHex + " in\n" + text.output);

        String at = Long.toString(T0.getEpochSecond() + 120);
        Run ok = run(dir, "openssl", "verify", "-attime", at, "-CAfile", "root.pem", "-untrusted", "inter.pem",
                "leaf.pem");
        assertEquals(0, ok.exitCode, ok.output);
        Run late = run(dir, "openssl", "verify", "-attime", Long.toString(T0.getEpochSecond() + 3600), "-CAfile",
                "root.pem", "-untrusted", "inter.pem", "leaf.pem");
        assertNotEquals(0, late.exitCode, late.output);
    }

    // ------------------------------------------------------------------------------------ CT

    @Test
    void theEmbeddedSctIsSignedByTheCtLogOverThePrecertificate() throws Exception {
        FakeSigstore fs = FakeSigstore.create();
        X509Certificate c = fs.issue(ID, T0.plusMillis(318)).certificate();
        Sct sct = Sct.parse(c);
        assertArrayEquals(sha256(fs.ctLogPublicKey().getEncoded()), sct.logId());
        assertArrayEquals(fs.ctLogId(), sct.logId());
        assertEquals(T0.toEpochMilli(), sct.timestamp());
        assertTrue(sct.verify(fs.ctLogPublicKey(), fs.intermediateCertificate(), precertTbs(c)));
        assertFalse(sct.verify(fs.ctLogPublicKey(), fs.intermediateCertificate(), c.getTBSCertificate()));
        assertFalse(sct.verify(fs.ctLogPublicKey(), fs.rootCertificate(), precertTbs(c)));
        assertFalse(sct.verify(FakeSigstore.create().ctLogPublicKey(), fs.intermediateCertificate(), precertTbs(c)));

        X509Certificate bare = fs.issue(ID, T0, false).certificate();
        assertNull(bare.getExtensionValue(SCT_OID));
        assertFalse(bare.getNonCriticalExtensionOIDs().contains(SCT_OID));
    }

    // ------------------------------------------------------------------------------------ Rekor

    @Test
    void inclusionProofsMatchRfc6962ForEveryLeafOfEveryTreeUpTo17() {
        FakeRekor log = FakeSigstore.create("merkle", 0).rekor();
        List<byte[]> data = new ArrayList<>();
        for (int i = 0; i < 17; i++) {
            byte[] body = ("{\"entry\":" + i + "}").getBytes(UTF_8);
            data.add(body);
            FakeRekor.Entry e = log.append("hashedrekord", "0.0.1", body, 1_700_000_000L + i);
            assertEquals(i, e.treeIndex());
        }
        assertArrayEquals(sha256(new byte[0]), log.rootHash(0));
        int checked = 0;
        for (int n = 1; n <= 17; n++) {
            byte[] root = mth(data.subList(0, n));
            assertArrayEquals(root, log.rootHash(n), "root of " + n);
            for (int m = 0; m < n; m++) {
                List<byte[]> proof = log.inclusionProof(m, n);
                assertEquals(hexAll(path(m, data.subList(0, n))), hexAll(proof), "path " + m + " of " + n);
                assertArrayEquals(root, rootFromProof(m, n, leafHash(data.get(m)), proof), m + " of " + n);
                if (!proof.isEmpty()) {
                    List<byte[]> bad = new ArrayList<>(proof);
                    byte[] flipped = bad.get(0).clone();
                    flipped[0] ^= 1;
                    bad.set(0, flipped);
                    assertFalse(Arrays.equals(root, rootFromProof(m, n, leafHash(data.get(m)), bad)));
                }
                checked++;
            }
        }
        assertEquals(17 * 18 / 2, checked);
    }

    @Test
    void checkpointsAreSignedNotesInRekorsLayout() throws Exception {
        FakeSigstore fs = FakeSigstore.create();
        FakeRekor log = fs.rekor();
        for (int i = 0; i < 5; i++) {
            log.append("dsse", "0.0.1", new byte[] {(byte) i}, IN_VALIDITY);
        }
        String cp = log.checkpoint(5);
        Note note = Note.parse(cp);
        assertTrue(note.origin().matches("fake-rekor\\.test - \\d+"), note.origin());
        assertEquals(log.origin(), note.origin());
        assertEquals("fake-rekor.test", note.signer());
        assertEquals(5, note.treeSize());
        assertArrayEquals(log.rootHash(5), note.rootHash());
        assertArrayEquals(Arrays.copyOf(sha256(log.publicKey().getEncoded()), 4), note.keyHint());
        assertTrue(verify(log.publicKey(), note.text().getBytes(UTF_8), note.signature()));
        assertFalse(verify(log.publicKey(), note.text().replace("\n5\n", "\n4\n").getBytes(UTF_8), note.signature()));
        assertFalse(verify(FakeSigstore.create().rekor().publicKey(), note.text().getBytes(UTF_8), note.signature()));
        assertEquals(cp.substring(0, cp.indexOf("\n\n") + 1), note.text());
    }

    @Test
    void theSignedEntryTimestampCoversTheCanonicalEntryJson() throws Exception {
        FakeSigstore fs = FakeSigstore.create();
        FakeRekor log = fs.rekor();
        byte[] body = "{\"x\":1}".getBytes(UTF_8);
        FakeRekor.Entry e = log.append("dsse", "0.0.1", body, 1_772_366_460L);
        assertEquals(FakeSigstore.DEFAULT_LOG_INDEX_OFFSET, e.logIndex());
        assertEquals(0, e.treeIndex());
        byte[] logId = sha256(log.publicKey().getEncoded());
        assertArrayEquals(logId, log.logId());
        byte[] set = log.signedEntryTimestamp(e);
        assertTrue(verify(log.publicKey(), setPayload(body, 1_772_366_460L, logId, e.logIndex()), set));
        assertFalse(verify(log.publicKey(), setPayload(body, 1_772_366_461L, logId, e.logIndex()), set));
        assertFalse(verify(log.publicKey(), setPayload(body, 1_772_366_460L, logId, e.treeIndex()), set));
        assertArrayEquals(setPayload(body, 1_772_366_460L, logId, e.logIndex()), FakeRekor.setPayload(e, logId));
    }

    // ------------------------------------------------------------------------------------ bundles

    @Test
    void theDsseBundleV03IsCompleteConsistentAndShapedLikeTheRealOne() throws Exception {
        FakeSigstore fs = FakeSigstore.create();
        Leaf leaf = fs.issue(ID, T0);
        fs.rekor().append("dsse", "0.0.1", new byte[] {42}, IN_VALIDITY); // not the first entry, not the last
        JsonNode b = JSON.readTree(fs.dsseBundleV03(leaf, FakeSigstore.IN_TOTO_PAYLOAD_TYPE, STATEMENT, IN_VALIDITY)
                .toString());
        fs.rekor().append("dsse", "0.0.1", new byte[] {43}, IN_VALIDITY);

        assertEquals(List.of("mediaType", "verificationMaterial", "dsseEnvelope"), names(b));
        assertEquals("application/vnd.dev.sigstore.bundle.v0.3+json", b.get("mediaType").asText());
        JsonNode vm = b.get("verificationMaterial");
        assertEquals(List.of("certificate", "tlogEntries", "timestampVerificationData"), names(vm));
        assertArrayEquals(leaf.certificate().getEncoded(), b64(vm.at("/certificate/rawBytes").asText()));
        assertEquals("{\"rfc3161Timestamps\":[]}", vm.get("timestampVerificationData").toString());

        JsonNode env = b.get("dsseEnvelope");
        assertEquals(List.of("payload", "payloadType", "signatures"), names(env));
        assertArrayEquals(STATEMENT, b64(env.get("payload").asText()));
        assertEquals("application/vnd.in-toto+json", env.get("payloadType").asText());
        assertEquals("", env.at("/signatures/0/keyid").asText());
        byte[] sig = b64(env.at("/signatures/0/sig").asText());
        assertTrue(verify(leaf.certificate().getPublicKey(), pae("application/vnd.in-toto+json", STATEMENT), sig));
        assertFalse(verify(leaf.certificate().getPublicKey(), STATEMENT, sig));

        JsonNode entry = vm.get("tlogEntries").get(0);
        assertEquals(1, vm.get("tlogEntries").size());
        byte[] body = checkEntry(fs, entry, "dsse", "0.0.1", true);
        JsonNode decoded = JSON.readTree(body);
        assertEquals(paths(JSON.readTree(b64(REAL_BODY))), paths(decoded), "same fields as a real dsse body");
        assertEquals(new String(body, UTF_8), canonical(decoded), "canonical: sorted keys, no whitespace");
        assertEquals(hex(sha256(STATEMENT)), decoded.at("/spec/payloadHash/value").asText());
        String envelopeText = "{\"payload\":\"" + env.get("payload").asText() + "\",\"payloadType\":\""
                + env.get("payloadType").asText() + "\",\"signatures\":[{\"sig\":\"" + env.at("/signatures/0/sig").asText()
                + "\"}]}";
        assertEquals(hex(sha256(envelopeText.getBytes(UTF_8))), decoded.at("/spec/envelopeHash/value").asText());
        assertEquals(env.at("/signatures/0/sig").asText(), decoded.at("/spec/signatures/0/signature").asText());
        assertEquals(pemOf(leaf.certificate()), new String(b64(decoded.at("/spec/signatures/0/verifier").asText()), UTF_8));
    }

    @Test
    void theIntotoBundleV01MatchesThe2023Layout() throws Exception {
        FakeSigstore fs = FakeSigstore.create();
        Leaf leaf = fs.issue(ID, T0);
        JsonNode b = JSON.readTree(fs.intotoBundleV01(leaf, FakeSigstore.IN_TOTO_PAYLOAD_TYPE, STATEMENT, IN_VALIDITY)
                .toString());

        assertEquals("application/vnd.dev.sigstore.bundle+json;version=0.1", b.get("mediaType").asText());
        JsonNode vm = b.get("verificationMaterial");
        assertEquals(List.of("x509CertificateChain", "tlogEntries", "timestampVerificationData"), names(vm));
        assertTrue(vm.get("timestampVerificationData").isNull());
        JsonNode certs = vm.at("/x509CertificateChain/certificates");
        assertEquals(3, certs.size());
        assertArrayEquals(leaf.certificate().getEncoded(), b64(certs.get(0).get("rawBytes").asText()));
        assertArrayEquals(fs.intermediateCertificate().getEncoded(), b64(certs.get(1).get("rawBytes").asText()));
        assertArrayEquals(fs.rootCertificate().getEncoded(), b64(certs.get(2).get("rawBytes").asText()));

        JsonNode env = b.get("dsseEnvelope");
        String sigText = env.at("/signatures/0/sig").asText();
        assertTrue(verify(leaf.certificate().getPublicKey(), pae(env.get("payloadType").asText(), STATEMENT),
                b64(sigText)));

        JsonNode entry = vm.get("tlogEntries").get(0);
        assertTrue(entry.has("inclusionProof") && entry.get("inclusionProof").isNull(), entry.toString());
        byte[] body = checkEntry(fs, entry, "intoto", "0.0.2", false);
        JsonNode decoded = JSON.readTree(body);
        Set<String> real = paths(JSON.readTree(b64(REAL_INTOTO_BODY)));
        real.remove("spec.content.envelope.signatures[].keyid"); // present only for a non-empty keyid
        assertEquals(real, paths(decoded), "same fields as a real intoto body");
        assertEquals(new String(body, UTF_8), canonical(decoded));
        JsonNode s = decoded.at("/spec/content/envelope/signatures/0");
        assertEquals(sigText, new String(b64(s.get("sig").asText()), UTF_8), "sig is base64 of the base64 text");
        assertEquals(pemOf(leaf.certificate()), new String(b64(s.get("publicKey").asText()), UTF_8));
        assertEquals(hex(sha256(STATEMENT)), decoded.at("/spec/content/payloadHash/value").asText());
        String hashed = "{\"payload\":\"" + env.get("payload").asText()
                + "\",\"payloadType\":\"application/vnd.in-toto+json\",\"signatures\":[{\"sig\":\"" + sigText + "\"}]}";
        assertEquals(hex(sha256(hashed.getBytes(UTF_8))), decoded.at("/spec/content/hash/value").asText());
    }

    @Test
    void theMessageSignatureBundleSignsTheArtifactAndLogsAHashedrekord() throws Exception {
        FakeSigstore fs = FakeSigstore.create();
        Leaf leaf = fs.issue(ID, T0);
        byte[] jar = "PK\u0003\u0004 not really a jar".getBytes(UTF_8);
        JsonNode b = JSON.readTree(fs.messageSignatureBundleV03(leaf, jar, IN_VALIDITY).toString());

        assertEquals(List.of("mediaType", "verificationMaterial", "messageSignature"), names(b));
        assertEquals("application/vnd.dev.sigstore.bundle.v0.3+json", b.get("mediaType").asText());
        assertEquals("SHA2_256", b.at("/messageSignature/messageDigest/algorithm").asText());
        assertArrayEquals(sha256(jar), b64(b.at("/messageSignature/messageDigest/digest").asText()));
        byte[] sig = b64(b.at("/messageSignature/signature").asText());
        assertTrue(verify(leaf.certificate().getPublicKey(), jar, sig));
        assertFalse(verify(leaf.certificate().getPublicKey(), Arrays.copyOf(jar, jar.length - 1), sig));

        byte[] body = checkEntry(fs, b.at("/verificationMaterial/tlogEntries/0"), "hashedrekord", "0.0.1", true);
        String expected = "{\"apiVersion\":\"0.0.1\",\"kind\":\"hashedrekord\",\"spec\":{\"data\":{\"hash\":"
                + "{\"algorithm\":\"sha256\",\"value\":\"" + hex(sha256(jar)) + "\"}},\"signature\":{\"content\":\""
                + b.at("/messageSignature/signature").asText() + "\",\"publicKey\":{\"content\":\""
                + Base64.getEncoder().encodeToString(pemOf(leaf.certificate()).getBytes(UTF_8)) + "\"}}}}";
        assertEquals(expected, new String(body, UTF_8));
    }

    @Test
    void thePypiProvenanceCarriesAVerifiableAttestation() throws Exception {
        FakeSigstore fs = FakeSigstore.create();
        Leaf leaf = fs.issue(ID, T0);
        byte[] statement = FakeSigstore.inTotoStatement("example-1.0-py3-none-any.whl", Map.of("sha256", "cd".repeat(32)),
                "https://docs.pypi.org/attestations/publish/v1", null);
        JsonNode p = JSON.readTree(fs.pypiProvenance(leaf, statement, IN_VALIDITY).toString());

        assertEquals(1, p.get("version").asInt());
        JsonNode bundle = p.at("/attestation_bundles/0");
        assertEquals("{\"kind\":\"GitHub\",\"repository\":\"owner/repo\",\"workflow\":\"release.yml\",\"environment\":null}",
                bundle.get("publisher").toString());
        JsonNode att = bundle.at("/attestations/0");
        assertEquals(1, att.get("version").asInt());
        assertArrayEquals(leaf.certificate().getEncoded(), b64(att.at("/verification_material/certificate").asText()));
        assertArrayEquals(statement, b64(att.at("/envelope/statement").asText()));
        assertTrue(verify(leaf.certificate().getPublicKey(), pae("application/vnd.in-toto+json", statement),
                b64(att.at("/envelope/signature").asText())));
        JsonNode decoded = JSON.readTree(checkEntry(fs, att.at("/verification_material/transparency_entries/0"),
                "dsse", "0.0.1", true));
        assertEquals(att.at("/envelope/signature").asText(), decoded.at("/spec/signatures/0/signature").asText());

        JsonNode withEnv = JSON.readTree(fs.pypiProvenance(leaf, statement, IN_VALIDITY, "pypi").toString());
        assertEquals("pypi", withEnv.at("/attestation_bundles/0/publisher/environment").asText());
    }

    @Test
    void theStatementAndSlsaPredicateHaveTheRealShape() throws Exception {
        JsonNode s = JSON.readTree(STATEMENT);
        assertEquals(List.of("_type", "subject", "predicateType", "predicate"), names(s));
        assertEquals("https://in-toto.io/Statement/v1", s.get("_type").asText());
        assertEquals(1, s.get("subject").size());
        assertEquals("pkg:npm/example@1.0.0", s.at("/subject/0/name").asText());
        assertEquals("ab".repeat(64), s.at("/subject/0/digest/sha512").asText());
        assertEquals("https://slsa.dev/provenance/v1", s.get("predicateType").asText());
        JsonNode w = s.at("/predicate/buildDefinition/externalParameters/workflow");
        assertEquals("https://github.com/owner/repo", w.get("repository").asText());
        assertEquals(".github/workflows/release.yml", w.get("path").asText());
        assertEquals("refs/tags/v1.0.0", w.get("ref").asText());
        assertEquals("https://github.com/actions/runner/github-hosted", s.at("/predicate/runDetails/builder/id").asText());
        assertEquals(ID.runInvocationUri(), s.at("/predicate/runDetails/metadata/invocationId").asText());
        assertEquals(ID.sourceRepositoryDigest(),
                s.at("/predicate/buildDefinition/resolvedDependencies/0/digest/gitCommit").asText());
        assertFalse(new String(STATEMENT, UTF_8).contains(" "), "compact JSON");
    }

    // ------------------------------------------------------------------------------------ trust

    @Test
    void theTrustedRootListsExactlyThisInstancesKeys() throws Exception {
        FakeSigstore fs = FakeSigstore.create();
        JsonNode r = JSON.readTree(fs.trustedRootJson());
        assertEquals("application/vnd.dev.sigstore.trustedroot+json;version=0.1", r.get("mediaType").asText());
        assertEquals(List.of("mediaType", "tlogs", "certificateAuthorities", "ctlogs", "timestampAuthorities"), names(r));

        JsonNode ca = r.at("/certificateAuthorities/0");
        assertEquals(1, r.get("certificateAuthorities").size());
        assertEquals("fake-sigstore", ca.at("/subject/commonName").asText());
        assertArrayEquals(fs.intermediateCertificate().getEncoded(), b64(ca.at("/certChain/certificates/0/rawBytes").asText()));
        assertArrayEquals(fs.rootCertificate().getEncoded(), b64(ca.at("/certChain/certificates/1/rawBytes").asText()));
        assertTrue(Instant.parse(ca.at("/validFor/start").asText()).isBefore(T0));

        checkLogKey(r.at("/tlogs/0"), fs.rekor().publicKey(), fs.rekor().baseUrl());
        checkLogKey(r.at("/ctlogs/0"), fs.ctLogPublicKey(), "https://fake-ctfe.test");
        assertEquals("https://fake-rekor.test", fs.rekor().baseUrl());

        JsonNode both = JSON.readTree(FakeSigstore.trustedRootJson(List.of(fs, FakeSigstore.create("other"))));
        assertEquals(2, both.get("tlogs").size());
        assertEquals("https://other-rekor.test", both.at("/tlogs/1/baseUrl").asText());
    }

    @Test
    void theTrustedRootHasTheShapeOfTheOneTheNpmClientShips() throws Exception {
        // The public-good root Airlock ships is the one taken from the npm client's @sigstore/tuf seeds.
        JsonNode real = JSON.readTree(FakeSigstoreTest.class.getResourceAsStream("/dev/airlock/core/trust/sigstore-trusted-root.json"));

        Set<String> ours = paths(JSON.readTree(FakeSigstore.create().trustedRootJson()));
        Set<String> theirs = paths(real);
        Set<String> missing = new LinkedHashSet<>(ours);
        missing.removeAll(theirs);
        assertEquals(Set.of(), missing, "fields the real trusted root does not have");
        assertEquals(real.get("mediaType"), JSON.readTree(FakeSigstore.create().trustedRootJson()).get("mediaType"));
        assertEquals("PKIX_ECDSA_P256_SHA_256", real.at("/tlogs/0/publicKey/keyDetails").asText());
        assertArrayEquals(sha256(b64(real.at("/tlogs/0/publicKey/rawBytes").asText())),
                b64(real.at("/tlogs/0/logId/keyId").asText()), "logId = SHA-256(SPKI) in the real root too");
    }

    @Test
    void twoInstancesNeverTrustEachOther() throws Exception {
        FakeSigstore a = FakeSigstore.create();
        FakeSigstore b = FakeSigstore.create();
        Leaf leafA = a.issue(ID, T0);
        assertEquals(a.rootCertificate().getSubjectX500Principal(), b.rootCertificate().getSubjectX500Principal(),
                "same names, so only signatures can tell them apart");
        assertThrows(CertPathValidatorException.class, () -> pkix(leafA, b.rootCertificate(), T0.plusSeconds(60)));
        assertFalse(Arrays.equals(a.rekor().logId(), b.rekor().logId()));
        assertFalse(Arrays.equals(a.ctLogId(), b.ctLogId()));
        assertNotEquals(a.rekor().origin(), b.rekor().origin());

        // a leaf from A logged in B: B's log vouches for it, A's does not
        JsonNode bundle = JSON.readTree(b.dsseBundleV03(leafA, FakeSigstore.IN_TOTO_PAYLOAD_TYPE, STATEMENT, IN_VALIDITY)
                .toString());
        JsonNode entry = bundle.at("/verificationMaterial/tlogEntries/0");
        checkEntry(b, entry, "dsse", "0.0.1", true);
        byte[] body = b64(entry.get("canonicalizedBody").asText());
        byte[] set = b64(entry.at("/inclusionPromise/signedEntryTimestamp").asText());
        long index = Long.parseLong(entry.get("logIndex").asText());
        assertFalse(verify(a.rekor().publicKey(), setPayload(body, IN_VALIDITY, a.rekor().logId(), index), set));
        Note note = Note.parse(entry.at("/inclusionProof/checkpoint/envelope").asText());
        assertFalse(verify(a.rekor().publicKey(), note.text().getBytes(UTF_8), note.signature()));
        assertFalse(Sct.parse(leafA.certificate()).verify(b.ctLogPublicKey(), a.intermediateCertificate(),
                precertTbs(leafA.certificate())));
    }

    // ------------------------------------------------------------------------------------ shared checks

    /** Checks one tlog entry end to end with the calibrated checks, returning its decoded body. */
    private static byte[] checkEntry(FakeSigstore fs, JsonNode entry, String kind, String version, boolean withProof)
            throws Exception {
        assertEquals(List.of("logIndex", "logId", "kindVersion", "integratedTime", "inclusionPromise", "inclusionProof",
                "canonicalizedBody"), names(entry), "field order of the real entries");
        assertTrue(entry.get("logIndex").isTextual() && entry.get("integratedTime").isTextual(), "int64 as strings");
        PublicKey key = fs.rekor().publicKey();
        byte[] logId = sha256(key.getEncoded());
        assertArrayEquals(logId, b64(entry.at("/logId/keyId").asText()));
        assertEquals(kind, entry.at("/kindVersion/kind").asText());
        assertEquals(version, entry.at("/kindVersion/version").asText());
        assertEquals(IN_VALIDITY, Long.parseLong(entry.get("integratedTime").asText()));
        byte[] body = b64(entry.get("canonicalizedBody").asText());
        assertEquals(kind, JSON.readTree(body).get("kind").asText());
        long logIndex = Long.parseLong(entry.get("logIndex").asText());
        assertTrue(verify(key, setPayload(body, IN_VALIDITY, logId, logIndex),
                b64(entry.at("/inclusionPromise/signedEntryTimestamp").asText())), "SET");
        if (withProof) {
            JsonNode p = entry.get("inclusionProof");
            assertEquals(List.of("logIndex", "rootHash", "treeSize", "hashes", "checkpoint"), names(p));
            long treeIndex = Long.parseLong(p.get("logIndex").asText());
            long treeSize = Long.parseLong(p.get("treeSize").asText());
            assertEquals(logIndex - fs.rekor().logIndexOffset(), treeIndex);
            List<byte[]> hashes = new ArrayList<>();
            p.get("hashes").forEach(h -> hashes.add(b64(h.asText())));
            byte[] root = b64(p.get("rootHash").asText());
            assertArrayEquals(root, rootFromProof(treeIndex, treeSize, leafHash(body), hashes), "inclusion proof");
            Note note = Note.parse(p.at("/checkpoint/envelope").asText());
            assertEquals(treeSize, note.treeSize());
            assertArrayEquals(root, note.rootHash());
            assertTrue(verify(key, note.text().getBytes(UTF_8), note.signature()), "checkpoint signature");
        }
        return body;
    }

    private static void checkLogKey(JsonNode log, PublicKey key, String baseUrl) {
        assertEquals(List.of("baseUrl", "hashAlgorithm", "publicKey", "logId"), names(log));
        assertEquals(baseUrl, log.get("baseUrl").asText());
        assertEquals("SHA2_256", log.get("hashAlgorithm").asText());
        assertArrayEquals(key.getEncoded(), b64(log.at("/publicKey/rawBytes").asText()));
        assertEquals("PKIX_ECDSA_P256_SHA_256", log.at("/publicKey/keyDetails").asText());
        assertTrue(log.at("/publicKey/validFor/start").asText().endsWith("Z"));
        assertArrayEquals(sha256(key.getEncoded()), b64(log.at("/logId/keyId").asText()));
    }

    private static void pkix(Leaf leaf, X509Certificate trusted, Instant at) throws GeneralSecurityException {
        CertificateFactory cf = CertificateFactory.getInstance("X.509");
        PKIXParameters params = new PKIXParameters(Set.of(new TrustAnchor(trusted, null)));
        params.setRevocationEnabled(false);
        params.setDate(Date.from(at));
        CertPathValidator.getInstance("PKIX")
                .validate(cf.generateCertPath(List.of(leaf.certificate(), leaf.chain().get(1))), params);
    }

    // ------------------------------------------------------------------------------------ RFC 6962, written out

    private static byte[] leafHash(byte[] data) {
        return sha256(new byte[] {0}, data);
    }

    /** MTH(D[n]) exactly as RFC 6962 §2.1 defines it. */
    private static byte[] mth(List<byte[]> d) {
        if (d.size() == 1) {
            return leafHash(d.get(0));
        }
        int k = Integer.highestOneBit(d.size() - 1);
        return sha256(new byte[] {1}, mth(d.subList(0, k)), mth(d.subList(k, d.size())));
    }

    /** PATH(m, D[n]) exactly as RFC 6962 §2.1.1 defines it. */
    private static List<byte[]> path(int m, List<byte[]> d) {
        if (d.size() == 1) {
            return new ArrayList<>();
        }
        int k = Integer.highestOneBit(d.size() - 1);
        List<byte[]> out;
        if (m < k) {
            out = path(m, d.subList(0, k));
            out.add(mth(d.subList(k, d.size())));
        } else {
            out = path(m - k, d.subList(k, d.size()));
            out.add(mth(d.subList(0, k)));
        }
        return out;
    }

    /** RFC 9162 §2.1.3.2: the root an inclusion proof leads to, or an empty array if the proof is malformed. */
    private static byte[] rootFromProof(long index, long size, byte[] leafHash, List<byte[]> proof) {
        if (index < 0 || index >= size) {
            return new byte[0];
        }
        long fn = index;
        long sn = size - 1;
        byte[] r = leafHash;
        for (byte[] p : proof) {
            if (sn == 0) {
                return new byte[0];
            }
            if ((fn & 1) == 1 || fn == sn) {
                r = sha256(new byte[] {1}, p, r);
                while ((fn & 1) == 0 && fn != 0) {
                    fn >>= 1;
                    sn >>= 1;
                }
            } else {
                r = sha256(new byte[] {1}, r, p);
            }
            fn >>= 1;
            sn >>= 1;
        }
        return sn == 0 ? r : new byte[0];
    }

    // ------------------------------------------------------------------------------------ notes, SETs, SCTs

    /** A Rekor checkpoint: note text (what is signed), then one signature line. */
    private record Note(String text, String origin, long treeSize, byte[] rootHash, String signer, byte[] keyHint,
            byte[] signature) {
        private static final Pattern SHAPE =
                Pattern.compile("((.+)\n(\\d+)\n([A-Za-z0-9+/=]+)\n)\n\u2014 (\\S+) ([A-Za-z0-9+/=]+)\n");

        static Note parse(String envelope) {
            Matcher m = SHAPE.matcher(envelope);
            assertTrue(m.matches(), "checkpoint shape: " + envelope);
            byte[] sig = b64(m.group(6));
            return new Note(m.group(1), m.group(2), Long.parseLong(m.group(3)), b64(m.group(4)), m.group(5),
                    Arrays.copyOf(sig, 4), Arrays.copyOfRange(sig, 4, sig.length));
        }
    }

    private static byte[] setPayload(byte[] body, long integratedTime, byte[] logId, long logIndex) {
        return ("{\"body\":\"" + Base64.getEncoder().encodeToString(body) + "\",\"integratedTime\":" + integratedTime
                + ",\"logID\":\"" + hex(logId) + "\",\"logIndex\":" + logIndex + "}").getBytes(UTF_8);
    }

    /** One v1 SCT read by hand from the TLS encoding inside the certificate extension. */
    private record Sct(byte[] logId, long timestamp, byte[] extensions, byte[] signature) {
        static Sct parse(X509Certificate cert) throws IOException {
            byte[] tls = ASN1OctetString.getInstance(extensionContent(cert, SCT_OID)).getOctets();
            ByteBuffer in = ByteBuffer.wrap(tls);
            assertEquals(in.remaining() - 2, Short.toUnsignedInt(in.getShort()), "list length");
            int sctLength = Short.toUnsignedInt(in.getShort());
            assertEquals(in.remaining(), sctLength, "exactly one SCT");
            assertEquals(0, in.get(), "v1");
            byte[] logId = new byte[32];
            in.get(logId);
            long ts = in.getLong();
            byte[] ext = new byte[Short.toUnsignedInt(in.getShort())];
            in.get(ext);
            assertEquals(4, in.get(), "sha256");
            assertEquals(3, in.get(), "ecdsa");
            byte[] sig = new byte[Short.toUnsignedInt(in.getShort())];
            in.get(sig);
            assertEquals(0, in.remaining());
            return new Sct(logId, ts, ext, sig);
        }

        boolean verify(PublicKey ctKey, X509Certificate issuer, byte[] tbs) {
            ByteBuffer d = ByteBuffer.allocate(2 + 8 + 2 + 32 + 3 + tbs.length + 2 + extensions.length);
            d.put((byte) 0).put((byte) 0).putLong(timestamp).putShort((short) 1);
            d.put(sha256(issuer.getPublicKey().getEncoded()));
            d.put((byte) (tbs.length >>> 16)).put((byte) (tbs.length >>> 8)).put((byte) tbs.length).put(tbs);
            d.putShort((short) extensions.length).put(extensions);
            return FakeSigstoreTest.verify(ctKey, d.array(), signature);
        }
    }

    /** The final certificate's TBS with the SCT extension removed: RFC 6962's precertificate TBS. */
    private static byte[] precertTbs(X509Certificate cert) throws Exception {
        ASN1Sequence tbs = ASN1Sequence.getInstance(cert.getTBSCertificate());
        ASN1EncodableVector out = new ASN1EncodableVector();
        boolean removed = false;
        for (ASN1Encodable e : tbs) {
            if (e instanceof ASN1TaggedObject t && t.getTagNo() == 3) {
                ASN1EncodableVector kept = new ASN1EncodableVector();
                for (ASN1Encodable x : ASN1Sequence.getInstance(t.getExplicitBaseObject())) {
                    if (Extension.getInstance(x).getExtnId().equals(new ASN1ObjectIdentifier(SCT_OID))) {
                        removed = true;
                    } else {
                        kept.add(x);
                    }
                }
                out.add(new DERTaggedObject(true, 3, new DERSequence(kept)));
            } else {
                out.add(e);
            }
        }
        assertTrue(removed, "the certificate has an SCT extension");
        return new DERSequence(out).getEncoded(ASN1Encoding.DER);
    }

    // ------------------------------------------------------------------------------------ small helpers

    /** The extnValue OCTET STRING's contents. */
    private static byte[] extensionContent(X509Certificate c, String oid) throws IOException {
        byte[] v = c.getExtensionValue(oid);
        assertTrue(v != null, "extension " + oid);
        return ASN1OctetString.getInstance(v).getOctets();
    }

    private static boolean verify(PublicKey key, byte[] data, byte[] sig) {
        try {
            Signature s = Signature.getInstance("SHA256withECDSA");
            s.initVerify(key);
            s.update(data);
            return s.verify(sig);
        } catch (GeneralSecurityException e) {
            return false;
        }
    }

    private static byte[] pae(String type, byte[] payload) {
        byte[] head = ("DSSEv1 " + type.getBytes(UTF_8).length + " " + type + " " + payload.length + " ").getBytes(UTF_8);
        byte[] out = Arrays.copyOf(head, head.length + payload.length);
        System.arraycopy(payload, 0, out, head.length, payload.length);
        return out;
    }

    private static String pemOf(X509Certificate c) throws GeneralSecurityException {
        StringBuilder sb = new StringBuilder("-----BEGIN CERTIFICATE-----\n");
        String b = Base64.getEncoder().encodeToString(c.getEncoded());
        for (int i = 0; i < b.length(); i += 64) {
            sb.append(b, i, Math.min(b.length(), i + 64)).append('\n');
        }
        return sb.append("-----END CERTIFICATE-----\n").toString();
    }

    private static PublicKey ecKey(String spkiB64) throws GeneralSecurityException {
        return KeyFactory.getInstance("EC").generatePublic(new X509EncodedKeySpec(b64(spkiB64)));
    }

    private static X509Certificate cert(String derB64) throws GeneralSecurityException {
        return (X509Certificate) CertificateFactory.getInstance("X.509")
                .generateCertificate(new ByteArrayInputStream(b64(derB64)));
    }

    private static byte[] sha256(byte[]... parts) {
        try {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            for (byte[] p : parts) {
                md.update(p);
            }
            return md.digest();
        } catch (GeneralSecurityException e) {
            throw new AssertionError(e);
        }
    }

    private static byte[] b64(String s) {
        return Base64.getDecoder().decode(s);
    }

    private static String hex(byte[] b) {
        return HexFormat.of().formatHex(b);
    }

    private static List<String> hexAll(List<byte[]> l) {
        return l.stream().map(FakeSigstoreTest::hex).toList();
    }

    private static int countTrue(boolean[] bits) {
        int n = 0;
        for (boolean b : bits) {
            n += b ? 1 : 0;
        }
        return n;
    }

    private static List<String> names(JsonNode o) {
        List<String> out = new ArrayList<>();
        o.fieldNames().forEachRemaining(out::add);
        return out;
    }

    /** Every field path in a document, array positions collapsed to {@code []}. */
    private static Set<String> paths(JsonNode n) {
        Set<String> out = new LinkedHashSet<>();
        collect(n, "", out);
        return out;
    }

    private static void collect(JsonNode n, String prefix, Set<String> out) {
        if (n.isObject()) {
            for (Map.Entry<String, JsonNode> e : n.properties()) {
                String p = prefix.isEmpty() ? e.getKey() : prefix + "." + e.getKey();
                out.add(p);
                collect(e.getValue(), p, out);
            }
        } else if (n.isArray()) {
            for (JsonNode e : n) {
                collect(e, prefix + "[]", out);
            }
        }
    }

    /** Sorted keys, no whitespace, written independently of the fake's serializer. */
    private static String canonical(JsonNode n) {
        if (n.isObject()) {
            List<String> keys = names(n);
            keys.sort(null);
            StringBuilder sb = new StringBuilder("{");
            for (String k : keys) {
                sb.append(sb.length() > 1 ? "," : "").append('"').append(k).append("\":").append(canonical(n.get(k)));
            }
            return sb.append('}').toString();
        }
        if (n.isArray()) {
            List<String> items = new ArrayList<>();
            n.forEach(e -> items.add(canonical(e)));
            return "[" + String.join(",", items) + "]";
        }
        return n.toString();
    }

    private record Run(int exitCode, String output) {
    }

    private static Run run(Path dir, String... command) throws InterruptedException {
        try {
            Path out = Files.createTempFile(dir, "run", ".out");
            Process p = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true)
                    .redirectOutput(out.toFile()).start();
            p.getOutputStream().close();
            if (!p.waitFor(60, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                return new Run(-1, "timed out");
            }
            return new Run(p.exitValue(), Files.readString(out));
        } catch (IOException e) {
            return new Run(-1, e.toString());
        }
    }
}
