package dev.airlock.maven;

import org.bouncycastle.bcpg.ArmoredInputStream;
import org.bouncycastle.openpgp.PGPMarker;
import org.bouncycastle.openpgp.PGPPublicKey;
import org.bouncycastle.openpgp.PGPPublicKeyRing;
import org.bouncycastle.openpgp.PGPSecretKeyRing;
import org.bouncycastle.openpgp.PGPSignature;
import org.bouncycastle.openpgp.PGPSignatureList;
import org.bouncycastle.openpgp.bc.BcPGPObjectFactory;

import java.io.BufferedInputStream;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * Reads the key rings in a keyring file of {@code gpg --export} output (armored blocks, one after
 * another, or binary), refusing anything that is not a public key (secret keys, loose signatures,
 * other armor blocks) with a sentence naming the file, and merging two copies of one key. What
 * the keys' signatures say is {@link PgpKeyJudge}'s to decide.
 */
final class PgpKeyFiles {

    private PgpKeyFiles() {
    }

    /** A keyring file that cannot be used; the message names the file. */
    static final class FileProblem extends IllegalArgumentException {
        FileProblem(String source, String problem, Throwable cause) {
            super("the OpenPGP keyring file " + source + " " + problem, cause);
        }
    }

    /** A primary key's ring and the file it (first) came from. */
    record Ring(PGPPublicKeyRing ring, String source) {
    }

    static void readInto(String source, byte[] bytes, Map<String, Ring> rings) {
        if (bytes.length > PgpKeyring.MAX_FILE_BYTES) {
            throw new FileProblem(source, "is larger than " + PgpKeyring.MAX_FILE_BYTES / (1024 * 1024)
                    + " MiB; export only the release keys you trust", null);
        }
        List<PGPPublicKeyRing> found = new ArrayList<>();
        try {
            InputStream in = new BufferedInputStream(new ByteArrayInputStream(bytes));
            if (isBinary(bytes)) {
                readObjects(source, new BcPGPObjectFactory(in), found);
            } else {
                // Operators concatenate exports (cat a.asc b.asc > keys.asc): read armor block after armor block.
                while (skipWhitespace(in)) {
                    ArmoredInputStream armored = new ArmoredInputStream(in);
                    String header = armored.getArmorHeaderLine();
                    if ("-----BEGIN PGP PRIVATE KEY BLOCK-----".equals(header)) {
                        throw secretKey(source);
                    }
                    if (header == null || !header.equals("-----BEGIN PGP PUBLIC KEY BLOCK-----")) {
                        throw new FileProblem(source, "contains "
                                + (header == null ? "text that is not an armored OpenPGP block" : "a block \"" + PgpKeyring.printable(header) + "\"")
                                + " where only PGP PUBLIC KEY BLOCKs (gpg --export --armor) are accepted", null);
                    }
                    readObjects(source, new BcPGPObjectFactory(armored), found);
                }
            }
        } catch (FileProblem e) {
            throw e;
        } catch (IOException | RuntimeException e) {
            // Bouncy Castle reports damaged packets with assorted runtime exceptions as well as IOException.
            throw new FileProblem(source, "is not readable OpenPGP key data: " + e.getMessage(), e);
        }
        if (found.isEmpty()) {
            throw new FileProblem(source, "contains no public key", null);
        }
        for (PGPPublicKeyRing ring : found) {
            String fingerprint = PgpKeyring.hex(ring.getPublicKey().getFingerprint());
            Ring earlier = rings.get(fingerprint);
            if (earlier == null) {
                rings.put(fingerprint, new Ring(ring, source));
            } else {
                // The same key twice (say, a fresh export beside an old one, or its revocation): keep what both say.
                rings.put(fingerprint, new Ring(merge(earlier.ring(), ring), earlier.source()));
            }
        }
    }

    /**
     * The union of two copies of one key: every subkey, user ID and signature either has. Not
     * {@code PGPPublicKeyRing.join}: in bcpg 1.86 it rebuilds Ed25519 (algorithm 27) signatures
     * without their signature bytes, and they no longer verify.
     */
    private static PGPPublicKeyRing merge(PGPPublicKeyRing into, PGPPublicKeyRing from) {
        for (PGPPublicKey theirs : from) {
            PGPPublicKey ours = into.getPublicKey(theirs.getFingerprint());
            if (ours == null) {
                into = PGPPublicKeyRing.insertPublicKey(into, theirs);
                continue;
            }
            for (PGPSignature s : PgpKeyring.each(theirs.getKeySignatures())) {
                if (!contains(ours.getKeySignatures(), s)) {
                    ours = PGPPublicKey.addCertification(ours, s);
                }
            }
            for (Iterator<byte[]> ids = theirs.getRawUserIDs(); ids.hasNext(); ) {
                byte[] id = ids.next();
                for (PGPSignature s : PgpKeyring.each(theirs.getSignaturesForID(id))) {
                    if (!contains(ours.getSignaturesForID(id), s)) {
                        ours = PGPPublicKey.addCertification(ours, id, s);
                    }
                }
            }
            into = PGPPublicKeyRing.insertPublicKey(into, ours);
        }
        return into;
    }

    private static boolean contains(Iterator<PGPSignature> signatures, PGPSignature wanted) {
        for (PGPSignature s : PgpKeyring.each(signatures)) {
            if (PGPSignature.isSignatureEncodingEqual(s, wanted)) {
                return true;
            }
        }
        return false;
    }

    private static void readObjects(String source, BcPGPObjectFactory factory, List<PGPPublicKeyRing> found) throws IOException {
        Object o;
        while ((o = factory.nextObject()) != null) {
            if (o instanceof PGPPublicKeyRing ring) {
                found.add(ring);
            } else if (o instanceof PGPSecretKeyRing) {
                throw secretKey(source);
            } else if (o instanceof PGPSignatureList) {
                throw new FileProblem(source, "contains a signature outside any key (a revocation certificate?);"
                        + " import it into the key with gpg and export the key again", null);
            } else if (!(o instanceof PGPMarker)) {
                throw new FileProblem(source, "contains " + o.getClass().getSimpleName() + " data, which is not a public key", null);
            }
        }
    }

    private static FileProblem secretKey(String source) {
        return new FileProblem(source, "contains a secret key; give Airlock only public keys (gpg --export --armor KEYID)", null);
    }

    private static boolean isBinary(byte[] bytes) {
        for (byte b : bytes) {
            if (!Character.isWhitespace(b & 0xff)) {
                return (b & 0x80) != 0;
            }
        }
        return false;
    }

    /** Skips whitespace; false at the end of the stream. */
    private static boolean skipWhitespace(InputStream in) throws IOException {
        while (true) {
            in.mark(1);
            int c = in.read();
            if (c < 0) {
                return false;
            }
            if (!Character.isWhitespace(c)) {
                in.reset();
                return true;
            }
        }
    }
}
