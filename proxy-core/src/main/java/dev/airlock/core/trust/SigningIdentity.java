package dev.airlock.core.trust;

import org.bouncycastle.asn1.ASN1Primitive;
import org.bouncycastle.asn1.ASN1String;
import org.bouncycastle.asn1.DEROctetString;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.util.Collection;
import java.util.List;

/**
 * Who a Fulcio certificate was issued to, as the CA attests it from the CI's OIDC token (the
 * Fulcio extensions under 1.3.6.1.4.1.57264.1). These are the facts worth pinning: a workflow in
 * another repository, or the same repository's other workflow, signs as someone else.
 *
 * @param subject          the certificate's SAN (for CI, the workflow file at a ref)
 * @param issuer           the OIDC issuer that vouched for the subject
 * @param sourceRepository the repository URL the build ran for
 * @param sourceRef        the git ref it ran at ("refs/tags/v1.2.0")
 * @param sourceCommit     the commit
 * @param buildSigner      the workflow that signed (file at ref)
 * @param buildConfig      the workflow configuration that ran
 * @param trigger          what started the run ("push", "release", "workflow_dispatch")
 * @param runnerEnvironment "github-hosted" or "self-hosted"
 */
public record SigningIdentity(String subject, String issuer, String sourceRepository, String sourceRef, String sourceCommit,
                              String buildSigner, String buildConfig, String trigger, String runnerEnvironment) {

    private static final String FULCIO = "1.3.6.1.4.1.57264.1.";

    /** The workflow path inside the repository (".github/workflows/release.yml"), from the signer or config URI. */
    public String workflow() {
        String uri = buildConfig != null ? buildConfig : buildSigner != null ? buildSigner : subject;
        if (uri == null) {
            return null;
        }
        int at = uri.lastIndexOf('@');
        String path = at > 0 ? uri.substring(0, at) : uri;
        int w = path.indexOf("/.github/workflows/");
        return w >= 0 ? path.substring(w + 1) : path;
    }

    static SigningIdentity of(X509Certificate leaf) {
        return new SigningIdentity(san(leaf), issuer(leaf), ext(leaf, "12"), ext(leaf, "14"), ext(leaf, "13"), ext(leaf, "9"),
                ext(leaf, "18"), ext(leaf, "20"), ext(leaf, "11"));
    }

    private static String issuer(X509Certificate leaf) {
        String v2 = ext(leaf, "8");
        if (v2 != null) {
            return v2;
        }
        // The first issuer extension holds the raw string, not a DER value.
        byte[] raw = leaf.getExtensionValue(FULCIO + "1");
        if (raw == null) {
            return null;
        }
        try {
            return new String(DEROctetString.getInstance(raw).getOctets(), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    private static String ext(X509Certificate leaf, String arc) {
        byte[] raw = leaf.getExtensionValue(FULCIO + arc);
        if (raw == null) {
            return null;
        }
        try {
            ASN1Primitive inner = ASN1Primitive.fromByteArray(DEROctetString.getInstance(raw).getOctets());
            return inner instanceof ASN1String s ? s.getString() : null;
        } catch (IOException | IllegalArgumentException e) {
            return null;
        }
    }

    private static String san(X509Certificate leaf) {
        try {
            Collection<List<?>> names = leaf.getSubjectAlternativeNames();
            if (names == null) {
                return null;
            }
            for (List<?> n : names) {
                // 6 = URI (CI workflows), 1 = e-mail (people)
                if (n.size() >= 2 && (Integer.valueOf(6).equals(n.get(0)) || Integer.valueOf(1).equals(n.get(0)))) {
                    return String.valueOf(n.get(1));
                }
            }
            return null;
        } catch (CertificateParsingException e) {
            return null;
        }
    }
}
