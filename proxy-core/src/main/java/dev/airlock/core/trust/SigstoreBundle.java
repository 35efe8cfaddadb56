package dev.airlock.core.trust;

import com.fasterxml.jackson.databind.JsonNode;

import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

/**
 * A Sigstore bundle (media types {@code application/vnd.dev.sigstore.bundle+json;version=0.1},
 * {@code 0.2}, {@code 0.3} and {@code application/vnd.dev.sigstore.bundle.v0.3+json}), read
 * strictly: nothing in it is believed until {@link SigstoreVerifier} has checked it.
 *
 * @param mediaType    as the bundle states it
 * @param minor        the format's minor version (1, 2 or 3): v0.1 bundles may prove log inclusion
 *                     with a signed promise alone, later ones must carry an inclusion proof
 * @param certificates the signing certificate first (v0.1/0.2 chains may add the CA's); empty
 *                     when the bundle is signed by a plain key
 * @param keyHint      which plain key signed it (npm's registry key id), or null
 * @param entries      the transparency log entries
 * @param content      what was signed
 */
public record SigstoreBundle(String mediaType, int minor, List<X509Certificate> certificates, String keyHint,
                             List<TlogEntry> entries, Content content) {

    /** What a bundle signs. */
    public sealed interface Content permits Dsse, MessageSignature {
    }

    /** A DSSE envelope (in-toto statements). */
    public record Dsse(String payloadType, byte[] payload, List<DsseSignature> signatures) implements Content {
    }

    public record DsseSignature(String keyid, byte[] sig) {
    }

    /** A signature over an artifact's digest (Maven's {@code .sigstore.json}). */
    public record MessageSignature(String algorithm, byte[] digest, byte[] signature) implements Content {
    }

    /**
     * One transparency log entry.
     *
     * @param logIndex          the entry's global index (what the signed promise names)
     * @param logId             SHA-256 of the log's key
     * @param integratedTime    when the log recorded it (epoch seconds); 0 when not stated
     * @param signedPromise     the log's signed entry timestamp, or null
     * @param proof             the inclusion proof, or null
     * @param canonicalizedBody the entry as the log hashed it
     */
    public record TlogEntry(long logIndex, byte[] logId, String kind, String kindVersion, long integratedTime,
                            byte[] signedPromise, InclusionProof proof, byte[] canonicalizedBody) {
    }

    /** @param logIndex the entry's index in the log shard the checkpoint covers */
    public record InclusionProof(long logIndex, byte[] rootHash, long treeSize, List<byte[]> hashes, String checkpoint) {
    }

    /** Entries beyond this are not read: a bundle has one or two; thousands would be an attack on the verifier. */
    private static final int MAX_ENTRIES = 8;

    /** Reads a bundle; a bundle that is not one is a {@link VerificationException} naming what is missing. */
    public static SigstoreBundle parse(JsonNode b) throws VerificationException {
        if (b == null || !b.isObject()) {
            throw new VerificationException("the bundle is not a JSON object");
        }
        String mediaType = b.path("mediaType").asText("");
        int minor;
        if (mediaType.equals("application/vnd.dev.sigstore.bundle.v0.3+json") || mediaType.endsWith("+json;version=0.3")) {
            minor = 3;
        } else if (mediaType.endsWith("+json;version=0.2")) {
            minor = 2;
        } else if (mediaType.endsWith("+json;version=0.1")) {
            minor = 1;
        } else {
            throw new VerificationException("the bundle's media type " + (mediaType.isEmpty() ? "is missing" : mediaType + " is not one Airlock reads"));
        }
        try {
            JsonNode vm = b.path("verificationMaterial");
            List<X509Certificate> certs = new ArrayList<>();
            if (vm.has("certificate")) {
                certs.add(TrustedRoot.certificate(bytes(vm.path("certificate").path("rawBytes"), "certificate"), "the bundle"));
            } else if (vm.has("x509CertificateChain")) {
                for (JsonNode c : vm.path("x509CertificateChain").path("certificates")) {
                    certs.add(TrustedRoot.certificate(bytes(c.path("rawBytes"), "certificate"), "the bundle"));
                }
            }
            String hint = vm.path("publicKey").path("hint").asText(null);
            if (certs.isEmpty() && hint == null) {
                throw new VerificationException("the bundle names neither a certificate nor a key");
            }
            List<TlogEntry> entries = new ArrayList<>();
            for (JsonNode e : vm.path("tlogEntries")) {
                if (entries.size() == MAX_ENTRIES) {
                    break;
                }
                entries.add(entry(e));
            }
            Content content;
            if (b.has("dsseEnvelope")) {
                JsonNode env = b.path("dsseEnvelope");
                List<DsseSignature> sigs = new ArrayList<>();
                for (JsonNode s : env.path("signatures")) {
                    sigs.add(new DsseSignature(s.path("keyid").asText(""), bytes(s.path("sig"), "DSSE signature")));
                }
                if (sigs.isEmpty()) {
                    throw new VerificationException("the bundle's DSSE envelope carries no signature");
                }
                content = new Dsse(text(env.path("payloadType"), "payloadType"), bytes(env.path("payload"), "DSSE payload"), List.copyOf(sigs));
            } else if (b.has("messageSignature")) {
                JsonNode m = b.path("messageSignature");
                content = new MessageSignature(m.path("messageDigest").path("algorithm").asText(""),
                        bytes(m.path("messageDigest").path("digest"), "message digest"), bytes(m.path("signature"), "message signature"));
            } else {
                throw new VerificationException("the bundle signs nothing (no DSSE envelope, no message signature)");
            }
            return new SigstoreBundle(mediaType, minor, List.copyOf(certs), hint, List.copyOf(entries), content);
        } catch (IllegalArgumentException e) {
            throw new VerificationException("the bundle is malformed: " + e.getMessage());
        }
    }

    private static TlogEntry entry(JsonNode e) throws VerificationException {
        JsonNode p = e.path("inclusionProof");
        InclusionProof proof = null;
        if (p.isObject()) {
            List<byte[]> hashes = new ArrayList<>();
            for (JsonNode h : p.path("hashes")) {
                hashes.add(bytes(h, "proof hash"));
            }
            proof = new InclusionProof(number(p.path("logIndex")), bytes(p.path("rootHash"), "root hash"), number(p.path("treeSize")),
                    List.copyOf(hashes), p.path("checkpoint").path("envelope").asText(null));
        }
        JsonNode promise = e.path("inclusionPromise").path("signedEntryTimestamp");
        return new TlogEntry(number(e.path("logIndex")), bytes(e.path("logId").path("keyId"), "log id"),
                e.path("kindVersion").path("kind").asText(""), e.path("kindVersion").path("version").asText(""),
                e.path("integratedTime").isMissingNode() ? 0 : number(e.path("integratedTime")),
                promise.isMissingNode() || promise.isNull() ? null : bytes(promise, "signed entry timestamp"), proof,
                bytes(e.path("canonicalizedBody"), "canonicalized body"));
    }

    private static byte[] bytes(JsonNode n, String what) throws VerificationException {
        if (!n.isTextual()) {
            throw new VerificationException("the bundle's " + what + " is missing");
        }
        try {
            return Base64.getDecoder().decode(n.asText());
        } catch (IllegalArgumentException e) {
            // Protobuf JSON may use the URL-safe alphabet.
            try {
                return Base64.getUrlDecoder().decode(n.asText());
            } catch (IllegalArgumentException e2) {
                throw new VerificationException("the bundle's " + what + " is not base64");
            }
        }
    }

    private static String text(JsonNode n, String what) throws VerificationException {
        if (!n.isTextual()) {
            throw new VerificationException("the bundle's " + what + " is missing");
        }
        return n.asText();
    }

    /** Protobuf JSON writes 64-bit numbers as strings. */
    private static long number(JsonNode n) throws VerificationException {
        try {
            if (n.isNumber()) {
                return n.asLong();
            }
            return Long.parseLong(n.asText());
        } catch (NumberFormatException e) {
            throw new VerificationException("the bundle holds a number that is not one: " + n.asText());
        }
    }
}
