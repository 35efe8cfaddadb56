package dev.airlock.pypi;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.airlock.core.ecosystem.ContentFacts;
import dev.airlock.core.trust.SigningIdentity;
import dev.airlock.core.trust.SigstoreBundle;
import dev.airlock.core.trust.SigstoreVerifier;
import dev.airlock.core.trust.Statement;
import dev.airlock.core.trust.VerificationException;

import java.io.IOException;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * PEP 740 provenance (PyPI's Integrity API): attestations a Trusted Publisher's CI signed with a
 * Fulcio certificate and recorded in Rekor, each an in-toto statement about one distribution
 * file. Verified offline; the certificate, not the statement or the index, says who built it.
 *
 * <p>An attestation is not a Sigstore bundle, but carries the same parts: it is rebuilt as a v0.3
 * DSSE bundle and verified by {@link SigstoreVerifier}. Then its statement must name this file
 * with this file's SHA-256, and the publisher PyPI lists beside it (the Trusted Publisher it
 * accepted the upload from) must be the certificate's repository and workflow: an index that
 * shows one publisher for attestations another signed is not believed.
 *
 * <p>The object is hostile input: at most {@link #MAX_BYTES} bytes and {@link #MAX_ATTESTATIONS}
 * attestations are read, and anything malformed is a {@link VerificationException}.
 */
final class Pep740 {

    /** A real provenance object is a few kilobytes per attestation. */
    static final int MAX_BYTES = 1 << 20;
    /** PyPI serves one or two (publish, SLSA); more would only make the verifier work. */
    static final int MAX_ATTESTATIONS = 16;
    static final String MEDIA_TYPE = "application/vnd.pypi.integrity.v1+json";

    private static final String GITHUB = "https://github.com/";

    private Pep740() {
    }

    /**
     * Verifies every attestation of a provenance object against a distribution file.
     *
     * @param filename the file's name as the index lists it
     * @param sha256   hex SHA-256 of the bytes Airlock holds
     * @return who built it: {@link ContentFacts#PROVENANCE} (the certificate's SAN),
     *         {@link ContentFacts#REPOSITORY}, {@link ContentFacts#WORKFLOW}, {@link ContentFacts#REF}
     * @throws VerificationException naming what does not hold
     */
    static Map<String, String> verify(byte[] provenance, String filename, String sha256, SigstoreVerifier sigstore)
            throws VerificationException {
        if (provenance.length > MAX_BYTES) {
            throw new VerificationException("the provenance is " + provenance.length + " bytes, over the " + MAX_BYTES + " Airlock reads");
        }
        JsonNode doc;
        try {
            doc = ProjectPage.JSON.readTree(provenance);
        } catch (IOException e) {
            throw new VerificationException("the provenance is not JSON");
        }
        if (doc == null || !doc.isObject() || doc.path("version").asInt(-1) != 1 || !doc.path("attestation_bundles").isArray()) {
            throw new VerificationException("the provenance is not a PEP 740 provenance object (version 1 with attestation_bundles)");
        }
        int count = 0;
        for (JsonNode b : doc.get("attestation_bundles")) {
            if (!b.path("attestations").isArray()) {
                throw new VerificationException("an attestation bundle holds no list of attestations");
            }
            count += b.get("attestations").size();
        }
        if (count > MAX_ATTESTATIONS) {
            throw new VerificationException("the provenance holds " + count + " attestations, over the " + MAX_ATTESTATIONS + " Airlock reads");
        }
        if (count == 0) {
            throw new VerificationException("the provenance holds no attestation");
        }
        Map<String, String> built = null;
        for (JsonNode b : doc.get("attestation_bundles")) {
            for (JsonNode a : b.path("attestations")) {
                SigningIdentity id = verifyAttestation(a, filename, sha256, sigstore);
                checkPublisher(b.path("publisher"), id);
                Map<String, String> signer = signer(id);
                if (built != null && (!Objects.equals(built.get(ContentFacts.REPOSITORY), signer.get(ContentFacts.REPOSITORY))
                        || !Objects.equals(built.get(ContentFacts.WORKFLOW), signer.get(ContentFacts.WORKFLOW)))) {
                    throw new VerificationException("its attestations were signed by different builds: " + built.get(ContentFacts.PROVENANCE)
                            + " and " + signer.get(ContentFacts.PROVENANCE));
                }
                if (built == null) {
                    built = signer;
                }
            }
        }
        return built;
    }

    private static SigningIdentity verifyAttestation(JsonNode a, String filename, String sha256, SigstoreVerifier sigstore)
            throws VerificationException {
        if (a.path("version").asInt(-1) != 1) {
            throw new VerificationException("an attestation is not version 1");
        }
        SigstoreVerifier.Verified v = sigstore.verifyDsse(SigstoreBundle.parse(bundle(a)), null);
        Statement s = Statement.parse(v.payloadType(), v.payload());
        String mismatch = s.mismatch(subjectName(s, filename), "sha256", sha256);
        if (mismatch != null) {
            throw new VerificationException("the attestation does not vouch for this file: " + mismatch);
        }
        if (v.identity() == null) {
            throw new VerificationException("the attestation is not signed by a certificate");
        }
        return v.identity();
    }

    /**
     * The attestation as a Sigstore bundle v0.3 (what {@code pypi-attestations} itself does):
     * certificate and transparency entries become the verification material, the statement the
     * DSSE payload. Fields are copied as they are; the bundle parser judges them.
     */
    static JsonNode bundle(JsonNode attestation) {
        JsonNode vm = attestation.path("verification_material");
        JsonNode env = attestation.path("envelope");
        ObjectNode b = JsonNodeFactory.instance.objectNode();
        b.put("mediaType", "application/vnd.dev.sigstore.bundle.v0.3+json");
        ObjectNode m = b.putObject("verificationMaterial");
        m.putObject("certificate").set("rawBytes", vm.path("certificate").isTextual() ? vm.get("certificate") : null);
        m.set("tlogEntries", vm.path("transparency_entries").isArray() ? vm.get("transparency_entries") : JsonNodeFactory.instance.arrayNode());
        ObjectNode d = b.putObject("dsseEnvelope");
        d.set("payload", env.path("statement").isTextual() ? env.get("statement") : null);
        d.put("payloadType", Statement.PAYLOAD_TYPE);
        d.putArray("signatures").addObject().set("sig", env.path("signature").isTextual() ? env.get("signature") : null);
        return b;
    }

    /**
     * The subject name to compare: the file's own name, or the statement's spelling of it when the
     * two differ only as PyPI's normalisation allows (case, separators in the project name).
     */
    private static String subjectName(Statement s, String filename) {
        String want = ultranormal(filename);
        for (Statement.Subject sub : s.subjects()) {
            if (sub.name().equals(filename)) {
                return filename;
            }
        }
        for (Statement.Subject sub : s.subjects()) {
            if (ultranormal(sub.name()).equals(want)) {
                return sub.name();
            }
        }
        return filename;
    }

    /** A distribution filename with the project name normalised and everything lower case. */
    private static String ultranormal(String filename) {
        String f = filename.toLowerCase(Locale.ROOT);
        int dash = f.indexOf('-');
        if (f.endsWith(".whl") && dash > 0) {
            return f.substring(0, dash).replaceAll("[-_.]+", "_") + f.substring(dash);
        }
        int last = f.lastIndexOf('-');
        return last > 0 ? f.substring(0, last).replaceAll("[-_.]+", "_") + f.substring(last) : f;
    }

    /**
     * The index's publisher must be the certificate's: for GitHub, {@code repository} is
     * {@code owner/repo} of the source repository and {@code workflow} the workflow's file name.
     * Other kinds (GitLab, Google, ActiveState) are not compared; the certificate is still what
     * is recorded.
     */
    private static void checkPublisher(JsonNode publisher, SigningIdentity id) throws VerificationException {
        if (!publisher.isObject() || !publisher.path("kind").isTextual()) {
            throw new VerificationException("the attestation bundle names no publisher");
        }
        if (!publisher.get("kind").asText().equals("GitHub")) {
            return;
        }
        String repository = publisher.path("repository").asText("");
        String certRepository = id.sourceRepository();
        if (certRepository == null || !certRepository.equalsIgnoreCase(GITHUB + repository)) {
            throw new VerificationException("the index names the publisher " + GITHUB + repository
                    + " but the attestation's certificate was issued to " + certRepository);
        }
        String workflow = publisher.path("workflow").asText("");
        String certWorkflow = id.workflow();
        String certFile = certWorkflow == null ? null : certWorkflow.substring(certWorkflow.lastIndexOf('/') + 1);
        if (!workflow.equals(certFile)) {
            throw new VerificationException("the index names the publisher workflow " + workflow
                    + " but the attestation's certificate was issued to " + certWorkflow);
        }
    }

    private static Map<String, String> signer(SigningIdentity id) {
        Map<String, String> m = new TreeMap<>();
        m.put(ContentFacts.PROVENANCE, id.subject() == null ? "(no subject)" : id.subject());
        put(m, ContentFacts.REPOSITORY, id.sourceRepository());
        put(m, ContentFacts.WORKFLOW, id.workflow());
        put(m, ContentFacts.REF, id.sourceRef());
        return m;
    }

    private static void put(Map<String, String> m, String key, String value) {
        if (value != null && !value.isEmpty()) {
            m.put(key, value);
        }
    }
}
