package dev.airlock.core.trust;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.airlock.core.json.StrictJson;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.PublicKey;
import java.security.Signature;
import java.security.cert.CertPathValidator;
import java.security.cert.CertPathValidatorException;
import java.security.cert.CertificateEncodingException;
import java.security.cert.CertificateFactory;
import java.security.cert.CertificateParsingException;
import java.security.cert.PKIXParameters;
import java.security.cert.TrustAnchor;
import java.security.cert.X509Certificate;
import java.security.interfaces.ECPublicKey;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.Date;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;

/**
 * Verifies Sigstore bundles offline against a {@link TrustedRoot}, in every format the
 * registries serve: DSSE envelopes recorded as {@code dsse} or (older npm) {@code intoto}
 * entries, and message signatures recorded as {@code hashedrekord} entries; signed by a Fulcio
 * certificate or by a registry's own key.
 *
 * <p>Written on the JDK's verifiers rather than sigstore-java because that library accepts
 * neither {@code intoto} entries, nor sha512-only subjects, nor key-signed bundles, nor bundles
 * whose log entry proves inclusion with a signed promise alone, which together are most of what
 * the npm registry serves (and it would bring gRPC, Guava and protobuf into the proxy).
 *
 * <p>What a verified bundle proves: a certificate chaining to a trusted Fulcio CA (valid when the
 * log recorded the signature, witnessed by a CT log), or the given key, signed exactly these
 * bytes; and a trusted transparency log recorded that signature, proven by an inclusion proof up
 * to a checkpoint the log signed (v0.2 and later) or by the log's signed promise (v0.1). What the
 * signed statement says about an artifact is the caller's to compare: see {@link Verified}.
 */
public final class SigstoreVerifier {

    /** Strict: a log entry body that names a key twice is not one the log signed one way only. */
    private static final ObjectMapper JSON = StrictJson.MAPPER;
    private static final String CODE_SIGNING = "1.3.6.1.5.5.7.3.3";

    private final TrustedRoot root;

    public SigstoreVerifier(TrustedRoot root) {
        this.root = root;
    }

    public TrustedRoot root() {
        return root;
    }

    /**
     * What a verified bundle vouches for.
     *
     * @param identity       who the certificate was issued to; null for a bundle signed by a key
     * @param payloadType    the DSSE payload type; null for a message signature
     * @param payload        the signed statement (DSSE) or null
     * @param integratedTime when the transparency log recorded the signature (the log signed it)
     * @param log            the log's base URL
     */
    public record Verified(SigningIdentity identity, String payloadType, byte[] payload, Instant integratedTime, String log) {
    }

    /**
     * Verifies a bundle that signs a DSSE envelope.
     *
     * @param key the key that must have signed it when the bundle names a key instead of a
     *            certificate (npm's registry key); null to require a Fulcio certificate
     */
    public Verified verifyDsse(SigstoreBundle bundle, PublicKey key) throws VerificationException {
        if (!(bundle.content() instanceof SigstoreBundle.Dsse dsse)) {
            throw new VerificationException("the bundle signs a message, not a DSSE envelope");
        }
        return verify(bundle, key, dsse, null);
    }

    /**
     * Verifies a bundle that signs an artifact's digest (Maven's {@code .sigstore.json}).
     *
     * @param sha256 the SHA-256 of the artifact Airlock holds: the bundle must sign exactly that
     */
    public Verified verifyMessage(SigstoreBundle bundle, byte[] sha256) throws VerificationException {
        if (!(bundle.content() instanceof SigstoreBundle.MessageSignature m)) {
            throw new VerificationException("the bundle signs a DSSE envelope, not the artifact");
        }
        if (!m.algorithm().equals("SHA2_256") || !MessageDigest.isEqual(m.digest(), sha256)) {
            throw new VerificationException("the Sigstore bundle signs other bytes (" + m.algorithm() + " "
                    + HexFormat.of().formatHex(m.digest()) + ") than the artifact (SHA2_256 " + HexFormat.of().formatHex(sha256) + ")");
        }
        return verify(bundle, null, null, m);
    }

    private Verified verify(SigstoreBundle bundle, PublicKey key, SigstoreBundle.Dsse dsse, SigstoreBundle.MessageSignature message)
            throws VerificationException {
        if (bundle.entries().isEmpty()) {
            throw new VerificationException("the bundle was recorded in no transparency log");
        }
        SigstoreBundle.TlogEntry entry = null;
        TrustedRoot.Log log = null;
        for (SigstoreBundle.TlogEntry e : bundle.entries()) {
            log = TrustedRoot.find(root.tlogs(), e.logId());
            if (log != null) {
                entry = e;
                break;
            }
        }
        if (entry == null) {
            throw new VerificationException("the bundle's transparency log entry is from a log not in the trusted root");
        }
        Instant time = verifyEntry(bundle, entry, log);

        SigningIdentity identity = null;
        PublicKey signer = key;
        X509Certificate leaf = null;
        if (key != null && !bundle.certificates().isEmpty()) {
            // The caller wants this key's signature: a certificate, whoever it names, is not that.
            throw new VerificationException("the bundle is signed by a certificate, not by the expected key");
        }
        if (!bundle.certificates().isEmpty()) {
            leaf = bundle.certificates().get(0);
            X509Certificate issuer = verifyChain(leaf, time);
            EmbeddedScts.verify(leaf, issuer, root.ctlogs());
            identity = SigningIdentity.of(leaf);
            signer = leaf.getPublicKey();
        } else if (key == null) {
            throw new VerificationException("the bundle is signed by a plain key (" + bundle.keyHint() + "), not a certificate");
        }

        JsonNode body = body(entry);
        if (dsse != null) {
            // A bundle's envelope carries its one signer's signature: with more, "the" signature the
            // log recorded is ambiguous, and a second signer would ride along unverified.
            if (dsse.signatures().size() != 1) {
                throw new VerificationException("the DSSE envelope carries " + dsse.signatures().size()
                        + " signatures; a Sigstore bundle's carries exactly one");
            }
            byte[] pae = pae(dsse.payloadType(), dsse.payload());
            byte[] sig = dsse.signatures().get(0).sig();
            if (!verifies(signer, pae, sig)) {
                throw new VerificationException("the DSSE signature does not verify over the statement"
                        + (leaf == null ? " with key " + bundle.keyHint() : " with the signing certificate's key"));
            }
            matchDsseEntry(entry, body, dsse, sig, leaf, signer);
            return new Verified(identity, dsse.payloadType(), dsse.payload(), time, log.baseUrl());
        }
        if (!verifiesPrehashed(signer, message.digest(), message.signature())) {
            throw new VerificationException("the Sigstore message signature does not verify over the artifact's digest");
        }
        matchHashedRekord(entry, body, message, leaf, signer);
        return new Verified(identity, null, null, time, log.baseUrl());
    }

    /** Proves the entry is in the log and returns when the log recorded it. */
    private Instant verifyEntry(SigstoreBundle bundle, SigstoreBundle.TlogEntry e, TrustedRoot.Log log) throws VerificationException {
        Instant time = Instant.ofEpochSecond(e.integratedTime());
        if (e.signedPromise() != null) {
            String promised = "{\"body\":\"" + Base64.getEncoder().encodeToString(e.canonicalizedBody()) + "\",\"integratedTime\":"
                    + e.integratedTime() + ",\"logID\":\"" + HexFormat.of().formatHex(e.logId()) + "\",\"logIndex\":" + e.logIndex() + "}";
            if (!verifies(log.key(), promised.getBytes(StandardCharsets.UTF_8), e.signedPromise())) {
                throw new VerificationException("the transparency log's signed promise for the entry does not verify");
            }
        } else {
            // Without the log's signed promise the time the entry states is nobody's word; timestamp
            // authorities (RFC 3161) would be the other source, and are not read here.
            throw new VerificationException("the transparency log entry carries no signed time (no signed entry timestamp)");
        }
        if (e.proof() == null) {
            if (bundle.minor() >= 2) {
                throw new VerificationException("the transparency log entry has no inclusion proof");
            }
        } else {
            verifyInclusion(e, log);
        }
        if (!log.validAt(time)) {
            throw new VerificationException("the transparency log's key was not valid when the entry was recorded (" + time + ")");
        }
        return time;
    }

    private static void verifyInclusion(SigstoreBundle.TlogEntry e, TrustedRoot.Log log) throws VerificationException {
        SigstoreBundle.InclusionProof p = e.proof();
        byte[] computed = Merkle.rootFromInclusionProof(p.logIndex(), p.treeSize(), Merkle.leafHash(e.canonicalizedBody()), p.hashes());
        if (computed == null || !MessageDigest.isEqual(computed, p.rootHash())) {
            throw new VerificationException("the inclusion proof does not lead from the entry to the log's root hash");
        }
        Checkpoint cp = Checkpoint.parse(p.checkpoint());
        if (cp.treeSize() != p.treeSize() || !MessageDigest.isEqual(cp.rootHash(), p.rootHash())) {
            throw new VerificationException("the checkpoint commits to another tree than the inclusion proof");
        }
        for (Checkpoint.Line line : cp.signatures()) {
            if (verifies(log.key(), cp.signed(), line.signature())) {
                return;
            }
        }
        throw new VerificationException("the checkpoint is not signed by the transparency log's key");
    }

    /** Validates the signing certificate against a trusted CA at the time the log recorded it; returns its issuer. */
    private X509Certificate verifyChain(X509Certificate leaf, Instant at) throws VerificationException {
        try {
            List<String> eku = leaf.getExtendedKeyUsage();
            if (eku == null || !eku.contains(CODE_SIGNING)) {
                throw new VerificationException("the signing certificate is not for code signing");
            }
        } catch (CertificateParsingException e) {
            throw new VerificationException("the signing certificate's key usage cannot be read");
        }
        String why = "the signing certificate was not issued by a certificate authority in the trusted root";
        for (TrustedRoot.Authority ca : root.authorities()) {
            if (!ca.validAt(at)) {
                continue;
            }
            List<X509Certificate> chain = ca.chain();
            X509Certificate anchor = chain.get(chain.size() - 1);
            List<X509Certificate> path = new ArrayList<>();
            path.add(leaf);
            path.addAll(chain.subList(0, chain.size() - 1));
            try {
                PKIXParameters params = new PKIXParameters(Set.of(new TrustAnchor(anchor, null)));
                params.setRevocationEnabled(false);
                params.setDate(Date.from(at));
                CertPathValidator.getInstance("PKIX").validate(CertificateFactory.getInstance("X.509").generateCertPath(path), params);
                return chain.size() > 1 ? chain.get(0) : anchor;
            } catch (CertPathValidatorException e) {
                if (e.getReason() == CertPathValidatorException.BasicReason.EXPIRED
                        || e.getReason() == CertPathValidatorException.BasicReason.NOT_YET_VALID) {
                    why = "the signing certificate was not valid when the transparency log recorded the signature (" + at + ")";
                }
            } catch (GeneralSecurityException e) {
                // try the next authority
            }
        }
        throw new VerificationException(why);
    }

    private static JsonNode body(SigstoreBundle.TlogEntry e) throws VerificationException {
        try {
            return JSON.readTree(e.canonicalizedBody());
        } catch (IOException ex) {
            throw new VerificationException("the transparency log entry's body is not JSON");
        }
    }

    /** The log entry must record this very envelope's payload, signature and signer. */
    private static void matchDsseEntry(SigstoreBundle.TlogEntry e, JsonNode body, SigstoreBundle.Dsse dsse, byte[] sig,
                                       X509Certificate leaf, PublicKey key) throws VerificationException {
        String payloadHash = HexFormat.of().formatHex(Merkle.sha256().digest(dsse.payload()));
        JsonNode signatures;
        String recorded;
        if (e.kind().equals("dsse") && body.path("kind").asText().equals("dsse")) {
            recorded = body.path("spec").path("payloadHash").path("value").asText();
            signatures = body.path("spec").path("signatures");
            onlyOne(signatures);
            for (JsonNode s : signatures) {
                if (Arrays.equals(decode(s.path("signature").asText()), sig) && sameSigner(s.path("verifier").asText(), leaf, key)) {
                    if (!recorded.equals(payloadHash)) {
                        break;
                    }
                    return;
                }
            }
        } else if (e.kind().equals("intoto") && body.path("kind").asText().equals("intoto")) {
            JsonNode content = body.path("spec").path("content");
            recorded = content.path("payloadHash").path("value").asText();
            onlyOne(content.path("envelope").path("signatures"));
            for (JsonNode s : content.path("envelope").path("signatures")) {
                // intoto 0.0.2 stores the signature base64-encoded twice; accept either form.
                byte[] once = decode(s.path("sig").asText());
                boolean same = Arrays.equals(once, sig) || Arrays.equals(decode(new String(once, StandardCharsets.US_ASCII)), sig);
                if (same && sameSigner(s.path("publicKey").asText(), leaf, key)) {
                    if (!recorded.equals(payloadHash)) {
                        break;
                    }
                    return;
                }
            }
        } else {
            throw new VerificationException("the transparency log entry is a " + e.kind() + " entry, not a DSSE or in-toto one");
        }
        throw new VerificationException("the transparency log entry records another statement or signature than the bundle's");
    }

    /**
     * A log entry for a bundle records exactly the bundle's one signature: an entry that also
     * records another signer's vouches for an envelope this bundle is not.
     */
    private static void onlyOne(JsonNode signatures) throws VerificationException {
        if (!signatures.isArray() || signatures.size() != 1) {
            throw new VerificationException("the transparency log entry records " + (signatures.isArray() ? signatures.size() : 0)
                    + " signatures, not the bundle's one");
        }
    }

    private static void matchHashedRekord(SigstoreBundle.TlogEntry e, JsonNode body, SigstoreBundle.MessageSignature m,
                                          X509Certificate leaf, PublicKey key) throws VerificationException {
        if (!e.kind().equals("hashedrekord") || !body.path("kind").asText().equals("hashedrekord")) {
            throw new VerificationException("the transparency log entry is a " + e.kind() + " entry, not a hashedrekord one");
        }
        JsonNode spec = body.path("spec");
        if (!spec.path("data").path("hash").path("value").asText().equalsIgnoreCase(HexFormat.of().formatHex(m.digest()))
                || !Arrays.equals(decode(spec.path("signature").path("content").asText()), m.signature())
                || !sameSigner(spec.path("signature").path("publicKey").path("content").asText(), leaf, key)) {
            throw new VerificationException("the transparency log entry records another digest or signature than the bundle's");
        }
    }

    /** Whether a log entry's signer (base64 of a PEM certificate or key) is the bundle's. */
    private static boolean sameSigner(String b64Pem, X509Certificate leaf, PublicKey key) {
        String pem = new String(decode(b64Pem), StandardCharsets.US_ASCII);
        byte[] der = decode(pem.replaceAll("-----[A-Z ]+-----", "").replaceAll("\\s", ""));
        try {
            return leaf != null ? Arrays.equals(der, leaf.getEncoded()) : Arrays.equals(der, key.getEncoded());
        } catch (CertificateEncodingException e) {
            return false;
        }
    }

    private static byte[] decode(String b64) {
        try {
            return Base64.getDecoder().decode(b64);
        } catch (IllegalArgumentException e) {
            return new byte[0];
        }
    }

    /** DSSE's pre-authentication encoding: what an envelope's signature covers. */
    public static byte[] pae(String payloadType, byte[] payload) {
        byte[] type = payloadType.getBytes(StandardCharsets.UTF_8);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(("DSSEv1 " + type.length + " ").getBytes(StandardCharsets.UTF_8));
        out.writeBytes(type);
        out.writeBytes((" " + payload.length + " ").getBytes(StandardCharsets.UTF_8));
        out.writeBytes(payload);
        return out.toByteArray();
    }

    /** Verifies a signature with the algorithm the key implies (Sigstore pairs P-256 with SHA-256, P-384 with SHA-384). */
    static boolean verifies(PublicKey key, byte[] data, byte[] signature) {
        try {
            Signature s = Signature.getInstance(algorithm(key));
            s.initVerify(key);
            s.update(data);
            return s.verify(signature);
        } catch (GeneralSecurityException | RuntimeException e) {
            return false; // a malformed signature is one that does not verify
        }
    }

    /** Verifies an ECDSA signature given the message's digest rather than the message. */
    private static boolean verifiesPrehashed(PublicKey key, byte[] digest, byte[] signature) {
        if (!(key instanceof ECPublicKey)) {
            return false;
        }
        try {
            Signature s = Signature.getInstance("NONEwithECDSA");
            s.initVerify(key);
            s.update(digest);
            return s.verify(signature);
        } catch (GeneralSecurityException | RuntimeException e) {
            return false;
        }
    }

    private static String algorithm(PublicKey key) {
        if (key instanceof ECPublicKey ec) {
            int bits = ec.getParams().getCurve().getField().getFieldSize();
            return bits > 384 ? "SHA512withECDSA" : bits > 256 ? "SHA384withECDSA" : "SHA256withECDSA";
        }
        return switch (key.getAlgorithm()) {
            case "Ed25519", "EdDSA" -> "Ed25519";
            case "RSA" -> "SHA256withRSA";
            default -> key.getAlgorithm();
        };
    }
}
