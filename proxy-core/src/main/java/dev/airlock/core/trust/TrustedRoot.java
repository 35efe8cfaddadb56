package dev.airlock.core.trust;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PublicKey;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.X509EncodedKeySpec;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;

/**
 * What a Sigstore deployment asks verifiers to trust (its {@code trusted_root.json}): the
 * certificate authorities that issue signing certificates, the transparency logs that record
 * signatures, and the certificate-transparency logs that witness certificates, each with the
 * time window in which it may be believed.
 *
 * <p>Airlock ships the public-good instance's root ({@link #shipped()}) and verifies offline
 * against it; an air-gapped operator replaces it with a file ({@code policy.sigstoreTrustedRoot}),
 * refreshed outside the network. Nothing here is fetched at run time.
 */
public final class TrustedRoot {

    static final String RESOURCE = "/dev/airlock/core/trust/sigstore-trusted-root.json";
    private static final ObjectMapper JSON = new ObjectMapper();

    /** A certificate authority: its chain, leaf-side first (the last one is the self-signed root). */
    public record Authority(String uri, List<X509Certificate> chain, Instant validFrom, Instant validUntil) {
        boolean validAt(Instant t) {
            return !t.isBefore(validFrom) && (validUntil == null || !t.isAfter(validUntil));
        }
    }

    /** A log (transparency or certificate transparency): its id is SHA-256 of its public key's DER. */
    public record Log(String baseUrl, byte[] logId, PublicKey key, Instant validFrom, Instant validUntil) {
        boolean validAt(Instant t) {
            return !t.isBefore(validFrom) && (validUntil == null || !t.isAfter(validUntil));
        }
    }

    private final List<Authority> authorities;
    private final List<Log> tlogs;
    private final List<Log> ctlogs;
    private final String source;

    private TrustedRoot(List<Authority> authorities, List<Log> tlogs, List<Log> ctlogs, String source) {
        this.authorities = List.copyOf(authorities);
        this.tlogs = List.copyOf(tlogs);
        this.ctlogs = List.copyOf(ctlogs);
        this.source = source;
    }

    public List<Authority> authorities() {
        return authorities;
    }

    public List<Log> tlogs() {
        return tlogs;
    }

    public List<Log> ctlogs() {
        return ctlogs;
    }

    /** Where this root came from, for the logs ("shipped with Airlock", a file path). */
    public String source() {
        return source;
    }

    /** The public-good Sigstore root that ships inside Airlock. */
    public static TrustedRoot shipped() {
        try (InputStream in = TrustedRoot.class.getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException("the shipped Sigstore trusted root is missing from the jar");
            }
            return parse(in.readAllBytes(), "the Sigstore public-good trusted root shipped with Airlock");
        } catch (IOException | VerificationException e) {
            throw new IllegalStateException("the shipped Sigstore trusted root cannot be read: " + e.getMessage(), e);
        }
    }

    /** Reads a {@code trusted_root.json} document. */
    public static TrustedRoot parse(byte[] document, String source) throws VerificationException {
        JsonNode root;
        try {
            root = JSON.readTree(document);
        } catch (IOException e) {
            throw new VerificationException(source + " is not JSON");
        }
        if (root == null || !root.path("mediaType").asText("").startsWith("application/vnd.dev.sigstore.trustedroot")) {
            throw new VerificationException(source + " is not a Sigstore trusted root (mediaType "
                    + (root == null ? "missing" : root.path("mediaType").asText("missing")) + ")");
        }
        List<Authority> cas = new ArrayList<>();
        for (JsonNode ca : root.path("certificateAuthorities")) {
            List<X509Certificate> chain = new ArrayList<>();
            for (JsonNode c : ca.path("certChain").path("certificates")) {
                chain.add(certificate(Base64.getDecoder().decode(c.path("rawBytes").asText()), source));
            }
            if (!chain.isEmpty()) {
                cas.add(new Authority(ca.path("uri").asText(""), chain, instant(ca.path("validFor").path("start"), Instant.EPOCH),
                        instant(ca.path("validFor").path("end"), null)));
            }
        }
        List<Log> tlogs = logs(root.path("tlogs"), source);
        List<Log> ctlogs = logs(root.path("ctlogs"), source);
        if (cas.isEmpty() || tlogs.isEmpty()) {
            throw new VerificationException(source + " names no certificate authority or no transparency log");
        }
        return new TrustedRoot(cas, tlogs, ctlogs, source);
    }

    private static List<Log> logs(JsonNode array, String source) throws VerificationException {
        List<Log> out = new ArrayList<>();
        for (JsonNode l : array) {
            JsonNode pk = l.path("publicKey");
            byte[] der = Base64.getDecoder().decode(pk.path("rawBytes").asText(""));
            PublicKey key = publicKey(der, pk.path("keyDetails").asText(""));
            if (key == null) {
                continue; // a key type this JVM cannot use: that log's entries simply do not verify
            }
            byte[] id = Base64.getDecoder().decode(l.path("logId").path("keyId").asText(""));
            if (id.length == 0) {
                id = Merkle.sha256().digest(der);
            }
            out.add(new Log(l.path("baseUrl").asText(""), id, key, instant(pk.path("validFor").path("start"), Instant.EPOCH),
                    instant(pk.path("validFor").path("end"), null)));
        }
        return out;
    }

    /** Finds a log by id. */
    static Log find(List<Log> logs, byte[] logId) {
        for (Log l : logs) {
            if (Arrays.equals(l.logId(), logId)) {
                return l;
            }
        }
        return null;
    }

    static PublicKey publicKey(byte[] spki, String details) {
        List<String> algorithms = details.contains("ED25519") ? List.of("Ed25519")
                : details.contains("RSA") ? List.of("RSA") : List.of("EC", "Ed25519", "RSA");
        for (String a : algorithms) {
            try {
                return KeyFactory.getInstance(a).generatePublic(new X509EncodedKeySpec(spki));
            } catch (GeneralSecurityException e) {
                // try the next
            }
        }
        return null;
    }

    static X509Certificate certificate(byte[] der, String source) throws VerificationException {
        try {
            return (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(new ByteArrayInputStream(der));
        } catch (GeneralSecurityException | RuntimeException e) {
            throw new VerificationException(source + " holds a certificate that cannot be read");
        }
    }

    private static Instant instant(JsonNode n, Instant otherwise) {
        if (n.isMissingNode() || n.isNull() || n.asText("").isEmpty()) {
            return otherwise;
        }
        return Instant.parse(n.asText());
    }
}
