package dev.airlock.core.trust;

import org.bouncycastle.asn1.ASN1Encodable;
import org.bouncycastle.asn1.ASN1EncodableVector;
import org.bouncycastle.asn1.ASN1Encoding;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.ASN1OctetString;
import org.bouncycastle.asn1.ASN1Sequence;
import org.bouncycastle.asn1.ASN1TaggedObject;
import org.bouncycastle.asn1.DEROctetString;
import org.bouncycastle.asn1.DERSequence;
import org.bouncycastle.asn1.DERTaggedObject;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.security.GeneralSecurityException;
import java.security.Signature;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.List;

/**
 * Checks the signed certificate timestamps (RFC 6962) a Fulcio certificate carries: a
 * certificate-transparency log promised to publish it, so a CA that issued it quietly would be
 * caught. A leaf passes when at least one SCT from a log in the trusted root verifies over the
 * precertificate (the leaf without its SCT extension) as issued by the leaf's issuer.
 */
final class EmbeddedScts {

    static final String OID = "1.3.6.1.4.1.11129.2.4.2";

    private EmbeddedScts() {
    }

    static void verify(X509Certificate leaf, X509Certificate issuer, List<TrustedRoot.Log> ctlogs) throws VerificationException {
        byte[] raw = leaf.getExtensionValue(OID);
        if (raw == null) {
            throw new VerificationException("the signing certificate carries no certificate-transparency timestamp");
        }
        byte[] precert;
        ByteBuffer list;
        try {
            list = ByteBuffer.wrap(ASN1OctetString.getInstance(DEROctetString.getInstance(raw).getOctets()).getOctets());
            precert = precertificate(leaf.getTBSCertificate());
        } catch (IOException | GeneralSecurityException | RuntimeException e) {
            throw new VerificationException("the signing certificate's transparency timestamps cannot be read");
        }
        byte[] issuerKeyHash = Merkle.sha256().digest(issuer.getPublicKey().getEncoded());
        String failure = "none of the signing certificate's transparency timestamps is from a log in the trusted root";
        try {
            int total = u16(list);
            int end = list.position() + total;
            while (list.position() < end) {
                int len = u16(list);
                ByteBuffer sct = list.slice().limit(len);
                list.position(list.position() + len);
                int version = sct.get() & 0xff;
                byte[] logId = new byte[32];
                sct.get(logId);
                long timestamp = sct.getLong();
                byte[] extensions = new byte[u16(sct)];
                sct.get(extensions);
                sct.get(); // hash algorithm (SHA-256 for every log Sigstore runs)
                sct.get(); // signature algorithm: the log key says which
                byte[] signature = new byte[u16(sct)];
                sct.get(signature);
                if (version != 0) {
                    continue;
                }
                TrustedRoot.Log log = TrustedRoot.find(ctlogs, logId);
                if (log == null) {
                    continue;
                }
                if (!log.validAt(Instant.ofEpochMilli(timestamp))) {
                    failure = "the signing certificate's transparency timestamp is from a log outside its validity";
                    continue;
                }
                ByteArrayOutputStream signed = new ByteArrayOutputStream();
                signed.write(0); // v1
                signed.write(0); // certificate_timestamp
                signed.writeBytes(ByteBuffer.allocate(8).putLong(timestamp).array());
                signed.write(0);
                signed.write(1); // precert_entry
                signed.writeBytes(issuerKeyHash);
                signed.write((precert.length >>> 16) & 0xff);
                signed.write((precert.length >>> 8) & 0xff);
                signed.write(precert.length & 0xff);
                signed.writeBytes(precert);
                signed.write((extensions.length >>> 8) & 0xff);
                signed.write(extensions.length & 0xff);
                signed.writeBytes(extensions);
                if (SigstoreVerifier.verifies(log.key(), signed.toByteArray(), signature)) {
                    return;
                }
                failure = "the signing certificate's transparency timestamp does not verify";
            }
        } catch (RuntimeException e) {
            throw new VerificationException("the signing certificate's transparency timestamps are malformed");
        }
        throw new VerificationException(failure);
    }

    private static int u16(ByteBuffer b) {
        return b.getShort() & 0xffff;
    }

    /** The leaf's TBSCertificate without the SCT extension: what the log signed before the SCT existed. */
    static byte[] precertificate(byte[] tbs) throws IOException {
        ASN1Sequence seq = ASN1Sequence.getInstance(tbs);
        ASN1EncodableVector out = new ASN1EncodableVector();
        for (ASN1Encodable e : seq) {
            if (e instanceof ASN1TaggedObject t && t.getTagNo() == 3) {
                ASN1EncodableVector kept = new ASN1EncodableVector();
                for (ASN1Encodable ext : ASN1Sequence.getInstance(t.getExplicitBaseObject())) {
                    ASN1Sequence x = ASN1Sequence.getInstance(ext);
                    if (!ASN1ObjectIdentifier.getInstance(x.getObjectAt(0)).getId().equals(OID)) {
                        kept.add(x);
                    }
                }
                out.add(new DERTaggedObject(true, 3, new DERSequence(kept)));
            } else {
                out.add(e);
            }
        }
        return new DERSequence(out).getEncoded(ASN1Encoding.DER);
    }
}
