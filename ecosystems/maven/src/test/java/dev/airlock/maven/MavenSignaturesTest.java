package dev.airlock.maven;

import dev.airlock.core.ecosystem.ContentFacts;
import dev.airlock.core.ecosystem.SignatureTrust;
import dev.airlock.core.trust.SigstoreVerifier;
import dev.airlock.core.trust.TrustedRoot;
import dev.airlock.core.trust.testing.FakeSigstore;
import dev.airlock.maven.fixture.FixtureMavenRepository;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What {@link MavenSignatures} concludes from the {@code .asc} and {@code .sigstore.json} beside a
 * Maven file, over the bytes Airlock holds: a real release (sigstore-java 2.0.0, its real bundle
 * against the shipped public-good root and its real {@code .asc}), and test keys for what no real
 * release can show offline.
 */
class MavenSignaturesTest {

    private static final String JAR = "sigstore-java-2.0.0.jar";
    private static final Path REAL = Path.of("target", "real-maven");
    private static final SigstoreVerifier SHIPPED = SignatureTrust.defaults().sigstore();

    private static FixtureMavenRepository.SigningKey key;
    private static PgpKeyring keyring;

    @TempDir
    Path tmp;

    @BeforeAll
    static void keys() {
        key = FixtureMavenRepository.testKey();
        keyring = PgpKeyring.parse("test key", key.armoredPublicKey().getBytes(StandardCharsets.US_ASCII));
    }

    private static byte[] real(String name) throws IOException {
        Path p = REAL.resolve(name);
        assertTrue(Files.isRegularFile(p), "run through Maven, which copies " + p + " at generate-test-resources");
        return Files.readAllBytes(p);
    }

    private static Map<String, byte[]> found(String kind, byte[] bytes) {
        Map<String, byte[]> m = new HashMap<>();
        m.put(kind, bytes);
        return m;
    }

    private Path file(String name, byte[] bytes) throws IOException {
        return Files.write(tmp.resolve(name), bytes);
    }

    // ------------------------------------------------------------------ Sigstore

    @Test
    void theRealSigstoreJavaBundleVerifiesOverItsJarAgainstTheShippedRoot() throws IOException {
        ContentFacts f = MavenSignatures.verify(JAR, REAL.resolve(JAR), found(MavenSignatures.SIGSTORE, real(JAR + ".sigstore.json")),
                PgpKeyring.EMPTY, SHIPPED);
        assertEquals(List.of(), f.signatureFailures());
        assertEquals(List.of(), f.anomalies());
        assertEquals("https://github.com/sigstore/sigstore-java", f.signer().get(ContentFacts.REPOSITORY), f.signer().toString());
        assertEquals("https://github.com/sigstore/sigstore-java/.github/workflows/release-sigstore-java-from-tag.yaml@refs/tags/v2.0.0",
                f.signer().get(ContentFacts.PROVENANCE));
        assertTrue(f.signer().get(ContentFacts.WORKFLOW).contains("release-sigstore-java-from-tag.yaml"), f.signer().toString());
        assertEquals("refs/tags/v2.0.0", f.signer().get(ContentFacts.REF));
        assertFalse(f.signer().containsKey(ContentFacts.PGP_KEY), "the .asc was not asked for, so nothing is said about it");
    }

    @Test
    void theRealBundleOverATamperedCopyOfTheJarIsASignatureFailure() throws IOException {
        byte[] jar = real(JAR);
        jar[jar.length / 2] ^= 0x01;
        Path tampered = file(JAR, jar);
        ContentFacts f = MavenSignatures.verify(JAR, tampered, found(MavenSignatures.SIGSTORE, real(JAR + ".sigstore.json")),
                PgpKeyring.EMPTY, SHIPPED);
        assertEquals(1, f.signatureFailures().size(), f.toString());
        assertTrue(f.signatureFailures().get(0).startsWith(JAR + ".sigstore.json does not verify"), f.signatureFailures().get(0));
        assertFalse(f.signer().containsKey(ContentFacts.PROVENANCE), "no identity is taken from a bundle that does not verify");
        assertFalse(f.signer().containsKey(ContentFacts.REPOSITORY));
    }

    @Test
    void aBundleFromAnotherSigstoreVerifiesOnlyAgainstThatRoot() throws Exception {
        FakeSigstore fake = FakeSigstore.create("maven-signatures");
        Instant signed = Instant.parse("2025-06-01T10:00:00Z");
        byte[] jar = "PK\u0003\u0004 a jar built by a workflow".getBytes(StandardCharsets.ISO_8859_1);
        FakeSigstore.Leaf leaf = fake.issue(FakeSigstore.Identity.github("acme/widget", ".github/workflows/release.yml", "refs/tags/v1.0"),
                signed);
        byte[] bundle = fake.messageSignatureBundleV03(leaf, jar, signed.getEpochSecond() + 5).toString().getBytes(StandardCharsets.UTF_8);
        Path file = file("widget-1.0.jar", jar);
        SigstoreVerifier own = new SigstoreVerifier(TrustedRoot.parse(fake.trustedRootJson().getBytes(StandardCharsets.UTF_8), "fake"));

        ContentFacts ok = MavenSignatures.verify("widget-1.0.jar", file, found(MavenSignatures.SIGSTORE, bundle), PgpKeyring.EMPTY, own);
        assertEquals(List.of(), ok.signatureFailures());
        assertEquals("https://github.com/acme/widget", ok.signer().get(ContentFacts.REPOSITORY));
        assertEquals(".github/workflows/release.yml", ok.signer().get(ContentFacts.WORKFLOW));
        assertEquals("refs/tags/v1.0", ok.signer().get(ContentFacts.REF));

        ContentFacts foreign = MavenSignatures.verify("widget-1.0.jar", file, found(MavenSignatures.SIGSTORE, bundle), PgpKeyring.EMPTY,
                SHIPPED);
        assertEquals(1, foreign.signatureFailures().size(), foreign.toString());
        assertTrue(foreign.signatureFailures().get(0).startsWith("widget-1.0.jar.sigstore.json does not verify"));
        assertFalse(foreign.signer().containsKey(ContentFacts.REPOSITORY));
    }

    @Test
    void aSigstoreBundleThatIsNotJsonIsAFailureAndAnAbsentOneIsNoProvenance() throws IOException {
        Path jar = file("a-1.0.jar", "jar".getBytes(StandardCharsets.UTF_8));
        ContentFacts garbage = MavenSignatures.verify("a-1.0.jar", jar, found(MavenSignatures.SIGSTORE,
                "<html>not found</html>".getBytes(StandardCharsets.UTF_8)), PgpKeyring.EMPTY, SHIPPED);
        assertEquals(List.of("a-1.0.jar.sigstore.json is not JSON"), garbage.signatureFailures());

        ContentFacts none = MavenSignatures.verify("a-1.0.jar", jar, found(MavenSignatures.SIGSTORE, null), PgpKeyring.EMPTY, SHIPPED);
        assertEquals(Map.of(ContentFacts.PROVENANCE, ""), none.signer());
        assertEquals(List.of(), none.signatureFailures());
    }

    // ------------------------------------------------------------------ OpenPGP

    @Test
    void theRealAscWithAnEmptyKeyringNamesItsKeyIdForTrustOnFirstUse() throws IOException {
        ContentFacts f = MavenSignatures.verify(JAR, REAL.resolve(JAR), found(MavenSignatures.ASC, real(JAR + ".asc")),
                PgpKeyring.EMPTY, SHIPPED);
        assertEquals("key id 00E008229F5DAF37 (not in policy.pgpKeyrings)", f.signer().get(ContentFacts.PGP_KEY));
        assertEquals(List.of(), f.signatureFailures());
        assertEquals(List.of(), f.anomalies());
        assertFalse(f.signer().containsKey(ContentFacts.PROVENANCE), "the bundle was not asked for");
    }

    @Test
    void theRealAscAndBundleTogether() throws IOException {
        Map<String, byte[]> both = found(MavenSignatures.ASC, real(JAR + ".asc"));
        both.put(MavenSignatures.SIGSTORE, real(JAR + ".sigstore.json"));
        ContentFacts f = MavenSignatures.verify(JAR, REAL.resolve(JAR), both, PgpKeyring.EMPTY, SHIPPED);
        assertEquals("key id 00E008229F5DAF37 (not in policy.pgpKeyrings)", f.signer().get(ContentFacts.PGP_KEY));
        assertEquals("https://github.com/sigstore/sigstore-java", f.signer().get(ContentFacts.REPOSITORY));
        assertEquals(List.of(), f.signatureFailures());
    }

    @Test
    void aKnownKeysAscVerifiesOverItsBytesToThePrimaryFingerprint() throws IOException {
        byte[] jar = "PK\u0003\u0004 the released jar".getBytes(StandardCharsets.ISO_8859_1);
        ContentFacts f = MavenSignatures.verify("a-1.0.jar", file("a-1.0.jar", jar), found(MavenSignatures.ASC, key.sign(jar)), keyring,
                SHIPPED);
        assertEquals(key.fingerprint(), f.signer().get(ContentFacts.PGP_KEY));
        assertEquals(List.of(), f.signatureFailures());

        // The same signature, with the key unknown: named by its id, not verified.
        ContentFacts unknown = MavenSignatures.verify("a-1.0.jar", file("a-1.0.jar", jar), found(MavenSignatures.ASC, key.sign(jar)),
                PgpKeyring.EMPTY, SHIPPED);
        assertEquals("key id " + key.keyId() + " (not in policy.pgpKeyrings)", unknown.signer().get(ContentFacts.PGP_KEY));
    }

    @Test
    void aKnownKeysAscOverOtherBytesIsASignatureFailure() throws IOException {
        byte[] jar = "PK\u0003\u0004 the released jar".getBytes(StandardCharsets.ISO_8859_1);
        byte[] asc = key.sign("PK\u0003\u0004 some other jar".getBytes(StandardCharsets.ISO_8859_1));
        ContentFacts f = MavenSignatures.verify("a-1.0.jar", file("a-1.0.jar", jar), found(MavenSignatures.ASC, asc), keyring, SHIPPED);
        assertEquals(1, f.signatureFailures().size(), f.toString());
        assertTrue(f.signatureFailures().get(0).startsWith("a-1.0.jar: "), f.signatureFailures().get(0));
        assertFalse(f.signer().containsKey(ContentFacts.PGP_KEY), "a signature that does not verify names no signer: " + f.signer());
        assertEquals(List.of(), f.anomalies());
    }

    @Test
    void anAscUpstreamDoesNotHaveIsAnEmptyKeyAndOneNotAskedIsNoKeyAtAll() throws IOException {
        Path jar = file("a-1.0.jar", "jar".getBytes(StandardCharsets.UTF_8));
        ContentFacts absent = MavenSignatures.verify("a-1.0.jar", jar, found(MavenSignatures.ASC, null), keyring, SHIPPED);
        assertEquals(Map.of(ContentFacts.PGP_KEY, ""), absent.signer());
        assertEquals(List.of(), absent.signatureFailures());
        assertEquals(List.of(), absent.anomalies());

        ContentFacts notAsked = MavenSignatures.verify("a-1.0.jar", jar, Map.of(), keyring, SHIPPED);
        assertEquals(Map.of(), notAsked.signer());
        assertEquals(List.of(), notAsked.signatureFailures());
        assertEquals(List.of(), notAsked.anomalies());
    }

    @Test
    void aGarbageAscIsAnAnomalyNotAFailure() throws IOException {
        Path jar = file("a-1.0.jar", "jar".getBytes(StandardCharsets.UTF_8));
        ContentFacts f = MavenSignatures.verify("a-1.0.jar", jar, found(MavenSignatures.ASC,
                "<html><body>Not Found</body></html>".getBytes(StandardCharsets.UTF_8)), keyring, SHIPPED);
        assertEquals(List.of(), f.signatureFailures(), "nothing shows the signature is bad, only that it is unreadable");
        assertEquals(1, f.anomalies().size(), f.toString());
        assertTrue(f.anomalies().get(0).startsWith("a-1.0.jar.asc is not a usable OpenPGP signature"), f.anomalies().get(0));
        assertFalse(f.signer().containsKey(ContentFacts.PGP_KEY));
    }

    // ------------------------------------------------------------------ wiring

    @Test
    void theEcosystemAsksForSignaturesOfReleaseFilesOnlyAndScopesKeysByGroupId() {
        MavenEcosystem eco = new MavenEcosystem();
        assertEquals(List.of(".asc", ".sigstore.json"), eco.signaturesOf(null, "org/example/signed/1.0/signed-1.0.jar").stream()
                .map(dev.airlock.core.ecosystem.SignatureRef::suffix).toList());
        assertEquals(2, eco.signaturesOf(null, "org/example/signed/1.0/signed-1.0.pom").size());
        assertEquals(List.of(), eco.signaturesOf(null, "org/example/signed/1.0/signed-1.0.jar.asc"));
        assertEquals(List.of(), eco.signaturesOf(null, "org/example/signed/1.0/signed-1.0.jar.sha1"));
        assertEquals(List.of(), eco.signaturesOf(null, "org/example/signed/maven-metadata.xml"));
        assertEquals("org.example", eco.signerScope("org.example:signed"));
    }
}
