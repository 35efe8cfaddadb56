package dev.airlock.npm;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.airlock.core.ecosystem.AttestationCheck;
import dev.airlock.core.ecosystem.ContentFacts;
import dev.airlock.core.trust.SigstoreVerifier;
import dev.airlock.core.trust.TrustedRoot;
import dev.airlock.core.trust.testing.FakeSigstore;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.HexFormat;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;

/** Who built a tarball comes from the signing certificate, never from the statement the build wrote. */
class ProvenanceTest {

    @Test
    void theRepositoryIsTheCertificatesNotTheStatements() throws Exception {
        FakeSigstore sigstore = FakeSigstore.create("prov");
        SigstoreVerifier verifier = new SigstoreVerifier(TrustedRoot.parse(sigstore.trustedRootJson().getBytes(StandardCharsets.UTF_8), "test"));
        byte[] tgz = "tarball".getBytes(StandardCharsets.UTF_8);
        byte[] sha512 = MessageDigest.getInstance("SHA-512").digest(tgz);
        FakeSigstore.Identity pinned = FakeSigstore.Identity.github("acme/tools", ".github/workflows/release.yml", "refs/tags/v1.0.0");
        // A certificate without the source-repository claim, over a statement that names the pinned repository.
        FakeSigstore.Identity anonymous = new FakeSigstore.Identity(pinned.issuer(), "https://example.test/someone", null, null, null, null,
                null, null, null, null);
        byte[] statement = FakeSigstore.inTotoStatement("pkg:npm/tools@1.0.0", Map.of("sha512", HexFormat.of().formatHex(sha512)),
                FakeSigstore.SLSA_PROVENANCE_V1, FakeSigstore.slsaProvenanceV1(pinned));
        Instant at = Instant.parse("2026-05-01T10:00:00Z");
        ObjectNode doc = new ObjectMapper().createObjectNode();
        ObjectNode a = doc.putArray("attestations").addObject().put("predicateType", FakeSigstore.SLSA_PROVENANCE_V1);
        a.set("bundle", sigstore.dsseBundleV03(sigstore.issue(anonymous, at), FakeSigstore.IN_TOTO_PAYLOAD_TYPE, statement, at.getEpochSecond() + 5));

        AttestationCheck check = Provenance.verify(doc, "tools", "1.0.0", sha512, verifier);
        assertNull(check.failure(), check.failure());
        assertFalse(check.signer().containsKey(ContentFacts.REPOSITORY), "the statement's claim is not taken: " + check.signer());
        assertEquals("https://example.test/someone", check.signer().get(ContentFacts.PROVENANCE));
    }
}
