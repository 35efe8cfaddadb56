package dev.airlock.npm;

import com.fasterxml.jackson.databind.JsonNode;
import dev.airlock.core.ecosystem.AttestationCheck;
import dev.airlock.core.ecosystem.ContentFacts;
import dev.airlock.core.trust.SigningIdentity;
import dev.airlock.core.trust.SigstoreBundle;
import dev.airlock.core.trust.SigstoreVerifier;
import dev.airlock.core.trust.Statement;
import dev.airlock.core.trust.VerificationException;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.Map;
import java.util.TreeMap;

/**
 * npm's SLSA provenance: a statement signed in CI with a Fulcio certificate, recorded in Rekor,
 * served in the attestations document beside the publish attestation. Verified offline; the
 * certificate (not the statement, which the build itself wrote) says who built the tarball.
 */
final class Provenance {

    static final String SLSA = "https://slsa.dev/provenance/";

    private Provenance() {
    }

    /** Verifies every SLSA provenance in an attestations document against the tarball. */
    static AttestationCheck verify(JsonNode attestations, String name, String version, byte[] sha512, SigstoreVerifier sigstore) {
        Map<String, String> signer = new TreeMap<>();
        for (JsonNode a : attestations.path("attestations")) {
            if (!a.path("predicateType").asText("").startsWith(SLSA)) {
                continue;
            }
            try {
                SigstoreVerifier.Verified v = sigstore.verifyDsse(SigstoreBundle.parse(a.path("bundle")), null);
                Statement s = Statement.parse(v.payloadType(), v.payload());
                String purl = purl(name, version);
                String mismatch = s.mismatch(purl, "sha512", HexFormat.of().formatHex(sha512));
                if (mismatch != null) {
                    return AttestationCheck.refuted("the provenance does not vouch for this tarball: " + mismatch);
                }
                SigningIdentity id = v.identity();
                Statement.Provenance p = s.provenance();
                if (p != null && p.repository() != null && id.sourceRepository() != null && !p.repository().equals(id.sourceRepository())) {
                    return AttestationCheck.refuted("the provenance names " + p.repository() + " but its signing certificate was issued to "
                            + id.sourceRepository());
                }
                signer.put(ContentFacts.PROVENANCE, id.subject() == null ? "" : id.subject());
                // Only what the certificate says: the statement was written by the build itself.
                put(signer, ContentFacts.REPOSITORY, id.sourceRepository());
                put(signer, ContentFacts.WORKFLOW, id.workflow());
                put(signer, ContentFacts.REF, id.sourceRef());
                put(signer, ContentFacts.BUILDER, p == null ? null : p.builder());
            } catch (VerificationException e) {
                return AttestationCheck.failed("the SLSA provenance does not verify: " + e.getMessage());
            }
        }
        return AttestationCheck.verified(signer);
    }

    private static void put(Map<String, String> m, String key, String value) {
        if (value != null && !value.isEmpty()) {
            m.put(key, value);
        }
    }

    /** The package URL npm's statements name: the scope's "@" escaped, the slash kept. */
    static String purl(String name, String version) {
        return "pkg:npm/" + URLEncoder.encode(name, StandardCharsets.UTF_8).replace("%2F", "/") + "@" + version;
    }
}
