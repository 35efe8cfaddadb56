package dev.airlock.core.trust.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.Date;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import org.bouncycastle.asn1.ASN1Encoding;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.DEROctetString;
import org.bouncycastle.asn1.DERPrintableString;
import org.bouncycastle.asn1.DERUTF8String;
import org.bouncycastle.asn1.x500.RDN;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x500.X500NameBuilder;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.ContentSigner;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * A complete, private Sigstore (Fulcio CA, CT log, Rekor v1 log) that issues real keyless-signing material
 * offline.
 *
 * <p><b>Why it exists.</b> The public-good instance cannot be reached from CI, and the few real bundles kept as
 * fixtures can only ever prove the "valid" path for one identity at one time. A verifier is only trustworthy if
 * every check it makes has been seen to reject something, so tests need to mint bundles whose every field is
 * under their control: wrong identity, expired certificate, missing SCT, another CA, another log, a proof that
 * does not reach the checkpoint, and so on. Everything produced here is cryptographically genuine and laid out
 * byte for byte like the public-good output, so a verifier that accepts these and a real fixture is not relying
 * on a fake's shortcuts.
 *
 * <p><b>Formats, and where each was checked</b> (recorded November 2026):
 * <ul>
 * <li>Leaf certificate, SCT, {@code dsse} 0.0.1 body, checkpoint, v0.3 bundle: decoded from the real npm
 * attestations for {@code @playwright/cli@0.1.1} (Fulcio leaf issued 2026-02-14). The dsse {@code envelopeHash}
 * reproduces the real value as SHA-256 of the compact envelope JSON {@code {"payload","payloadType",
 * "signatures":[{"sig"[,"keyid" when non-empty]}]}}; {@code verifier} is base64 of the PEM certificate (64-column
 * lines, trailing newline).</li>
 * <li>{@code intoto} 0.0.2 body: sigstore/rekor {@code pkg/types/intoto/v0.0.2/entry.go} and its schema JSON
 * (canonical form keeps {@code envelope.payloadType} and {@code signatures[{keyid?,publicKey,sig}]}, drops the
 * payload, adds {@code hash} and {@code payloadHash}); the two base64 quirks ({@code sig} is base64 of the
 * base64 signature text, {@code publicKey} is base64 of the PEM text) from sigstore-js
 * {@code toProposedIntotoEntry}/{@code verifyIntoto002TLogBody}. The {@code hash} here is SHA-256 of the sorted
 * JSON {@code {"payload","payloadType","signatures":[{"sig"}]}} without the public key: that is what reproduces
 * the real 2023 npm bundle in slsa-verifier's {@code testdata/npm-attestations.intoto.sigstore}; later sigstore-js
 * versions also hash the PEM, and no verifier can recompute either, so verifiers must not rely on it.</li>
 * <li>v0.1 bundle: the same slsa-verifier file: {@code x509CertificateChain} lists leaf, intermediate and root,
 * {@code "inclusionProof": null}, {@code "timestampVerificationData": null}, {@code keyid: ""}.</li>
 * <li>PEP 740 provenance: trailofbits/pypi-attestations {@code test/assets/sigstore-3.6.1.tar.gz.provenance}
 * (a real PyPI response): the tlog entry is {@code dsse} 0.0.1 in protobuf-JSON form and an unset publisher
 * environment is {@code null}.</li>
 * <li>Trusted root: the {@code trusted_root.json} target inside the npm client's {@code @sigstore/tuf/seeds.json};
 * its {@code certChain} lists the intermediate before the root.</li>
 * </ul>
 *
 * <p><b>Independence.</b> Every instance has its own keys, so two instances never trust each other: a leaf from
 * one fails the other's chain, and an entry logged in one has a log id, SET and checkpoint the other rejects.
 * Bundle builders accept a {@link Leaf} issued by any instance, which is how "certificate from another CA"
 * bundles are made.
 */
public final class FakeSigstore {

    /** The OIDC issuer that GitHub Actions workflows present to Fulcio. */
    public static final String GITHUB_ACTIONS_ISSUER = "https://token.actions.githubusercontent.com";
    public static final String BUNDLE_V03_MEDIA_TYPE = "application/vnd.dev.sigstore.bundle.v0.3+json";
    public static final String BUNDLE_V01_MEDIA_TYPE = "application/vnd.dev.sigstore.bundle+json;version=0.1";
    public static final String TRUSTED_ROOT_MEDIA_TYPE = "application/vnd.dev.sigstore.trustedroot+json;version=0.1";
    public static final String IN_TOTO_PAYLOAD_TYPE = "application/vnd.in-toto+json";
    public static final String IN_TOTO_STATEMENT_V1 = "https://in-toto.io/Statement/v1";
    public static final String SLSA_PROVENANCE_V1 = "https://slsa.dev/provenance/v1";

    /** Issuer, legacy form: the extension value is the raw UTF-8 string, not DER. */
    public static final String OID_ISSUER_V1 = "1.3.6.1.4.1.57264.1.1";
    public static final String OID_ISSUER_V2 = "1.3.6.1.4.1.57264.1.8";
    public static final String OID_BUILD_SIGNER_URI = "1.3.6.1.4.1.57264.1.9";
    public static final String OID_BUILD_SIGNER_DIGEST = "1.3.6.1.4.1.57264.1.10";
    public static final String OID_RUNNER_ENVIRONMENT = "1.3.6.1.4.1.57264.1.11";
    public static final String OID_SOURCE_REPOSITORY_URI = "1.3.6.1.4.1.57264.1.12";
    public static final String OID_SOURCE_REPOSITORY_DIGEST = "1.3.6.1.4.1.57264.1.13";
    public static final String OID_SOURCE_REPOSITORY_REF = "1.3.6.1.4.1.57264.1.14";
    public static final String OID_BUILD_CONFIG_URI = "1.3.6.1.4.1.57264.1.18";
    public static final String OID_BUILD_TRIGGER = "1.3.6.1.4.1.57264.1.20";
    public static final String OID_RUN_INVOCATION_URI = "1.3.6.1.4.1.57264.1.21";
    /** RFC 6962 §3.3 embedded SCT list. */
    public static final String OID_EMBEDDED_SCTS = "1.3.6.1.4.1.11129.2.4.2";

    /** A realistic shard offset (see {@link FakeRekor}); {@link #create(String, long)} can set 0. */
    public static final long DEFAULT_LOG_INDEX_OFFSET = 7_000_000L;

    private static final Instant CA_NOT_BEFORE = Instant.parse("2020-01-01T00:00:00Z");
    private static final Instant CA_NOT_AFTER = Instant.parse("2099-12-31T23:59:59Z");
    private static final Duration LEAF_VALIDITY = Duration.ofMinutes(10);

    /**
     * The identity Fulcio binds into a leaf. Each component maps to one Fulcio extension; a {@code null}
     * component leaves its extension out, which is how tests build certificates that lack a claim.
     * {@code buildSignerUri} is also the SAN, as in every GitHub Actions certificate.
     */
    public record Identity(String issuer, String buildSignerUri, String buildSignerDigest, String runnerEnvironment,
            String sourceRepositoryUri, String sourceRepositoryDigest, String sourceRepositoryRef,
            String buildConfigUri, String buildTrigger, String runInvocationUri) {

        public Identity {
            Objects.requireNonNull(buildSignerUri, "buildSignerUri (the SAN) is required");
        }

        /**
         * The identity a GitHub-hosted workflow run gets, with commit and run id derived deterministically from the
         * inputs so that the same arguments always describe the same run.
         *
         * @param ownerRepo    {@code owner/repo}
         * @param workflowPath e.g. {@code .github/workflows/release.yml}
         * @param ref          e.g. {@code refs/tags/v1.0.0}
         */
        public static Identity github(String ownerRepo, String workflowPath, String ref) {
            String repo = "https://github.com/" + ownerRepo;
            String signer = repo + "/" + workflowPath + "@" + ref;
            byte[] h = Crypto.sha256(Crypto.utf8(ownerRepo + "\n" + workflowPath + "\n" + ref));
            String commit = HexFormat.of().formatHex(h, 0, 20);
            long runId = 10_000_000_000L + (new BigInteger(1, h).longValue() & Long.MAX_VALUE) % 90_000_000_000L;
            return new Identity(GITHUB_ACTIONS_ISSUER, signer, commit, "github-hosted", repo, commit, ref, signer,
                    "push", repo + "/actions/runs/" + runId + "/attempts/1");
        }

        /** {@code owner/repo} for a GitHub source repository, else {@code null}. */
        public String ownerRepo() {
            String prefix = "https://github.com/";
            return sourceRepositoryUri != null && sourceRepositoryUri.startsWith(prefix)
                    ? sourceRepositoryUri.substring(prefix.length()) : null;
        }

        /** The workflow file path inside the repository, read back from the build signer URI, else {@code null}. */
        public String workflowPath() {
            if (sourceRepositoryUri == null || !buildSignerUri.startsWith(sourceRepositoryUri + "/")) {
                return null;
            }
            String rest = buildSignerUri.substring(sourceRepositoryUri.length() + 1);
            int at = rest.indexOf('@');
            return at < 0 ? rest : rest.substring(0, at);
        }
    }

    /**
     * An issued signing certificate with its private key. {@code chain} is leaf, intermediate, root, the order
     * Fulcio returns. A Leaf may be rebuilt with another key to produce signatures the certificate does not cover.
     */
    public record Leaf(X509Certificate certificate, PrivateKey privateKey, List<X509Certificate> chain,
            Identity identity) {
        public Leaf {
            chain = List.copyOf(chain);
        }
    }

    private final String name;
    private final KeyPair rootKey;
    private final X509Certificate root;
    private final KeyPair intermediateKey;
    private final X509Certificate intermediate;
    private final KeyPair ctKey;
    private final byte[] ctLogId;
    private final FakeRekor rekor;

    private FakeSigstore(String name, long logIndexOffset) {
        if (!name.matches("[a-z0-9][a-z0-9-]*")) {
            throw new IllegalArgumentException("name must be a DNS label: " + name);
        }
        this.name = name;
        try {
            JcaX509ExtensionUtils ext = new JcaX509ExtensionUtils();
            rootKey = Crypto.ecKeyPair("secp384r1");
            X500Name rootName = caName(name + "-sigstore.test", name + "-sigstore");
            X509v3CertificateBuilder rb = new JcaX509v3CertificateBuilder(rootName, serial(), Date.from(CA_NOT_BEFORE),
                    Date.from(CA_NOT_AFTER), rootName, rootKey.getPublic());
            rb.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign));
            rb.addExtension(Extension.basicConstraints, true, new BasicConstraints(true));
            rb.addExtension(Extension.subjectKeyIdentifier, false, ext.createSubjectKeyIdentifier(rootKey.getPublic()));
            rb.addExtension(Extension.authorityKeyIdentifier, false,
                    ext.createAuthorityKeyIdentifier(rootKey.getPublic()));
            root = toCertificate(rb.build(signer("SHA384withECDSA", rootKey.getPrivate())));

            intermediateKey = Crypto.ecKeyPair("secp384r1");
            X509v3CertificateBuilder ib = new JcaX509v3CertificateBuilder(rootName, serial(), Date.from(CA_NOT_BEFORE),
                    Date.from(CA_NOT_AFTER), caName(name + "-sigstore.test", name + "-sigstore-intermediate"), intermediateKey.getPublic());
            ib.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign));
            ib.addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(KeyPurposeId.id_kp_codeSigning));
            ib.addExtension(Extension.basicConstraints, true, new BasicConstraints(0));
            ib.addExtension(Extension.subjectKeyIdentifier, false,
                    ext.createSubjectKeyIdentifier(intermediateKey.getPublic()));
            ib.addExtension(Extension.authorityKeyIdentifier, false,
                    ext.createAuthorityKeyIdentifier(rootKey.getPublic()));
            intermediate = toCertificate(ib.build(signer("SHA384withECDSA", rootKey.getPrivate())));
        } catch (GeneralSecurityException | IOException | OperatorCreationException e) {
            throw new IllegalStateException(e);
        }
        ctKey = Crypto.ecKeyPair("secp256r1");
        ctLogId = Crypto.sha256(ctKey.getPublic().getEncoded());
        rekor = new FakeRekor(name + "-rekor.test", logIndexOffset);
    }

    /** An instance named {@code fake} (hosts {@code fake-rekor.test} etc.) with a sharded-looking log index. */
    public static FakeSigstore create() {
        return new FakeSigstore("fake", DEFAULT_LOG_INDEX_OFFSET);
    }

    /**
     * A named instance. Instances with the same name have identical CA subject names but unrelated keys, which is
     * the stronger "another CA" case: a verifier that matches on names instead of signatures would accept it.
     */
    public static FakeSigstore create(String name) {
        return new FakeSigstore(name, DEFAULT_LOG_INDEX_OFFSET);
    }

    /** A named instance whose global log indexes start at {@code logIndexOffset} (0 for an unsharded log). */
    public static FakeSigstore create(String name, long logIndexOffset) {
        return new FakeSigstore(name, logIndexOffset);
    }

    public String name() {
        return name;
    }

    /** The self-signed root, the trust anchor of this instance. */
    public X509Certificate rootCertificate() {
        return root;
    }

    /** The intermediate that signs leaves; its SPKI hash is the SCT's {@code issuer_key_hash}. */
    public X509Certificate intermediateCertificate() {
        return intermediate;
    }

    public PublicKey ctLogPublicKey() {
        return ctKey.getPublic();
    }

    /** SHA-256 of the CT log's SPKI DER, as carried in each SCT and in the trusted root. */
    public byte[] ctLogId() {
        return ctLogId.clone();
    }

    /** The transparency log, for tests that append their own bodies or need proofs at other tree sizes. */
    public FakeRekor rekor() {
        return rekor;
    }

    // ------------------------------------------------------------------------------------------ Fulcio and CT

    /** Issues a leaf with an embedded SCT, valid from {@code notBefore} (truncated to seconds) for ten minutes. */
    public Leaf issue(Identity id, Instant notBefore) {
        return issue(id, notBefore, true);
    }

    /**
     * Issues a Fulcio-profile leaf for a fresh P-256 key. Without an SCT the certificate is otherwise identical,
     * so a verifier's CT check can be shown to be the only thing rejecting it.
     */
    public Leaf issue(Identity id, Instant notBefore, boolean withSct) {
        Objects.requireNonNull(id, "id");
        KeyPair kp = Crypto.ecKeyPair("secp256r1");
        Instant nb = notBefore.truncatedTo(ChronoUnit.SECONDS);
        try {
            JcaX509ExtensionUtils ext = new JcaX509ExtensionUtils();
            X500Name issuer = X500Name.getInstance(intermediate.getSubjectX500Principal().getEncoded());
            X509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(issuer, serial(), Date.from(nb),
                    Date.from(nb.plus(LEAF_VALIDITY)), new X500Name(new RDN[0]),
                    kp.getPublic());
            b.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature));
            b.addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(KeyPurposeId.id_kp_codeSigning));
            b.addExtension(Extension.subjectKeyIdentifier, false, ext.createSubjectKeyIdentifier(kp.getPublic()));
            b.addExtension(Extension.authorityKeyIdentifier, false,
                    ext.createAuthorityKeyIdentifier(intermediate.getPublicKey()));
            // The subject is empty, so RFC 5280 requires the SAN to be critical; Fulcio marks it so.
            b.addExtension(Extension.subjectAlternativeName, true,
                    new GeneralNames(new GeneralName(GeneralName.uniformResourceIdentifier, id.buildSignerUri())));
            if (id.issuer() != null) {
                b.addExtension(new ASN1ObjectIdentifier(OID_ISSUER_V1), false, Crypto.utf8(id.issuer()));
            }
            utf8Extension(b, OID_ISSUER_V2, id.issuer());
            utf8Extension(b, OID_BUILD_SIGNER_URI, id.buildSignerUri());
            utf8Extension(b, OID_BUILD_SIGNER_DIGEST, id.buildSignerDigest());
            utf8Extension(b, OID_RUNNER_ENVIRONMENT, id.runnerEnvironment());
            utf8Extension(b, OID_SOURCE_REPOSITORY_URI, id.sourceRepositoryUri());
            utf8Extension(b, OID_SOURCE_REPOSITORY_DIGEST, id.sourceRepositoryDigest());
            utf8Extension(b, OID_SOURCE_REPOSITORY_REF, id.sourceRepositoryRef());
            utf8Extension(b, OID_BUILD_CONFIG_URI, id.buildConfigUri());
            utf8Extension(b, OID_BUILD_TRIGGER, id.buildTrigger());
            utf8Extension(b, OID_RUN_INVOCATION_URI, id.runInvocationUri());

            ContentSigner signer = signer("SHA384withECDSA", intermediateKey.getPrivate());
            X509CertificateHolder precert = b.build(signer);
            X509CertificateHolder done = precert;
            if (withSct) {
                // RFC 6962 §3.2: the SCT covers the TBS without the SCT extension, which is this TBS exactly,
                // since the certificate is issued directly by the intermediate (no precertificate signing CA).
                byte[] tbs = precert.toASN1Structure().getTBSCertificate().getEncoded(ASN1Encoding.DER);
                byte[] sctList = sctList(tbs, nb.toEpochMilli());
                X509v3CertificateBuilder withExt = new X509v3CertificateBuilder(precert);
                withExt.addExtension(new ASN1ObjectIdentifier(OID_EMBEDDED_SCTS), false, new DEROctetString(sctList));
                done = withExt.build(signer);
            }
            X509Certificate leaf = toCertificate(done);
            return new Leaf(leaf, kp.getPrivate(), List.of(leaf, intermediate, root), id);
        } catch (GeneralSecurityException | IOException | OperatorCreationException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A TLS-encoded SignedCertificateTimestampList holding one v1 SCT from this instance's CT log. */
    private byte[] sctList(byte[] precertTbs, long timestampMillis) throws IOException {
        ByteArrayOutputStream signed = new ByteArrayOutputStream();
        signed.write(0); // version v1
        signed.write(0); // signature_type certificate_timestamp
        writeUint(signed, timestampMillis, 8);
        writeUint(signed, 1, 2); // entry_type precert_entry
        signed.write(Crypto.sha256(intermediate.getPublicKey().getEncoded())); // issuer_key_hash
        writeUint(signed, precertTbs.length, 3);
        signed.write(precertTbs);
        writeUint(signed, 0, 2); // no extensions
        byte[] sig = Crypto.ecdsaSha256(ctKey.getPrivate(), signed.toByteArray());

        ByteArrayOutputStream sct = new ByteArrayOutputStream();
        sct.write(0);
        sct.write(ctLogId);
        writeUint(sct, timestampMillis, 8);
        writeUint(sct, 0, 2);
        sct.write(4); // hash sha256
        sct.write(3); // signature ecdsa
        writeUint(sct, sig.length, 2);
        sct.write(sig);
        byte[] one = sct.toByteArray();

        ByteArrayOutputStream list = new ByteArrayOutputStream();
        writeUint(list, one.length + 2L, 2);
        writeUint(list, one.length, 2);
        list.write(one);
        return list.toByteArray();
    }

    // ------------------------------------------------------------------------------------------ signatures

    /** DSSE pre-authentication encoding: the bytes a DSSE signature actually covers. */
    public static byte[] pae(String payloadType, byte[] payload) {
        byte[] type = Crypto.utf8(payloadType);
        byte[] head = Crypto.utf8("DSSEv1 " + type.length + " " + payloadType + " " + payload.length + " ");
        byte[] out = new byte[head.length + payload.length];
        System.arraycopy(head, 0, out, 0, head.length);
        System.arraycopy(payload, 0, out, head.length, payload.length);
        return out;
    }

    /** ECDSA P-256 / SHA-256 (DER) over the DSSE PAE, as the Sigstore clients sign envelopes. */
    public static byte[] signDsse(PrivateKey key, String payloadType, byte[] payload) {
        return Crypto.ecdsaSha256(key, pae(payloadType, payload));
    }

    /** ECDSA P-256 / SHA-256 (DER) over raw bytes, as a message-signature bundle signs an artifact. */
    public static byte[] sign(PrivateKey key, byte[] data) {
        return Crypto.ecdsaSha256(key, data);
    }

    /** PEM exactly as Fulcio returns it (64-column lines, trailing newline); Rekor bodies embed this text. */
    public static String pem(X509Certificate cert) {
        return Crypto.pem(cert);
    }

    // ------------------------------------------------------------------------------------------ Rekor bodies

    /** The canonicalized body Rekor stores for a {@code dsse} 0.0.1 entry. */
    public static byte[] dsseBody(String payloadType, byte[] payload, byte[] signature, X509Certificate cert) {
        ObjectNode root = JsonNodeFactory.instance.objectNode();
        root.put("apiVersion", "0.0.1");
        root.put("kind", "dsse");
        ObjectNode spec = root.putObject("spec");
        hash(spec.putObject("envelopeHash"), Crypto.sha256(envelopeJson(payloadType, payload, signature, "")));
        hash(spec.putObject("payloadHash"), Crypto.sha256(payload));
        ObjectNode s = spec.putArray("signatures").addObject();
        s.put("signature", Crypto.b64(signature));
        s.put("verifier", Crypto.b64(Crypto.utf8(Crypto.pem(cert))));
        return Crypto.canonicalJson(root);
    }

    /** The canonicalized body Rekor stores for an {@code intoto} 0.0.2 entry (see the class comment). */
    public static byte[] intotoBody(String payloadType, byte[] payload, byte[] signature, X509Certificate cert) {
        String sigB64 = Crypto.b64(signature);
        ObjectNode hashed = JsonNodeFactory.instance.objectNode();
        hashed.put("payload", Crypto.b64(payload));
        hashed.put("payloadType", payloadType);
        hashed.putArray("signatures").addObject().put("sig", sigB64);

        ObjectNode root = JsonNodeFactory.instance.objectNode();
        root.put("apiVersion", "0.0.2");
        root.put("kind", "intoto");
        ObjectNode content = root.putObject("spec").putObject("content");
        ObjectNode env = content.putObject("envelope");
        env.put("payloadType", payloadType);
        ObjectNode s = env.putArray("signatures").addObject();
        s.put("publicKey", Crypto.b64(Crypto.utf8(Crypto.pem(cert))));
        s.put("sig", Crypto.b64(Crypto.utf8(sigB64)));
        hash(content.putObject("hash"), Crypto.sha256(Crypto.canonicalJson(hashed)));
        hash(content.putObject("payloadHash"), Crypto.sha256(payload));
        return Crypto.canonicalJson(root);
    }

    /** The canonicalized body Rekor stores for a {@code hashedrekord} 0.0.1 entry. */
    public static byte[] hashedRekordBody(byte[] sha256Digest, byte[] signature, X509Certificate cert) {
        ObjectNode root = JsonNodeFactory.instance.objectNode();
        root.put("apiVersion", "0.0.1");
        root.put("kind", "hashedrekord");
        ObjectNode spec = root.putObject("spec");
        hash(spec.putObject("data").putObject("hash"), sha256Digest);
        ObjectNode sig = spec.putObject("signature");
        sig.put("content", Crypto.b64(signature));
        sig.putObject("publicKey").put("content", Crypto.b64(Crypto.utf8(Crypto.pem(cert))));
        return Crypto.canonicalJson(root);
    }

    // ------------------------------------------------------------------------------------------ bundles

    /**
     * A v0.3 DSSE bundle as npm provenance and GitHub attestations publish today: single certificate,
     * {@code dsse} 0.0.1 entry with SET, inclusion proof and checkpoint. {@code toString()} of the result is the
     * wire form; tests may edit the tree first to tamper with it.
     */
    public ObjectNode dsseBundleV03(Leaf leaf, String payloadType, byte[] statement, long integratedTime) {
        byte[] sig = signDsse(leaf.privateKey(), payloadType, statement);
        FakeRekor.Entry entry = rekor.append("dsse", "0.0.1",
                dsseBody(payloadType, statement, sig, leaf.certificate()), integratedTime);
        ObjectNode b = JsonNodeFactory.instance.objectNode();
        b.put("mediaType", BUNDLE_V03_MEDIA_TYPE);
        ObjectNode vm = b.putObject("verificationMaterial");
        vm.putObject("certificate").put("rawBytes", Crypto.b64(Crypto.der(leaf.certificate())));
        vm.putArray("tlogEntries").add(rekor.entryJson(entry, true));
        vm.putObject("timestampVerificationData").putArray("rfc3161Timestamps");
        b.set("dsseEnvelope", envelope(payloadType, statement, sig));
        return b;
    }

    /**
     * A v0.1 bundle as npm published in 2023: certificate chain, {@code intoto} 0.0.2 entry, SET only (no
     * inclusion proof), which is the case sigstore-java refuses and a verifier here must still handle.
     */
    public ObjectNode intotoBundleV01(Leaf leaf, String payloadType, byte[] statement, long integratedTime) {
        byte[] sig = signDsse(leaf.privateKey(), payloadType, statement);
        FakeRekor.Entry entry = rekor.append("intoto", "0.0.2",
                intotoBody(payloadType, statement, sig, leaf.certificate()), integratedTime);
        ObjectNode b = JsonNodeFactory.instance.objectNode();
        b.put("mediaType", BUNDLE_V01_MEDIA_TYPE);
        ObjectNode vm = b.putObject("verificationMaterial");
        ArrayNode certs = vm.putObject("x509CertificateChain").putArray("certificates");
        for (X509Certificate c : leaf.chain()) {
            certs.addObject().put("rawBytes", Crypto.b64(Crypto.der(c)));
        }
        vm.putArray("tlogEntries").add(rekor.entryJson(entry, false));
        vm.set("timestampVerificationData", NullNode.getInstance());
        b.set("dsseEnvelope", envelope(payloadType, statement, sig));
        return b;
    }

    /**
     * A v0.3 message-signature bundle, the shape of a Maven repository's {@code .sigstore.json}: the signature is
     * over the artifact bytes themselves and the log holds a {@code hashedrekord} entry.
     */
    public ObjectNode messageSignatureBundleV03(Leaf leaf, byte[] artifact, long integratedTime) {
        byte[] digest = Crypto.sha256(artifact);
        byte[] sig = sign(leaf.privateKey(), artifact);
        FakeRekor.Entry entry = rekor.append("hashedrekord", "0.0.1",
                hashedRekordBody(digest, sig, leaf.certificate()), integratedTime);
        ObjectNode b = JsonNodeFactory.instance.objectNode();
        b.put("mediaType", BUNDLE_V03_MEDIA_TYPE);
        ObjectNode vm = b.putObject("verificationMaterial");
        vm.putObject("certificate").put("rawBytes", Crypto.b64(Crypto.der(leaf.certificate())));
        vm.putArray("tlogEntries").add(rekor.entryJson(entry, true));
        ObjectNode ms = b.putObject("messageSignature");
        ObjectNode md = ms.putObject("messageDigest");
        md.put("algorithm", "SHA2_256");
        md.put("digest", Crypto.b64(digest));
        ms.put("signature", Crypto.b64(sig));
        return b;
    }

    /**
     * A PEP 740 provenance object (the PyPI integrity API response) holding one attestation. The publisher is
     * read from the leaf's identity; an unset environment is {@code null}, as PyPI serves it.
     */
    public ObjectNode pypiProvenance(Leaf leaf, byte[] statement, long integratedTime) {
        return pypiProvenance(leaf, statement, integratedTime, null);
    }

    /** As {@link #pypiProvenance(Leaf, byte[], long)}, with the Trusted Publisher's deployment environment. */
    public ObjectNode pypiProvenance(Leaf leaf, byte[] statement, long integratedTime, String environment) {
        byte[] sig = signDsse(leaf.privateKey(), IN_TOTO_PAYLOAD_TYPE, statement);
        FakeRekor.Entry entry = rekor.append("dsse", "0.0.1",
                dsseBody(IN_TOTO_PAYLOAD_TYPE, statement, sig, leaf.certificate()), integratedTime);
        ObjectNode p = JsonNodeFactory.instance.objectNode();
        p.put("version", 1);
        ObjectNode bundle = p.putArray("attestation_bundles").addObject();
        ObjectNode pub = bundle.putObject("publisher");
        pub.put("kind", "GitHub");
        pub.put("repository", leaf.identity().ownerRepo());
        String wf = leaf.identity().workflowPath();
        pub.put("workflow", wf == null ? null : wf.substring(wf.lastIndexOf('/') + 1));
        pub.put("environment", environment);
        ObjectNode att = bundle.putArray("attestations").addObject();
        att.put("version", 1);
        ObjectNode vm = att.putObject("verification_material");
        vm.put("certificate", Crypto.b64(Crypto.der(leaf.certificate())));
        vm.putArray("transparency_entries").add(rekor.entryJson(entry, true));
        ObjectNode env = att.putObject("envelope");
        env.put("statement", Crypto.b64(statement));
        env.put("signature", Crypto.b64(sig));
        return p;
    }

    /**
     * An in-toto v1 statement with one subject, compact JSON in the field order the real publishers use. Digest
     * algorithms are emitted in sorted order so equal inputs give equal bytes.
     */
    public static byte[] inTotoStatement(String subjectName, Map<String, String> digests, String predicateType,
            JsonNode predicate) {
        ObjectNode s = JsonNodeFactory.instance.objectNode();
        s.put("_type", IN_TOTO_STATEMENT_V1);
        ObjectNode subject = s.putArray("subject").addObject();
        subject.put("name", subjectName);
        ObjectNode d = subject.putObject("digest");
        new TreeMap<>(digests).forEach(d::put);
        s.put("predicateType", predicateType);
        s.set("predicate", predicate == null ? NullNode.getInstance() : predicate);
        return Crypto.compactJson(s);
    }

    /**
     * A SLSA provenance v1 predicate as GitHub Actions writes it for npm, consistent with the identity so that
     * checks comparing certificate claims with the predicate pass unless a test changes one side.
     */
    public static ObjectNode slsaProvenanceV1(Identity id) {
        ObjectNode p = JsonNodeFactory.instance.objectNode();
        ObjectNode bd = p.putObject("buildDefinition");
        bd.put("buildType", "https://slsa-framework.github.io/github-actions-buildtypes/workflow/v1");
        ObjectNode wf = bd.putObject("externalParameters").putObject("workflow");
        wf.put("ref", id.sourceRepositoryRef());
        wf.put("repository", id.sourceRepositoryUri());
        wf.put("path", id.workflowPath());
        ObjectNode gh = bd.putObject("internalParameters").putObject("github");
        gh.put("event_name", id.buildTrigger());
        byte[] h = Crypto.sha256(Crypto.utf8(String.valueOf(id.sourceRepositoryUri())));
        gh.put("repository_id", Long.toString((new BigInteger(1, h).longValue() & Long.MAX_VALUE) % 1_000_000_000L));
        gh.put("repository_owner_id", Long.toString(((h[0] & 0xffL) << 16 | (h[1] & 0xffL) << 8 | (h[2] & 0xffL))));
        ObjectNode dep = bd.putArray("resolvedDependencies").addObject();
        dep.put("uri", "git+" + id.sourceRepositoryUri() + "@" + id.sourceRepositoryRef());
        dep.putObject("digest").put("gitCommit", id.sourceRepositoryDigest());
        ObjectNode rd = p.putObject("runDetails");
        rd.putObject("builder").put("id", "https://github.com/actions/runner/github-hosted");
        rd.putObject("metadata").put("invocationId", id.runInvocationUri());
        return p;
    }

    // ------------------------------------------------------------------------------------------ trusted root

    /** A trusted root that trusts exactly this instance: the only thing a verifier under test should be given. */
    public String trustedRootJson() {
        return trustedRootJson(List.of(this));
    }

    /**
     * A trusted root that trusts several instances at once, for tests of key rotation or of picking the right
     * CA and log among many, as the public-good root lists several of each.
     */
    public static String trustedRootJson(List<FakeSigstore> instances) {
        ObjectNode r = JsonNodeFactory.instance.objectNode();
        r.put("mediaType", TRUSTED_ROOT_MEDIA_TYPE);
        ArrayNode tlogs = r.putArray("tlogs");
        ArrayNode cas = r.putArray("certificateAuthorities");
        ArrayNode ctlogs = r.putArray("ctlogs");
        for (FakeSigstore s : instances) {
            tlogs.add(logKey(s.rekor.baseUrl(), s.rekor.publicKey(), s.rekor.logId()));
            ObjectNode ca = cas.addObject();
            ObjectNode subject = ca.putObject("subject");
            subject.put("organization", s.name + "-sigstore.test");
            subject.put("commonName", s.name + "-sigstore");
            ca.put("uri", "https://" + s.name + "-fulcio.test");
            ArrayNode chain = ca.putObject("certChain").putArray("certificates");
            chain.addObject().put("rawBytes", Crypto.b64(Crypto.der(s.intermediate)));
            chain.addObject().put("rawBytes", Crypto.b64(Crypto.der(s.root)));
            ca.putObject("validFor").put("start", DateTimeFormatter.ISO_INSTANT.format(CA_NOT_BEFORE));
            ctlogs.add(logKey("https://" + s.name + "-ctfe.test", s.ctKey.getPublic(), s.ctLogId));
        }
        r.putArray("timestampAuthorities");
        return r.toString();
    }

    // ------------------------------------------------------------------------------------------ internals

    private static ObjectNode logKey(String baseUrl, PublicKey key, byte[] logId) {
        ObjectNode t = JsonNodeFactory.instance.objectNode();
        t.put("baseUrl", baseUrl);
        t.put("hashAlgorithm", "SHA2_256");
        ObjectNode pk = t.putObject("publicKey");
        pk.put("rawBytes", Crypto.b64(key.getEncoded()));
        pk.put("keyDetails", "PKIX_ECDSA_P256_SHA_256");
        pk.putObject("validFor").put("start", DateTimeFormatter.ISO_INSTANT.format(CA_NOT_BEFORE));
        t.putObject("logId").put("keyId", Crypto.b64(logId));
        return t;
    }

    private static ObjectNode envelope(String payloadType, byte[] payload, byte[] sig) {
        ObjectNode e = JsonNodeFactory.instance.objectNode();
        e.put("payload", Crypto.b64(payload));
        e.put("payloadType", payloadType);
        ObjectNode s = e.putArray("signatures").addObject();
        s.put("sig", Crypto.b64(sig));
        s.put("keyid", "");
        return e;
    }

    /** The envelope text the dsse type hashes; field order and the omitted empty keyid reproduce real values. */
    private static byte[] envelopeJson(String payloadType, byte[] payload, byte[] sig, String keyid) {
        ObjectNode e = JsonNodeFactory.instance.objectNode();
        e.put("payload", Crypto.b64(payload));
        e.put("payloadType", payloadType);
        ObjectNode s = e.putArray("signatures").addObject();
        s.put("sig", Crypto.b64(sig));
        if (!keyid.isEmpty()) {
            s.put("keyid", keyid);
        }
        return Crypto.compactJson(e);
    }

    private static void hash(ObjectNode into, byte[] digest) {
        into.put("algorithm", "sha256");
        into.put("value", HexFormat.of().formatHex(digest));
    }

    private static void utf8Extension(X509v3CertificateBuilder b, String oid, String value) throws IOException {
        if (value != null) {
            b.addExtension(new ASN1ObjectIdentifier(oid), false, new DERUTF8String(value));
        }
    }

    /** PrintableString attributes, as in the public-good Fulcio certificates. */
    private static X500Name caName(String org, String commonName) {
        return new X500NameBuilder(BCStyle.INSTANCE)
                .addRDN(BCStyle.O, new DERPrintableString(org))
                .addRDN(BCStyle.CN, new DERPrintableString(commonName))
                .build();
    }

    private static BigInteger serial() {
        return new BigInteger(159, Crypto.RANDOM).add(BigInteger.ONE);
    }

    private static ContentSigner signer(String alg, PrivateKey key) throws OperatorCreationException {
        return new JcaContentSignerBuilder(alg).setSecureRandom(Crypto.RANDOM).build(key);
    }

    private static X509Certificate toCertificate(X509CertificateHolder h) throws GeneralSecurityException {
        return new JcaX509CertificateConverter().getCertificate(h);
    }

    private static void writeUint(ByteArrayOutputStream out, long value, int bytes) {
        for (int i = bytes - 1; i >= 0; i--) {
            out.write((int) (value >>> (8 * i)) & 0xff);
        }
    }
}
