package dev.airlock.pypi;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.airlock.core.ecosystem.ContentFacts;
import dev.airlock.core.trust.SigstoreVerifier;
import dev.airlock.core.trust.TrustedRoot;
import dev.airlock.core.trust.VerificationException;
import dev.airlock.core.trust.testing.FakeSigstore;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** PEP 740 provenance objects verified offline against the tests' own Sigstore, and tampered copies of them. */
class Pep740Test {

    static final FakeSigstore SIGSTORE = FakeSigstore.create("pypi");
    private static final FakeSigstore OTHER = FakeSigstore.create("other");
    static final String PUBLISH = "https://docs.pypi.org/attestations/publish/v1";
    static final FakeSigstore.Identity ACME = FakeSigstore.Identity.github("acme/pkg", ".github/workflows/release.yml", "refs/tags/v1.0");
    private static final Instant SIGNED_AT = Instant.parse("2026-05-01T10:00:00Z");
    private static final String WHEEL = "pkg-1.0-py3-none-any.whl";
    private static final String SHA = "5e".repeat(32);

    static SigstoreVerifier verifier() throws VerificationException {
        return new SigstoreVerifier(TrustedRoot.parse(SIGSTORE.trustedRootJson().getBytes(StandardCharsets.UTF_8), "the test root"));
    }

    /** What PyPI serves for a file whose statement names {@code subject} with {@code sha256}, built by {@code id}. */
    static ObjectNode provenance(FakeSigstore sigstore, FakeSigstore.Identity id, String subject, String sha256) {
        byte[] statement = FakeSigstore.inTotoStatement(subject, Map.of("sha256", sha256), PUBLISH, null);
        return sigstore.pypiProvenance(sigstore.issue(id, SIGNED_AT), statement, SIGNED_AT.getEpochSecond() + 20);
    }

    private static Map<String, String> verify(ObjectNode provenance) throws VerificationException {
        return Pep740.verify(provenance.toString().getBytes(StandardCharsets.UTF_8), WHEEL, SHA, verifier());
    }

    private static String fails(ObjectNode provenance) {
        return fails(provenance.toString().getBytes(StandardCharsets.UTF_8));
    }

    private static String fails(byte[] provenance) {
        return assertThrows(VerificationException.class, () -> Pep740.verify(provenance, WHEEL, SHA, verifier())).getMessage();
    }

    private static ObjectNode attestation(ObjectNode provenance) {
        return (ObjectNode) provenance.at("/attestation_bundles/0/attestations/0");
    }

    @Test
    void aValidProvenanceNamesWhoBuiltTheFile() throws Exception {
        // The certificate, verified to the trusted root, says which repository, workflow and ref built the wheel.
        Map<String, String> built = verify(provenance(SIGSTORE, ACME, WHEEL, SHA));
        assertEquals("https://github.com/acme/pkg/.github/workflows/release.yml@refs/tags/v1.0", built.get(ContentFacts.PROVENANCE));
        assertEquals("https://github.com/acme/pkg", built.get(ContentFacts.REPOSITORY));
        assertEquals(".github/workflows/release.yml", built.get(ContentFacts.WORKFLOW));
        assertEquals("refs/tags/v1.0", built.get(ContentFacts.REF));
    }

    @Test
    void aStatementAboutAnotherFileIsRefused() {
        // The 1.1 wheel's attestation, served for the 1.0 wheel, vouches for nothing here.
        String why = fails(provenance(SIGSTORE, ACME, "pkg-1.1-py3-none-any.whl", SHA));
        assertTrue(why.contains("does not vouch for this file") && why.contains("not " + WHEEL), why);
    }

    @Test
    void aStatementNamingOtherBytesIsRefused() {
        String why = fails(provenance(SIGSTORE, ACME, WHEEL, "0f".repeat(32)));
        assertTrue(why.contains("names other bytes for " + WHEEL), why);
    }

    @Test
    void theSubjectMaySpellTheProjectNameAsPypiNormalisationAllows() throws Exception {
        // An upload named Pkg-1.0-... is attested under that name; PyPI lists the normalised pkg-1.0-....
        assertEquals("https://github.com/acme/pkg", verify(provenance(SIGSTORE, ACME, "Pkg-1.0-py3-none-any.whl", SHA))
                .get(ContentFacts.REPOSITORY));
    }

    @Test
    void aPublisherThatIsNotTheCertificatesRepositoryOrWorkflowIsRefused() {
        // The index shows acme's publisher over attestations evil's workflow signed (or the other way round).
        ObjectNode p = provenance(SIGSTORE, ACME, WHEEL, SHA);
        ((ObjectNode) p.at("/attestation_bundles/0/publisher")).put("repository", "evil/pkg");
        String why = fails(p);
        assertTrue(why.contains("publisher https://github.com/evil/pkg") && why.contains("issued to https://github.com/acme/pkg"), why);

        ObjectNode w = provenance(SIGSTORE, ACME, WHEEL, SHA);
        ((ObjectNode) w.at("/attestation_bundles/0/publisher")).put("workflow", "other.yml");
        why = fails(w);
        assertTrue(why.contains("publisher workflow other.yml"), why);

        ObjectNode none = provenance(SIGSTORE, ACME, WHEEL, SHA);
        ((ObjectNode) none.at("/attestation_bundles/0")).remove("publisher");
        assertTrue(fails(none).contains("names no publisher"));
    }

    @Test
    void aTamperedStatementDoesNotVerify() {
        // The statement swapped for one naming the right file and bytes, under the original signature.
        ObjectNode p = provenance(SIGSTORE, ACME, WHEEL, "0f".repeat(32));
        byte[] forged = FakeSigstore.inTotoStatement(WHEEL, Map.of("sha256", SHA), PUBLISH, null);
        ((ObjectNode) attestation(p).get("envelope")).put("statement", Base64.getEncoder().encodeToString(forged));
        String why = fails(p);
        assertTrue(why.contains("DSSE signature does not verify"), why);
    }

    @Test
    void aCertificateFromAnotherSigstoreIsRefused() {
        String why = fails(provenance(OTHER, ACME, WHEEL, SHA));
        assertTrue(why.contains("not in the trusted root") || why.contains("not issued by a certificate authority in the trusted root"), why);

        // Only the certificate swapped for another instance's (the log entry is this instance's).
        ObjectNode p = provenance(SIGSTORE, ACME, WHEEL, SHA);
        ObjectNode foreign = provenance(OTHER, ACME, WHEEL, SHA);
        ((ObjectNode) attestation(p).get("verification_material")).set("certificate",
                attestation(foreign).at("/verification_material/certificate"));
        why = fails(p);
        assertTrue(why.contains("not issued by a certificate authority in the trusted root"), why);
    }

    @Test
    void garbageIsRefused() {
        assertTrue(fails("{not json".getBytes(StandardCharsets.UTF_8)).contains("not JSON"));
        assertTrue(fails("[1,2]".getBytes(StandardCharsets.UTF_8)).contains("not a PEP 740 provenance object"));
        assertTrue(fails("{\"version\":2,\"attestation_bundles\":[]}".getBytes(StandardCharsets.UTF_8)).contains("not a PEP 740"));
        assertTrue(fails("{\"version\":1,\"attestation_bundles\":[]}".getBytes(StandardCharsets.UTF_8)).contains("no attestation"));
        assertTrue(fails("{\"version\":1,\"attestation_bundles\":[{\"publisher\":{\"kind\":\"GitHub\"},\"attestations\":{}}]}"
                .getBytes(StandardCharsets.UTF_8)).contains("no list of attestations"));
        ObjectNode noCert = provenance(SIGSTORE, ACME, WHEEL, SHA);
        ((ObjectNode) attestation(noCert).get("verification_material")).remove("certificate");
        assertTrue(fails(noCert).contains("certificate is missing"), fails(noCert));
        ObjectNode badB64 = provenance(SIGSTORE, ACME, WHEEL, SHA);
        ((ObjectNode) attestation(badB64).get("envelope")).put("signature", "%%%");
        assertTrue(fails(badB64).contains("not base64"), fails(badB64));
    }

    @Test
    void oversizedInputIsRefusedBeforeItIsRead() {
        byte[] big = new byte[Pep740.MAX_BYTES + 1];
        assertTrue(fails(big).contains("over the " + Pep740.MAX_BYTES), fails(big));

        ObjectNode many = provenance(SIGSTORE, ACME, WHEEL, SHA);
        ArrayNode list = (ArrayNode) many.at("/attestation_bundles/0/attestations");
        for (int i = 0; i < Pep740.MAX_ATTESTATIONS; i++) {
            list.add(list.get(0).deepCopy());
        }
        assertTrue(fails(many).contains("holds 17 attestations"), fails(many));
    }

    @Test
    void everyAttestationMustVerifyAndComeFromOneBuild() throws Exception {
        // A second attestation that vouches for other bytes, or was signed by another repository, fails the whole object.
        ObjectNode p = provenance(SIGSTORE, ACME, WHEEL, SHA);
        ((ArrayNode) p.at("/attestation_bundles/0/attestations")).add(attestation(provenance(SIGSTORE, ACME, WHEEL, "0f".repeat(32))));
        assertTrue(fails(p).contains("names other bytes"), fails(p));

        ObjectNode two = provenance(SIGSTORE, ACME, WHEEL, SHA);
        ((ArrayNode) two.get("attestation_bundles")).add(provenance(SIGSTORE,
                FakeSigstore.Identity.github("acme/other", ".github/workflows/release.yml", "refs/tags/v1.0"), WHEEL, SHA)
                .at("/attestation_bundles/0"));
        assertTrue(fails(two).contains("signed by different builds"), fails(two));

        ObjectNode same = provenance(SIGSTORE, ACME, WHEEL, SHA);
        ((ArrayNode) same.at("/attestation_bundles/0/attestations")).add(attestation(provenance(SIGSTORE, ACME, WHEEL, SHA)));
        assertEquals("https://github.com/acme/pkg", verify(same).get(ContentFacts.REPOSITORY));
    }
}
