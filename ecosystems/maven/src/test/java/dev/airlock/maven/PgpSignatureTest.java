package dev.airlock.maven;

import org.bouncycastle.bcpg.ArmoredOutputStream;
import org.bouncycastle.bcpg.BCPGOutputStream;
import org.bouncycastle.bcpg.HashAlgorithmTags;
import org.bouncycastle.bcpg.PublicKeyAlgorithmTags;
import org.bouncycastle.bcpg.PublicKeyPacket;
import org.bouncycastle.bcpg.sig.KeyFlags;
import org.bouncycastle.bcpg.sig.RevocationReasonTags;
import org.bouncycastle.crypto.AsymmetricCipherKeyPair;
import org.bouncycastle.crypto.generators.Ed25519KeyPairGenerator;
import org.bouncycastle.crypto.generators.RSAKeyPairGenerator;
import org.bouncycastle.crypto.params.Ed25519KeyGenerationParameters;
import org.bouncycastle.crypto.params.RSAKeyGenerationParameters;
import org.bouncycastle.openpgp.PGPException;
import org.bouncycastle.openpgp.PGPKeyPair;
import org.bouncycastle.openpgp.PGPKeyRingGenerator;
import org.bouncycastle.openpgp.PGPPrivateKey;
import org.bouncycastle.openpgp.PGPPublicKey;
import org.bouncycastle.openpgp.PGPPublicKeyRing;
import org.bouncycastle.openpgp.PGPSignature;
import org.bouncycastle.openpgp.PGPSignatureGenerator;
import org.bouncycastle.openpgp.PGPSignatureSubpacketGenerator;
import org.bouncycastle.openpgp.operator.bc.BcPGPContentSignerBuilder;
import org.bouncycastle.openpgp.operator.bc.BcPGPDigestCalculatorProvider;
import org.bouncycastle.openpgp.operator.bc.BcPGPKeyPair;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Date;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Detached OpenPGP signatures ({@code .asc}) verify only over the exact bytes, only with a key
 * the operator trusts and only while that key was valid; everything else is refused with a
 * sentence, never an exception.
 */
class PgpSignatureTest {

    private static final byte[] ARTIFACT = "PK\u0003\u0004 pretend this is a jar".getBytes(StandardCharsets.ISO_8859_1);
    private static final Instant NOW = Instant.parse("2026-06-01T00:00:00Z");
    private static final Instant KEY_CREATED = Instant.parse("2024-01-01T00:00:00Z");
    private static final Instant SIGNED = Instant.parse("2025-03-01T12:00:00Z");

    /** RSA 3072 keys take a second or two to make: one per class. */
    private static final TestKey RSA = TestKey.builder("Release Manager <rm@example.invalid>", PublicKeyAlgorithmTags.RSA_GENERAL).build();

    // ------------------------------------------------------------------ what verifies

    @Test
    void anRsaSigningSubkeySignatureVerifiesAndNamesThePrimaryKey() throws IOException {
        byte[] asc = RSA.sign(ARTIFACT, true, HashAlgorithmTags.SHA512, SIGNED);
        PgpSignature.Detached parsed = assertInstanceOf(PgpSignature.Detached.class, PgpSignature.parse(asc));
        assertEquals(RSA.subKeyId(), parsed.keyId());
        assertEquals("SHA-512", parsed.hashAlgorithm());
        assertEquals(SIGNED, parsed.createdAt());

        PgpSignature.Verified ok = assertInstanceOf(PgpSignature.Verified.class, verify(asc, RSA.keyring(), ARTIFACT));
        assertEquals(RSA.subKeyId(), ok.keyId());
        assertEquals(RSA.primaryFingerprint(), ok.primaryFingerprint());
        assertEquals(List.of("Release Manager <rm@example.invalid>"), ok.userIds());
        assertEquals(SIGNED, ok.createdAt());
        assertTrue(ok.summary().contains("verifies"), ok.summary());
    }

    @Test
    void anEd25519SubkeyAndItsPrimaryKeyBothVerify() throws IOException {
        TestKey ed = TestKey.builder("Ed <ed@example.invalid>", PublicKeyAlgorithmTags.Ed25519).primaryCanSign().build();
        PgpSignature.Verified bySub = assertInstanceOf(PgpSignature.Verified.class,
                verify(ed.sign(ARTIFACT, true, HashAlgorithmTags.SHA256, SIGNED), ed.keyring(), ARTIFACT));
        assertEquals(ed.subKeyId(), bySub.keyId());
        assertEquals(ed.primaryFingerprint(), bySub.primaryFingerprint());
        PgpSignature.Verified byPrimary = assertInstanceOf(PgpSignature.Verified.class,
                verify(ed.sign(ARTIFACT, false, HashAlgorithmTags.SHA512, SIGNED), ed.keyring(), ARTIFACT));
        assertEquals(ed.primaryKeyId(), byPrimary.keyId());
    }

    @Test
    void aBinaryAscVerifiesLikeAnArmoredOne() throws IOException {
        TestKey ed = TestKey.builder("Ed <ed@example.invalid>", PublicKeyAlgorithmTags.Ed25519).build();
        byte[] binary = ed.signBinary(ARTIFACT, SIGNED);
        assertTrue((binary[0] & 0x80) != 0);
        assertInstanceOf(PgpSignature.Verified.class, verify(binary, ed.keyring(), ARTIFACT));
    }

    @Test
    void theArtifactIsStreamedNotLoaded() throws IOException {
        // 48 MiB through the verifier; the signature is made over the same generated stream.
        long size = 48L * 1024 * 1024;
        TestKey ed = TestKey.builder("Ed <ed@example.invalid>", PublicKeyAlgorithmTags.Ed25519).build();
        byte[] asc = ed.sign(new Generated(size), true, HashAlgorithmTags.SHA256, SIGNED);
        PgpSignature.Detached parsed = (PgpSignature.Detached) PgpSignature.parse(asc);
        assertInstanceOf(PgpSignature.Verified.class, parsed.verify(ed.keyring(), new Generated(size), clock()));
        assertInstanceOf(PgpSignature.Bad.class, parsed.verify(ed.keyring(), new Generated(size - 1), clock()));
    }

    @Test
    void aPathArtifactVerifies(@TempDir Path dir) throws IOException {
        TestKey ed = TestKey.builder("Ed <ed@example.invalid>", PublicKeyAlgorithmTags.Ed25519).build();
        Path jar = Files.write(dir.resolve("lib-1.0.jar"), ARTIFACT);
        Path asc = Files.write(dir.resolve("lib-1.0.jar.asc"), ed.sign(ARTIFACT, true, HashAlgorithmTags.SHA256, Instant.now()));
        PgpSignature.Detached parsed = assertInstanceOf(PgpSignature.Detached.class, PgpSignature.parse(asc));
        assertInstanceOf(PgpSignature.Verified.class, parsed.verify(ed.keyring(), jar));
    }

    // ------------------------------------------------------------------ what does not

    @Test
    void tamperedBytesAreBad() throws IOException {
        byte[] asc = RSA.sign(ARTIFACT, true, HashAlgorithmTags.SHA512, SIGNED);
        byte[] tampered = ARTIFACT.clone();
        tampered[tampered.length - 1] ^= 1;
        PgpSignature.Bad bad = assertInstanceOf(PgpSignature.Bad.class, verify(asc, RSA.keyring(), tampered));
        assertEquals(RSA.subKeyId(), bad.keyId());
        assertEquals("the .asc signature by key " + RSA.subKeyId() + " does not verify over these bytes", bad.reason());
    }

    @Test
    void aKeyNotInTheKeyringIsUnknown() throws IOException {
        TestKey other = TestKey.builder("Other <other@example.invalid>", PublicKeyAlgorithmTags.Ed25519).build();
        PgpSignature.UnknownKey unknown = assertInstanceOf(PgpSignature.UnknownKey.class,
                verify(other.sign(ARTIFACT, true, HashAlgorithmTags.SHA256, SIGNED), RSA.keyring(), ARTIFACT));
        assertEquals(other.subKeyId(), unknown.keyId());
        assertEquals(other.subFingerprint(), unknown.fingerprint());
        assertInstanceOf(PgpSignature.UnknownKey.class,
                verify(other.sign(ARTIFACT, true, HashAlgorithmTags.SHA256, SIGNED), PgpKeyring.EMPTY, ARTIFACT));
    }

    @Test
    void aSignatureMadeAfterTheKeyExpiredIsBadOneMadeBeforeStillVerifies() throws IOException {
        TestKey expiring = TestKey.builder("Expiring <exp@example.invalid>", PublicKeyAlgorithmTags.Ed25519)
                .expiresAfter(Duration.ofDays(365)).build();
        Instant expiry = KEY_CREATED.plus(Duration.ofDays(365));
        assertEquals(expiry, expiring.keyring().find(expiring.subKeyId()).orElseThrow().expiresAt().orElseThrow());

        PgpSignature.Bad late = assertInstanceOf(PgpSignature.Bad.class,
                verify(expiring.sign(ARTIFACT, true, HashAlgorithmTags.SHA256, expiry.plusSeconds(1)), expiring.keyring(), ARTIFACT));
        assertTrue(late.reason().contains("after the key expired"), late.reason());
        // Releases signed while the key was valid stay good after it expires (NOW is past the expiry).
        assertInstanceOf(PgpSignature.Verified.class,
                verify(expiring.sign(ARTIFACT, true, HashAlgorithmTags.SHA256, expiry.minusSeconds(60)), expiring.keyring(), ARTIFACT));
    }

    @Test
    void aSubkeyExpiresWithItsPrimaryKey() throws IOException {
        TestKey expiring = TestKey.builder("Expiring <exp@example.invalid>", PublicKeyAlgorithmTags.Ed25519)
                .expiresAfter(Duration.ofDays(30)).subkeyNeverExpires().build();
        assertEquals(KEY_CREATED.plus(Duration.ofDays(30)), expiring.keyring().find(expiring.subKeyId()).orElseThrow().expiresAt().orElseThrow());
        assertInstanceOf(PgpSignature.Bad.class, verify(expiring.sign(ARTIFACT, true, HashAlgorithmTags.SHA256, SIGNED), expiring.keyring(), ARTIFACT));
    }

    @Test
    void aRevokedKeyIsNotTrustedAndItsSignaturesAreBadNotUnknown() throws IOException, PGPException {
        TestKey key = TestKey.builder("Revoked <rev@example.invalid>", PublicKeyAlgorithmTags.Ed25519).build();
        PgpKeyring keyring = PgpKeyring.parse("revoked.asc", key.armor(key.revokePrimary("the laptop was stolen")));
        PgpKeyring.Key primary = keyring.find(key.primaryKeyId()).orElseThrow();
        PgpKeyring.Key sub = keyring.find(key.subKeyId()).orElseThrow();
        assertFalse(primary.trusted());
        assertFalse(sub.trusted(), "a revoked primary key takes its subkeys with it");
        assertTrue(primary.notTrustedBecause().orElseThrow().contains("key compromised: \"the laptop was stolen\""), primary.toString());

        PgpSignature.Bad bad = assertInstanceOf(PgpSignature.Bad.class,
                verify(key.sign(ARTIFACT, true, HashAlgorithmTags.SHA256, SIGNED), keyring, ARTIFACT));
        // The revocation is dated after the signature and still counts: dates in signatures are the signer's claim.
        assertTrue(bad.reason().contains("revoked by its owner"), bad.reason());
    }

    @Test
    void aRevocationInALaterFileRevokesTheKeyFromAnEarlierOne(@TempDir Path dir) throws IOException, PGPException {
        TestKey key = TestKey.builder("Revoked <rev@example.invalid>", PublicKeyAlgorithmTags.Ed25519).build();
        Path original = Files.write(dir.resolve("original.asc"), key.armoredPublicKey());
        Path revoked = Files.write(dir.resolve("revoked.asc"), key.armor(key.revokePrimary("retired")));
        PgpKeyring keyring = PgpKeyring.load(List.of(original, revoked));
        assertEquals(2, keyring.keys().size());
        assertFalse(keyring.find(key.subKeyId()).orElseThrow().trusted());
        assertEquals(List.of("Revoked <rev@example.invalid>"), keyring.find(key.subKeyId()).orElseThrow().userIds(),
                "merging keeps the self-signatures verifiable (Bouncy Castle's own join does not, for Ed25519)");
    }

    @Test
    void aRevokedSubkeyIsNotTrustedButItsPrimaryKeyStillIs() throws IOException, PGPException {
        TestKey key = TestKey.builder("Sub <sub@example.invalid>", PublicKeyAlgorithmTags.Ed25519).primaryCanSign().build();
        PgpKeyring keyring = PgpKeyring.parse("revoked-sub.asc", key.armor(key.revokeSubkey()));
        assertFalse(keyring.find(key.subKeyId()).orElseThrow().trusted());
        assertTrue(keyring.find(key.primaryKeyId()).orElseThrow().trusted());
        PgpSignature.Bad bad = assertInstanceOf(PgpSignature.Bad.class,
                verify(key.sign(ARTIFACT, true, HashAlgorithmTags.SHA256, SIGNED), keyring, ARTIFACT));
        assertTrue(bad.reason().contains("subkey " + key.subKeyId() + " was revoked"), bad.reason());
        assertInstanceOf(PgpSignature.Verified.class, verify(key.sign(ARTIFACT, false, HashAlgorithmTags.SHA256, SIGNED), keyring, ARTIFACT));
    }

    @Test
    void aSigningSubkeyWithoutABackSignatureIsNotTrusted() throws IOException {
        TestKey key = TestKey.builder("NoBack <noback@example.invalid>", PublicKeyAlgorithmTags.Ed25519).withoutBackSignature().build();
        PgpSignature.Bad bad = assertInstanceOf(PgpSignature.Bad.class,
                verify(key.sign(ARTIFACT, true, HashAlgorithmTags.SHA256, SIGNED), key.keyring(), ARTIFACT));
        assertTrue(bad.reason().contains("back-signature"), bad.reason());
    }

    @Test
    void aPrimaryKeyFlaggedForCertificationOnlyMayNotSignFiles() throws IOException {
        // RSA's primary key is "certify only", as gpg makes it when a signing subkey exists.
        PgpSignature.Bad bad = assertInstanceOf(PgpSignature.Bad.class,
                verify(RSA.sign(ARTIFACT, false, HashAlgorithmTags.SHA256, SIGNED), RSA.keyring(), ARTIFACT));
        assertTrue(bad.reason().contains("not flagged for signing"), bad.reason());
    }

    @Test
    void sha1AndMd5SignaturesVerifyAndNameTheirHashForThePolicyToJudge() throws IOException {
        // The hash is a policy question (policy.sha1SignaturesUntil): here a genuine signature verifies and says what it used.
        PgpSignature.Verified sha1 = assertInstanceOf(PgpSignature.Verified.class,
                verify(RSA.sign(ARTIFACT, true, HashAlgorithmTags.SHA1, SIGNED), RSA.keyring(), ARTIFACT));
        assertEquals("SHA-1", sha1.hashAlgorithm());
        PgpSignature.Detached md5 = (PgpSignature.Detached) PgpSignature.parse(RSA.sign(ARTIFACT, true, HashAlgorithmTags.MD5, SIGNED));
        assertEquals("MD5", md5.hashAlgorithm());
        assertEquals("MD5", assertInstanceOf(PgpSignature.Verified.class,
                md5.verify(RSA.keyring(), new ByteArrayInputStream(ARTIFACT), clock())).hashAlgorithm());
        // Still a signature over exactly these bytes: a SHA-1 signature over other bytes is bad.
        byte[] other = "other bytes".getBytes(StandardCharsets.UTF_8);
        assertInstanceOf(PgpSignature.Bad.class, verify(RSA.sign(ARTIFACT, true, HashAlgorithmTags.SHA1, SIGNED), RSA.keyring(), other));
        // By a key nobody can check, the hash proves nothing either way: an unknown key, dated as the signature says.
        PgpSignature.UnknownKey unknown = assertInstanceOf(PgpSignature.UnknownKey.class,
                md5.verify(PgpKeyring.EMPTY, new ByteArrayInputStream(ARTIFACT), clock()));
        assertEquals(md5.createdAt(), unknown.createdAt());
    }

    @Test
    void aSignatureDatedBeforeItsKeyExistedIsBad() throws IOException {
        PgpSignature.Bad bad = assertInstanceOf(PgpSignature.Bad.class,
                verify(RSA.sign(ARTIFACT, true, HashAlgorithmTags.SHA256, KEY_CREATED.minusSeconds(3600)), RSA.keyring(), ARTIFACT));
        assertTrue(bad.reason().contains("before the key was created"), bad.reason());
    }

    // ------------------------------------------------------------------ what is not a signature

    @Test
    void garbageEmptyOversizedAndWrongBlocksAreMalformedNeverExceptions() throws IOException {
        assertMalformed(new byte[0], "empty");
        assertMalformed("hello, I am not a signature\n".getBytes(StandardCharsets.US_ASCII), "");
        assertMalformed(new byte[] {(byte) 0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a}, "");
        byte[] oversized = new byte[PgpSignature.MAX_ASC_BYTES + 1];
        Arrays.fill(oversized, (byte) 'A');
        assertMalformed(oversized, "larger than 64 KiB");
        assertMalformed(RSA.armoredPublicKey(), "PUBLIC KEY BLOCK");
        assertMalformed(RSA.binaryPublicKey(), "public key");
        assertMalformed("-----BEGIN PGP SIGNATURE-----\n\n-----END PGP SIGNATURE-----\n".getBytes(StandardCharsets.US_ASCII), "");

        byte[] good = RSA.sign(ARTIFACT, true, HashAlgorithmTags.SHA256, SIGNED);
        assertMalformed(Arrays.copyOf(good, good.length / 2), "");
        byte[] flipped = good.clone();
        flipped[good.length / 2] = (byte) (flipped[good.length / 2] == 'A' ? 'B' : 'A');
        Object result = PgpSignature.parse(flipped);
        // A flipped base64 character either breaks the armor checksum or the signature over the bytes.
        if (result instanceof PgpSignature.Detached d) {
            assertFalse(d.verify(RSA.keyring(), new ByteArrayInputStream(ARTIFACT), clock()) instanceof PgpSignature.Verified);
        } else {
            assertInstanceOf(PgpSignature.Malformed.class, result);
        }

        assertMalformed(RSA.signTwiceBinary(ARTIFACT), "more than one signature");
    }

    @Test
    void aPacketClaimingTwoGigabytesIsMalformedNotAnOutOfMemoryError() {
        // New-format signature packet (tag 2), five-octet length 0x7FFFFFFF, then a few bytes.
        byte[] lying = {(byte) 0xC2, (byte) 0xFF, 0x7F, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF, 4, 0, 1, 8};
        assertMalformed(lying, "");
    }

    @Test
    void aKeyCertificationIsNotASignatureOverAFile() throws IOException {
        byte[] certification = RSA.selfCertificationArmored();
        assertMalformed(certification, "not a signature over a file");
    }

    @Test
    void theOneCallParsesAndVerifies() throws IOException {
        assertInstanceOf(PgpSignature.Malformed.class, PgpSignature.verify(new byte[0], RSA.keyring(), new ByteArrayInputStream(ARTIFACT)));
        assertInstanceOf(PgpSignature.Verified.class, PgpSignature.verify(RSA.sign(ARTIFACT, true, HashAlgorithmTags.SHA384, SIGNED),
                RSA.keyring(), new ByteArrayInputStream(ARTIFACT)));
    }

    // ------------------------------------------------------------------ the keyring

    @Test
    void keyringsLoadFromSeveralFilesArmoredConcatenatedAndBinary(@TempDir Path dir) throws IOException {
        TestKey ed = TestKey.builder("Ed <ed@example.invalid>", PublicKeyAlgorithmTags.Ed25519).build();
        TestKey ed2 = TestKey.builder("Ed2 <ed2@example.invalid>", PublicKeyAlgorithmTags.Ed25519).build();
        Path both = dir.resolve("both.asc");
        Files.write(both, (new String(ed.armoredPublicKey(), StandardCharsets.US_ASCII) + "\n"
                + new String(ed2.armoredPublicKey(), StandardCharsets.US_ASCII)).getBytes(StandardCharsets.US_ASCII));
        Path binary = Files.write(dir.resolve("rsa.gpg"), RSA.binaryPublicKey());
        Path again = Files.write(dir.resolve("again.asc"), ed.armoredPublicKey());
        PgpKeyring keyring = PgpKeyring.load(List.of(both, binary, again));
        assertEquals(6, keyring.keys().size(), "three primary keys and three subkeys; the repeated key counts once");
        for (TestKey k : List.of(ed, ed2, RSA)) {
            PgpKeyring.Key sub = keyring.find(k.subKeyId()).orElseThrow();
            assertEquals(k.primaryFingerprint(), sub.primaryFingerprint());
            assertFalse(sub.isPrimary());
            assertTrue(sub.trusted(), sub.toString());
            assertTrue(keyring.find(k.primaryKeyId().toLowerCase()).orElseThrow().isPrimary());
        }
        assertTrue(PgpKeyring.EMPTY.isEmpty());
        assertTrue(PgpKeyring.EMPTY.find(RSA.subKeyId()).isEmpty());
    }

    @Test
    void keyringFilesThatCannotBeUsedAreErrorsNamingTheFile(@TempDir Path dir) throws IOException {
        Path missing = dir.resolve("missing.asc");
        assertTrue(assertThrows(IllegalArgumentException.class, () -> PgpKeyring.load(List.of(missing))).getMessage().contains(missing.toString()));
        Path garbage = Files.writeString(dir.resolve("garbage.asc"), "not a key\n");
        assertTrue(assertThrows(IllegalArgumentException.class, () -> PgpKeyring.load(List.of(garbage))).getMessage().contains(garbage.toString()));
        Path empty = Files.write(dir.resolve("empty.asc"), new byte[0]);
        assertTrue(assertThrows(IllegalArgumentException.class, () -> PgpKeyring.load(List.of(empty))).getMessage().contains("no public key"));
        Path secret = Files.write(dir.resolve("secret.asc"), RSA.armoredSecretKey());
        String message = assertThrows(IllegalArgumentException.class, () -> PgpKeyring.load(List.of(secret))).getMessage();
        assertTrue(message.contains(secret.toString()) && message.contains("secret key"), message);
        Path signature = Files.write(dir.resolve("sig.asc"), RSA.sign(ARTIFACT, true, HashAlgorithmTags.SHA256, SIGNED));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> PgpKeyring.load(List.of(signature))).getMessage().contains("PGP SIGNATURE"));
        Path huge = dir.resolve("huge.gpg");
        try (var out = Files.newOutputStream(huge)) {
            out.write(RSA.binaryPublicKey());
            out.write(new byte[PgpKeyring.MAX_FILE_BYTES]);
        }
        assertTrue(assertThrows(IllegalArgumentException.class, () -> PgpKeyring.load(List.of(huge))).getMessage().contains("larger than 16 MiB"));
        assertThrows(IllegalArgumentException.class, () -> RSA.keyring().find("00E0"));
    }

    // ------------------------------------------------------------------ GnuPG

    @Test
    void signaturesMadeByGnuPgVerifyWithTheKeyItExports(@TempDir Path dir) throws Exception {
        Path gpg = Path.of("/usr/bin/gpg");
        assumeTrue(Files.isExecutable(gpg), "GnuPG is not installed");
        Path home = Files.createDirectory(dir.resolve("gnupg"), PosixFilePermissions.asFileAttribute(
                PosixFilePermissions.fromString("rwx------")));
        try {
            List<String> gpgBatch = List.of(gpg.toString(), "--homedir", home.toString(), "--batch", "--no-tty",
                    "--passphrase", "", "--pinentry-mode", "loopback");
            run(dir, null, concat(gpgBatch, "--quick-gen-key", "Airlock Interop <interop@airlock.invalid>", "ed25519", "sign", "never"));
            Path jar = Files.write(dir.resolve("lib-1.0.jar"), ARTIFACT);
            Path asc = dir.resolve("lib-1.0.jar.asc");
            run(dir, null, concat(gpgBatch, "--armor", "--detach-sign", "--output", asc.toString(), jar.toString()));
            Path key = dir.resolve("key.asc");
            run(dir, key, concat(gpgBatch, "--armor", "--export", "interop@airlock.invalid"));
            Path colons = dir.resolve("colons.txt");
            run(dir, colons, concat(gpgBatch, "--with-colons", "--fingerprint", "interop@airlock.invalid"));
            String fingerprint = Files.readAllLines(colons).stream().filter(l -> l.startsWith("fpr:")).findFirst().orElseThrow().split(":")[9];

            PgpKeyring keyring = PgpKeyring.load(List.of(key));
            PgpSignature.Detached parsed = assertInstanceOf(PgpSignature.Detached.class, PgpSignature.parse(asc));
            assertEquals(fingerprint.substring(24), parsed.keyId());
            assertEquals(fingerprint, parsed.issuerFingerprint().orElseThrow(), "GnuPG 2.2 adds the issuer-fingerprint subpacket");
            PgpSignature.Verified ok = assertInstanceOf(PgpSignature.Verified.class, parsed.verify(keyring, jar));
            assertEquals(fingerprint, ok.primaryFingerprint());
            assertEquals(List.of("Airlock Interop <interop@airlock.invalid>"), ok.userIds());

            Path tampered = Files.write(dir.resolve("tampered.jar"), (new String(ARTIFACT, StandardCharsets.ISO_8859_1) + " ")
                    .getBytes(StandardCharsets.ISO_8859_1));
            assertInstanceOf(PgpSignature.Bad.class, parsed.verify(keyring, tampered));
            assertInstanceOf(PgpSignature.UnknownKey.class, parsed.verify(RSA.keyring(), jar));
        } finally {
            // gpg started an agent for this home; it must not outlive the test.
            Path gpgconf = Path.of("/usr/bin/gpgconf");
            if (Files.isExecutable(gpgconf)) {
                run(dir, null, List.of(gpgconf.toString(), "--homedir", home.toString(), "--kill", "gpg-agent"));
            }
        }
    }

    // ------------------------------------------------------------------ a real release

    @Test
    void theRealSigstoreJavaAscParsesAndItsKeyIsUnknownOffline() throws IOException {
        // Copied from the local Maven repository by maven-dependency-plugin (generate-test-resources).
        // The signer's public key is on keyservers only, which are unreachable here, so the test can
        // check what the .asc says and that an empty keyring answers UnknownKey, not a verification.
        Path dir = Path.of("target", "real-maven");
        Path asc = dir.resolve("sigstore-java-2.0.0.jar.asc");
        Path jar = dir.resolve("sigstore-java-2.0.0.jar");
        assertTrue(Files.isRegularFile(asc) && Files.isRegularFile(jar), "run through Maven, which copies " + asc);

        PgpSignature.Detached parsed = assertInstanceOf(PgpSignature.Detached.class, PgpSignature.parse(asc));
        assertEquals("00E008229F5DAF37", parsed.keyId());
        assertEquals("SHA-512", parsed.hashAlgorithm());
        assertTrue(parsed.issuerFingerprint().isEmpty(), "signatures made by BCPG carry no issuer fingerprint");
        PgpSignature.UnknownKey unknown = assertInstanceOf(PgpSignature.UnknownKey.class, parsed.verify(PgpKeyring.EMPTY, jar));
        assertEquals("00E008229F5DAF37", unknown.keyId());
        assertNull(unknown.fingerprint());
        assertInstanceOf(PgpSignature.UnknownKey.class, parsed.verify(RSA.keyring(), jar));

        byte[] real = Files.readAllBytes(asc);
        assertMalformed(Arrays.copyOf(real, real.length - 40), "");
        assertMalformed(new String(real, StandardCharsets.US_ASCII).replace("SIGNATURE", "PUBLIC KEY BLOCK").getBytes(StandardCharsets.US_ASCII), "PUBLIC KEY BLOCK");
    }

    // ------------------------------------------------------------------ helpers

    private static PgpSignature.Result verify(byte[] asc, PgpKeyring keyring, byte[] artifact) throws IOException {
        PgpSignature.Parsed parsed = PgpSignature.parse(asc);
        if (parsed instanceof PgpSignature.Malformed m) {
            return m;
        }
        return ((PgpSignature.Detached) parsed).verify(keyring, new ByteArrayInputStream(artifact), clock());
    }

    private static Clock clock() {
        return Clock.fixed(NOW, ZoneOffset.UTC);
    }

    private static void assertMalformed(byte[] asc, String reasonContains) {
        PgpSignature.Malformed m = assertInstanceOf(PgpSignature.Malformed.class, PgpSignature.parse(asc));
        assertTrue(m.reason().contains(reasonContains), m.reason());
        assertFalse(m.reason().contains("\tat "), "no stack traces in reasons: " + m.reason());
    }

    private static List<String> concat(List<String> head, String... tail) {
        List<String> all = new ArrayList<>(head);
        all.addAll(List.of(tail));
        return all;
    }

    private static void run(Path dir, Path stdout, List<String> command) throws IOException, InterruptedException {
        Path err = Files.createTempFile(dir, "gpg", ".err");
        ProcessBuilder pb = new ProcessBuilder(command).directory(dir.toFile()).redirectError(err.toFile());
        pb.redirectOutput(stdout == null ? ProcessBuilder.Redirect.DISCARD : ProcessBuilder.Redirect.to(stdout.toFile()));
        pb.redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
        Process p = pb.start();
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("timed out after 60 s: " + command);
        }
        assertEquals(0, p.exitValue(), () -> command + " failed: " + readQuietly(err));
    }

    private static String readQuietly(Path p) {
        try {
            return Files.readString(p);
        } catch (IOException e) {
            return e.toString();
        }
    }

    /** {@code size} bytes of a fixed pattern, made on the fly. */
    private static final class Generated extends InputStream {
        private long left;

        Generated(long size) {
            this.left = size;
        }

        @Override
        public int read() {
            return left-- > 0 ? (int) (left % 251) : -1;
        }

        @Override
        public int read(byte[] b, int off, int len) {
            if (left <= 0) {
                return -1;
            }
            int n = (int) Math.min(len, left);
            for (int i = 0; i < n; i++) {
                left--;
                b[off + i] = (byte) (left % 251);
            }
            return n;
        }
    }

    /** A primary key with one signing subkey, made with Bouncy Castle, and what it can sign. */
    private static final class TestKey {
        private final PGPKeyRingGenerator generator;
        private final PGPPublicKeyRing ring;
        private final PGPKeyPair primary;
        private final PGPKeyPair sub;
        private final int algorithm;

        private TestKey(PGPKeyRingGenerator generator, PGPKeyPair primary, PGPKeyPair sub, int algorithm) {
            this.generator = generator;
            this.ring = generator.generatePublicKeyRing();
            this.primary = primary;
            this.sub = sub;
            this.algorithm = algorithm;
        }

        static Builder builder(String userId, int algorithm) {
            return new Builder(userId, algorithm);
        }

        static final class Builder {
            private final String userId;
            private final int algorithm;
            private boolean primaryCanSign;
            private Duration expiry;
            private boolean subkeyNeverExpires;
            private boolean backSignature = true;

            Builder(String userId, int algorithm) {
                this.userId = userId;
                this.algorithm = algorithm;
            }

            Builder primaryCanSign() {
                primaryCanSign = true;
                return this;
            }

            Builder expiresAfter(Duration d) {
                expiry = d;
                return this;
            }

            Builder subkeyNeverExpires() {
                subkeyNeverExpires = true;
                return this;
            }

            Builder withoutBackSignature() {
                backSignature = false;
                return this;
            }

            TestKey build() {
                try {
                    PGPKeyPair primary = pair(algorithm);
                    PGPKeyPair sub = pair(algorithm);
                    PGPSignatureSubpacketGenerator self = new PGPSignatureSubpacketGenerator();
                    self.setSignatureCreationTime(false, Date.from(KEY_CREATED));
                    self.setKeyFlags(false, KeyFlags.CERTIFY_OTHER | (primaryCanSign ? KeyFlags.SIGN_DATA : 0));
                    self.setIssuerFingerprint(false, primary.getPublicKey());
                    if (expiry != null) {
                        self.setKeyExpirationTime(false, expiry.toSeconds());
                    }
                    PGPKeyRingGenerator generator = new PGPKeyRingGenerator(PGPSignature.POSITIVE_CERTIFICATION, primary, userId,
                            new BcPGPDigestCalculatorProvider().get(HashAlgorithmTags.SHA1), self.generate(), null,
                            new BcPGPContentSignerBuilder(algorithm, HashAlgorithmTags.SHA512), null);
                    PGPSignatureSubpacketGenerator binding = new PGPSignatureSubpacketGenerator();
                    binding.setSignatureCreationTime(false, Date.from(KEY_CREATED));
                    binding.setKeyFlags(false, KeyFlags.SIGN_DATA);
                    if (expiry != null && !subkeyNeverExpires) {
                        binding.setKeyExpirationTime(false, expiry.toSeconds());
                    }
                    if (backSignature) {
                        generator.addSubKey(sub, binding.generate(), null, new BcPGPContentSignerBuilder(algorithm, HashAlgorithmTags.SHA512));
                    } else {
                        generator.addSubKey(sub, binding.generate(), null);
                    }
                    return new TestKey(generator, primary, sub, algorithm);
                } catch (PGPException e) {
                    throw new IllegalStateException(e);
                }
            }

            private static PGPKeyPair pair(int algorithm) throws PGPException {
                SecureRandom random = new SecureRandom();
                AsymmetricCipherKeyPair pair;
                if (algorithm == PublicKeyAlgorithmTags.RSA_GENERAL) {
                    RSAKeyPairGenerator rsa = new RSAKeyPairGenerator();
                    rsa.init(new RSAKeyGenerationParameters(BigInteger.valueOf(0x10001), random, 3072, 100));
                    pair = rsa.generateKeyPair();
                } else {
                    Ed25519KeyPairGenerator ed = new Ed25519KeyPairGenerator();
                    ed.init(new Ed25519KeyGenerationParameters(random));
                    pair = ed.generateKeyPair();
                }
                return new BcPGPKeyPair(PublicKeyPacket.VERSION_4, algorithm, pair, Date.from(KEY_CREATED));
            }
        }

        String primaryKeyId() {
            return PgpKeyring.keyIdHex(primary.getKeyID());
        }

        String subKeyId() {
            return PgpKeyring.keyIdHex(sub.getKeyID());
        }

        String primaryFingerprint() {
            return PgpKeyring.hex(primary.getPublicKey().getFingerprint());
        }

        String subFingerprint() {
            return PgpKeyring.hex(sub.getPublicKey().getFingerprint());
        }

        PgpKeyring keyring() {
            return PgpKeyring.parse("test key", armoredPublicKey());
        }

        byte[] armoredPublicKey() {
            return armor(ring);
        }

        byte[] binaryPublicKey() {
            try {
                return ring.getEncoded();
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        }

        byte[] armoredSecretKey() throws IOException {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            try (ArmoredOutputStream aos = ArmoredOutputStream.builder().clearHeaders().build(out)) {
                generator.generateSecretKeyRing().encode(aos);
            }
            return out.toByteArray();
        }

        byte[] armor(PGPPublicKeyRing r) {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            try (ArmoredOutputStream aos = ArmoredOutputStream.builder().clearHeaders().build(out)) {
                r.encode(aos);
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
            return out.toByteArray();
        }

        /** An armored detached signature over {@code data}, dated {@code when}, by the subkey or the primary key. */
        byte[] sign(byte[] data, boolean bySubkey, int hash, Instant when) throws IOException {
            return sign(new ByteArrayInputStream(data), bySubkey, hash, when);
        }

        byte[] sign(InputStream data, boolean bySubkey, int hash, Instant when) throws IOException {
            PGPSignature s = signature(data, bySubkey ? sub : primary, hash, when, true);
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            try (ArmoredOutputStream aos = ArmoredOutputStream.builder().clearHeaders().build(out)) {
                BCPGOutputStream bcpg = new BCPGOutputStream(aos);
                s.encode(bcpg);
                bcpg.flush();
            }
            return out.toByteArray();
        }

        byte[] signBinary(byte[] data, Instant when) throws IOException {
            return signature(new ByteArrayInputStream(data), sub, HashAlgorithmTags.SHA256, when, false).getEncoded();
        }

        /** Two signature packets in one binary file. */
        byte[] signTwiceBinary(byte[] data) throws IOException {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            out.write(signBinary(data, SIGNED));
            out.write(signBinary(data, SIGNED.plusSeconds(1)));
            return out.toByteArray();
        }

        /** The user ID's self-certification, armored like a detached signature. */
        byte[] selfCertificationArmored() throws IOException {
            PGPSignature cert = ring.getPublicKey().getSignatures().next();
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            try (ArmoredOutputStream aos = ArmoredOutputStream.builder().clearHeaders().build(out)) {
                BCPGOutputStream bcpg = new BCPGOutputStream(aos);
                cert.encode(bcpg);
                bcpg.flush();
            }
            return out.toByteArray();
        }

        private PGPSignature signature(InputStream data, PGPKeyPair signer, int hash, Instant when, boolean withFingerprint) throws IOException {
            try {
                PGPSignatureGenerator gen = new PGPSignatureGenerator(new BcPGPContentSignerBuilder(algorithm, hash), signer.getPublicKey());
                PGPSignatureSubpacketGenerator hashed = new PGPSignatureSubpacketGenerator();
                hashed.setSignatureCreationTime(false, Date.from(when));
                if (withFingerprint) {
                    hashed.setIssuerFingerprint(false, signer.getPublicKey());
                }
                gen.setHashedSubpackets(hashed.generate());
                PGPSignatureSubpacketGenerator unhashed = new PGPSignatureSubpacketGenerator();
                unhashed.setIssuerKeyID(false, signer.getKeyID());
                gen.setUnhashedSubpackets(unhashed.generate());
                PGPPrivateKey key = signer.getPrivateKey();
                gen.init(PGPSignature.BINARY_DOCUMENT, key);
                byte[] buffer = new byte[64 * 1024];
                for (int n; (n = data.read(buffer)) != -1; ) {
                    gen.update(buffer, 0, n);
                }
                return gen.generate();
            } catch (PGPException e) {
                throw new IllegalStateException(e);
            }
        }

        PGPPublicKeyRing revokePrimary(String why) throws PGPException {
            PGPSignatureGenerator gen = new PGPSignatureGenerator(new BcPGPContentSignerBuilder(algorithm, HashAlgorithmTags.SHA512), primary.getPublicKey());
            PGPSignatureSubpacketGenerator hashed = new PGPSignatureSubpacketGenerator();
            hashed.setSignatureCreationTime(false, Date.from(NOW));
            hashed.setRevocationReason(false, RevocationReasonTags.KEY_COMPROMISED, why);
            hashed.setIssuerFingerprint(false, primary.getPublicKey());
            gen.setHashedSubpackets(hashed.generate());
            gen.init(PGPSignature.KEY_REVOCATION, primary.getPrivateKey());
            PGPSignature revocation = gen.generateCertification(ring.getPublicKey());
            return PGPPublicKeyRing.insertPublicKey(ring, PGPPublicKey.addCertification(ring.getPublicKey(), revocation));
        }

        PGPPublicKeyRing revokeSubkey() throws PGPException {
            PGPSignatureGenerator gen = new PGPSignatureGenerator(new BcPGPContentSignerBuilder(algorithm, HashAlgorithmTags.SHA512), primary.getPublicKey());
            PGPSignatureSubpacketGenerator hashed = new PGPSignatureSubpacketGenerator();
            hashed.setSignatureCreationTime(false, Date.from(NOW));
            hashed.setRevocationReason(false, RevocationReasonTags.KEY_RETIRED, "");
            hashed.setIssuerFingerprint(false, primary.getPublicKey());
            gen.setHashedSubpackets(hashed.generate());
            gen.init(PGPSignature.SUBKEY_REVOCATION, primary.getPrivateKey());
            PGPPublicKey subkey = ring.getPublicKey(sub.getKeyID());
            PGPSignature revocation = gen.generateCertification(ring.getPublicKey(), subkey);
            return PGPPublicKeyRing.insertPublicKey(ring, PGPPublicKey.addCertification(subkey, revocation));
        }
    }
}
