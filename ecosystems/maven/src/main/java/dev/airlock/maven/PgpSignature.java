package dev.airlock.maven;

import org.bouncycastle.bcpg.ArmoredInputStream;
import org.bouncycastle.bcpg.BCPGInputStream;
import org.bouncycastle.bcpg.HashAlgorithmTags;
import org.bouncycastle.bcpg.KeyIdentifier;
import org.bouncycastle.bcpg.SignatureSubpacketTags;
import org.bouncycastle.bcpg.sig.IssuerFingerprint;
import org.bouncycastle.openpgp.PGPCompressedData;
import org.bouncycastle.openpgp.PGPEncryptedDataList;
import org.bouncycastle.openpgp.PGPException;
import org.bouncycastle.openpgp.PGPLiteralData;
import org.bouncycastle.openpgp.PGPMarker;
import org.bouncycastle.openpgp.PGPOnePassSignatureList;
import org.bouncycastle.openpgp.PGPPublicKeyRing;
import org.bouncycastle.openpgp.PGPSecretKeyRing;
import org.bouncycastle.openpgp.PGPSignature;
import org.bouncycastle.openpgp.PGPSignatureList;
import org.bouncycastle.openpgp.PGPSignatureSubpacketVector;
import org.bouncycastle.openpgp.PGPUtil;
import org.bouncycastle.openpgp.bc.BcPGPObjectFactory;
import org.bouncycastle.openpgp.operator.bc.BcPGPContentVerifierBuilderProvider;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * OpenPGP detached signatures as Maven repositories publish them ({@code foo-1.0.jar.asc}), and
 * their verification against the operator's {@link PgpKeyring}.
 *
 * <p>{@link #parse} reads an {@code .asc} (armored or binary) strictly and with hard bounds: the
 * file is at most {@value #MAX_ASC_BYTES} bytes and holds exactly one signature over binary or
 * text data. Anything else is {@link Malformed}, with a sentence saying what was found; no
 * exception escapes, since the input comes from an upstream we do not trust.
 * {@link Detached#verify} streams the artifact through the signature's hash, so a large jar is
 * never held in memory, and answers with a {@link Result}. Every reason is a sentence meant for
 * a security reviewer: it appears in the 403 body and in the quarantine queue.
 *
 * <p>Exceptions: only {@link IOException}, and only when reading the {@code .asc} or the artifact
 * itself fails.
 *
 * <p>It stays one class (over 400 lines) because it is one closed vocabulary: the sealed
 * {@link Parsed} and {@link Result} hierarchies permit exactly the records nested here, which
 * callers name as {@code PgpSignature.Verified} and so on, and a {@link Detached} can only come
 * from {@link #parse}, whose checks (one signature, understood critical subpackets, a stated
 * issuer and date) are what {@link Detached#verify} relies on without repeating them.
 */
public final class PgpSignature {

    /** Detached signatures are a few hundred bytes; anything near this bound is not one. */
    public static final int MAX_ASC_BYTES = 64 * 1024;

    /**
     * Maven's gpg plugin writes one signature per file. More than one is refused rather than
     * half-checked: which signer would the policy pin, and what if only one of them verifies?
     */
    private static final int MAX_SIGNATURES = 1;

    /**
     * Hashes a signature is verified over. Which of them are acceptable, and at what date, is the
     * policy's to say (SHA-1 collisions can be computed, second preimages cannot: see
     * {@code policy.sha1SignaturesUntil}); {@link Verified#hashAlgorithm()} names the one used.
     */
    private static final Set<Integer> KNOWN_HASHES = Set.of(HashAlgorithmTags.MD5, HashAlgorithmTags.SHA1, HashAlgorithmTags.RIPEMD160,
            HashAlgorithmTags.SHA224, HashAlgorithmTags.SHA256, HashAlgorithmTags.SHA384, HashAlgorithmTags.SHA512,
            HashAlgorithmTags.SHA3_256, HashAlgorithmTags.SHA3_512);

    /**
     * Critical subpackets this verifier understands. RFC 4880 §5.2.3.1: a signature with a critical
     * subpacket the implementation does not know must be treated as invalid.
     */
    private static final Set<Integer> UNDERSTOOD_CRITICAL = Set.of(SignatureSubpacketTags.CREATION_TIME,
            SignatureSubpacketTags.EXPIRE_TIME, SignatureSubpacketTags.ISSUER_KEY_ID, SignatureSubpacketTags.ISSUER_FINGERPRINT);

    private PgpSignature() {
    }

    /** What {@link #parse} found: a signature to verify, or why there is none. */
    public sealed interface Parsed permits Detached, Malformed {
    }

    /** What {@link Detached#verify} concluded. {@link #summary()} is the sentence to show. */
    public sealed interface Result permits Verified, Bad, UnknownKey, Malformed {
        String summary();
    }

    /**
     * A trusted key made the signature and it covers exactly the bytes read.
     *
     * @param keyId              the signing (sub)key's id, 16 upper-case hex digits
     * @param primaryFingerprint the fingerprint of that key's primary key, upper-case hex
     * @param userIds            the primary key's self-certified user IDs
     * @param createdAt          when the signature says it was made (the signer's claim)
     * @param hashAlgorithm      the hash it was made over, as in "SHA-512"
     */
    public record Verified(String keyId, String primaryFingerprint, List<String> userIds, Instant createdAt, String hashAlgorithm)
            implements Result {
        public Verified {
            userIds = List.copyOf(userIds);
        }

        @Override
        public String summary() {
            return "the .asc signature by key " + keyId + " (" + primaryFingerprint
                    + (userIds.isEmpty() ? "" : ", " + userIds.get(0)) + ") verifies over these bytes";
        }
    }

    /**
     * The signature must not be accepted: it does not verify, or its key is known but not trusted
     * or was not valid when it signed. A bad signature is never a reason to fall back to
     * trust-on-first-use.
     */
    public record Bad(String keyId, String reason) implements Result {
        @Override
        public String summary() {
            return reason;
        }
    }

    /**
     * The signing key is not in the keyring, so the signature cannot be checked (the policy may fall
     * back to trust-on-first-use of the key id).
     *
     * @param fingerprint the issuer fingerprint the signature names, upper-case hex; null when it names
     *                    only a key id (signatures made by Bouncy Castle, older GnuPG)
     * @param createdAt   when the signature says it was made (unchecked: nothing vouches for it)
     */
    public record UnknownKey(String keyId, String fingerprint, Instant createdAt) implements Result {
        @Override
        public String summary() {
            return "the .asc signature is by key " + keyId + (fingerprint == null ? "" : " (fingerprint " + fingerprint + ")")
                    + ", which is not in the OpenPGP keyring, so it cannot be checked";
        }
    }

    /** The {@code .asc} is not one OpenPGP signature over a file. */
    public record Malformed(String reason) implements Parsed, Result {
        @Override
        public String summary() {
            return reason;
        }
    }

    /** Parses, then verifies over {@code artifact}: the one call the policy needs. */
    public static Result verify(byte[] asc, PgpKeyring keyring, InputStream artifact) throws IOException {
        Parsed parsed = parse(asc);
        return parsed instanceof Detached d ? d.verify(keyring, artifact) : (Malformed) parsed;
    }

    /** Reads at most {@value #MAX_ASC_BYTES} + 1 bytes from {@code asc}, then parses them. */
    public static Parsed parse(InputStream asc) throws IOException {
        return parse(asc.readNBytes(MAX_ASC_BYTES + 1));
    }

    public static Parsed parse(Path asc) throws IOException {
        try (InputStream in = Files.newInputStream(asc)) {
            return parse(in);
        }
    }

    /** Parses a detached signature, armored or binary; never throws. */
    public static Parsed parse(byte[] asc) {
        if (asc.length == 0) {
            return new Malformed("the .asc file is empty");
        }
        if (asc.length > MAX_ASC_BYTES) {
            return new Malformed("the .asc file is larger than " + MAX_ASC_BYTES / 1024
                    + " KiB; a detached OpenPGP signature is a few hundred bytes");
        }
        try {
            return decode(asc);
        } catch (IOException | PGPException | RuntimeException e) {
            // Bouncy Castle reports damaged packets with assorted runtime exceptions; all mean the same here.
            return new Malformed("the .asc file is not a readable OpenPGP signature (" + PgpKeyring.printable(e.getMessage()) + ")");
        }
    }

    private static Parsed decode(byte[] asc) throws IOException, PGPException {
        InputStream in = PGPUtil.getDecoderStream(new ByteArrayInputStream(asc));
        if (in instanceof ArmoredInputStream armored) {
            String header = armored.getArmorHeaderLine();
            if (header == null) {
                return new Malformed("the .asc file is neither an armored OpenPGP block nor binary OpenPGP data");
            }
            if (!header.equals("-----BEGIN PGP SIGNATURE-----")) {
                return new Malformed("the .asc file is an armored \"" + PgpKeyring.printable(header)
                        + "\" block, not a PGP SIGNATURE");
            }
        }
        List<PGPSignature> signatures = new ArrayList<>();
        Malformed other = collect(new BcPGPObjectFactory(in), signatures, true);
        if (other != null) {
            return other;
        }
        if (signatures.isEmpty()) {
            return new Malformed("the .asc file contains no signature");
        }
        if (signatures.size() > MAX_SIGNATURES) {
            return new Malformed("the .asc file contains more than one signature; Airlock accepts exactly one,"
                    + " so that one key answers for the artifact");
        }
        return Detached.of(signatures.get(0));
    }

    /** Adds the signatures found to {@code into}; returns why the data is not a detached signature, or null. */
    private static Malformed collect(BcPGPObjectFactory factory, List<PGPSignature> into, boolean outermost)
            throws IOException, PGPException {
        Object o;
        while ((o = factory.nextObject()) != null) {
            if (o instanceof PGPSignatureList list) {
                for (PGPSignature s : list) {
                    if (into.size() > MAX_SIGNATURES) {
                        break;
                    }
                    into.add(s);
                }
            } else if (o instanceof PGPCompressedData compressed && outermost) {
                // Old tools compressed even detached signatures; bound the inflated size like the file itself.
                byte[] inflated = compressed.getDataStream().readNBytes(MAX_ASC_BYTES + 1);
                if (inflated.length > MAX_ASC_BYTES) {
                    return new Malformed("the .asc file inflates to more than " + MAX_ASC_BYTES / 1024 + " KiB");
                }
                Malformed inner = collect(new BcPGPObjectFactory(inflated), into, false);
                if (inner != null) {
                    return inner;
                }
            } else if (!(o instanceof PGPMarker)) {
                return new Malformed("the .asc file contains " + describe(o) + ", not a detached signature");
            }
        }
        return null;
    }

    private static String describe(Object o) {
        if (o instanceof PGPPublicKeyRing) {
            return "an OpenPGP public key";
        } else if (o instanceof PGPSecretKeyRing) {
            return "an OpenPGP secret key";
        } else if (o instanceof PGPLiteralData || o instanceof PGPOnePassSignatureList) {
            return "a signed message with its content (an inline signature)";
        } else if (o instanceof PGPEncryptedDataList) {
            return "an encrypted message";
        } else if (o instanceof PGPCompressedData) {
            return "compressed data nested in compressed data";
        }
        return "an OpenPGP " + o.getClass().getSimpleName() + " packet";
    }

    /**
     * One parsed detached signature. Immutable: the signature packet is kept encoded and decoded
     * afresh for each {@link #verify}, because Bouncy Castle's signature object carries the hash
     * state of whoever is verifying with it.
     */
    public static final class Detached implements Parsed {
        private final byte[] encoded;
        private final long keyId;
        private final String issuerFingerprint;
        private final Instant createdAt;
        private final Optional<Instant> expiresAt;
        private final int hashAlgorithm;

        private Detached(byte[] encoded, long keyId, String issuerFingerprint, Instant createdAt,
                         Optional<Instant> expiresAt, int hashAlgorithm) {
            this.encoded = encoded;
            this.keyId = keyId;
            this.issuerFingerprint = issuerFingerprint;
            this.createdAt = createdAt;
            this.expiresAt = expiresAt;
            this.hashAlgorithm = hashAlgorithm;
        }

        private static Parsed of(PGPSignature s) throws IOException {
            int type = s.getSignatureType();
            if (type != PGPSignature.BINARY_DOCUMENT
                    && type != PGPSignature.CANONICAL_TEXT_DOCUMENT) {
                return new Malformed(String.format("the .asc file holds an OpenPGP signature of type 0x%02X"
                        + " (a key certification or revocation), not a signature over a file", type));
            }
            PGPSignatureSubpacketVector hashed = s.getHashedSubPackets();
            if (hashed != null) {
                for (int tag : hashed.getCriticalTags()) {
                    if (!UNDERSTOOD_CRITICAL.contains(tag)) {
                        return new Malformed("the .asc signature carries a critical subpacket of type " + tag
                                + " that Airlock does not understand; OpenPGP requires treating such a signature as invalid");
                    }
                }
            }
            if (s.getCreationTime() == null || (hashed != null && hashed.getSignatureCreationTime() == null)) {
                return new Malformed("the .asc signature does not state, under the signature, when it was made");
            }
            byte[] fingerprint = issuerFingerprint(s);
            long keyId = s.getKeyID();
            if (fingerprint != null) {
                long fromFingerprint = new KeyIdentifier(fingerprint).getKeyId();
                if (keyId != 0 && keyId != fromFingerprint) {
                    return new Malformed("the .asc signature names issuer key " + PgpKeyring.keyIdHex(keyId)
                            + " and an issuer fingerprint " + PgpKeyring.hex(fingerprint) + " that belongs to another key id");
                }
                keyId = fromFingerprint;
            }
            if (keyId == 0) {
                return new Malformed("the .asc signature does not name the key that made it");
            }
            Instant created = s.getCreationTime().toInstant();
            long validSeconds = hashed == null ? 0 : hashed.getSignatureExpirationTime();
            return new Detached(s.getEncoded(), keyId, fingerprint == null ? null : PgpKeyring.hex(fingerprint), created,
                    validSeconds > 0 ? Optional.of(created.plusSeconds(validSeconds)) : Optional.empty(), s.getHashAlgorithm());
        }

        private static byte[] issuerFingerprint(PGPSignature s) {
            for (PGPSignatureSubpacketVector area : Arrays.asList(s.getHashedSubPackets(), s.getUnhashedSubPackets())) {
                IssuerFingerprint ifp = area == null ? null : area.getIssuerFingerprint();
                if (ifp != null) {
                    return ifp.getFingerprint();
                }
            }
            return null;
        }

        /** The id of the key that made the signature, 16 upper-case hex digits (for subkey signatures, the subkey's). */
        public String keyId() {
            return PgpKeyring.keyIdHex(keyId);
        }

        /** The issuer-fingerprint subpacket, upper-case hex, if the signature has one (Bouncy Castle's signatures do not). */
        public Optional<String> issuerFingerprint() {
            return Optional.ofNullable(issuerFingerprint);
        }

        /** When the signature says it was made: the signer's claim, not a timestamp anyone vouches for. */
        public Instant createdAt() {
            return createdAt;
        }

        /** The hash the signature was made over, as in "SHA-512". */
        public String hashAlgorithm() {
            return hashName(hashAlgorithm);
        }

        public Result verify(PgpKeyring keyring, InputStream artifact) throws IOException {
            return verify(keyring, artifact, Clock.systemUTC());
        }

        public Result verify(PgpKeyring keyring, Path artifact) throws IOException {
            try (InputStream in = Files.newInputStream(artifact)) {
                return verify(keyring, in, Clock.systemUTC());
            }
        }

        /**
         * Verifies the signature over every byte {@code artifact} yields (read to its end, not
         * closed). The clock only decides whether the signature itself has expired; key expiry is
         * compared with the signature's own date, so releases signed before their key expired stay good.
         */
        public Result verify(PgpKeyring keyring, InputStream artifact, Clock clock) throws IOException {
            String id = keyId();
            String by = "the .asc signature by key " + id;
            Optional<PgpKeyring.Entry> found = keyring.entry(keyId);
            // A signature by a key nobody can check proves nothing, whatever hash it names: the
            // hash matters only once a trusted key has verified it.
            if (found.isEmpty()) {
                return new UnknownKey(id, issuerFingerprint, createdAt);
            }
            if (!KNOWN_HASHES.contains(hashAlgorithm)) {
                return new Bad(id, by + " uses " + hashName(hashAlgorithm) + ", which Airlock cannot check");
            }
            PgpKeyring.Key key = found.get().key();
            if (issuerFingerprint != null && !issuerFingerprint.equals(key.fingerprint())) {
                return new Bad(id, by + " names fingerprint " + issuerFingerprint + ", but the keyring's key " + id
                        + " has fingerprint " + key.fingerprint() + "; two keys sharing an id is a sign that one was made to collide");
            }

            PGPSignature s;
            try {
                s = new PGPSignature(new BCPGInputStream(new ByteArrayInputStream(encoded)));
                s.init(new BcPGPContentVerifierBuilderProvider(), found.get().publicKey());
            } catch (PGPException | RuntimeException e) {
                return new Bad(id, by + " cannot be checked with that key (" + PgpKeyring.printable(e.getMessage()) + ")");
            }
            byte[] buffer = new byte[64 * 1024];
            for (int n; (n = artifact.read(buffer)) != -1; ) {
                s.update(buffer, 0, n);
            }
            boolean valid;
            try {
                valid = s.verify();
            } catch (PGPException | RuntimeException e) {
                valid = false;
            }
            if (!valid) {
                return new Bad(id, by + " does not verify over these bytes");
            }

            // The signature is genuine; now whether its key could still make it.
            if (key.notTrustedBecause().isPresent()) {
                return new Bad(id, by + " is genuine, but " + key.notTrustedBecause().get());
            }
            if (createdAt.isBefore(key.createdAt())) {
                return new Bad(id, by + " says it was made on " + createdAt + ", before the key was created on "
                        + key.createdAt() + "; a clock that wrong, or a forged date, is not trusted");
            }
            if (key.expiresAt().isPresent() && createdAt.isAfter(key.expiresAt().get())) {
                return new Bad(id, by + " was made on " + createdAt + ", after the key expired on " + key.expiresAt().get());
            }
            if (expiresAt.isPresent() && clock.instant().isAfter(expiresAt.get())) {
                return new Bad(id, by + " expired on " + expiresAt.get() + ", as the signer chose when making it");
            }
            return new Verified(id, key.primaryFingerprint(), key.userIds(), createdAt, hashName(hashAlgorithm));
        }

        @Override
        public String toString() {
            return "PgpSignature.Detached[keyId=" + keyId() + ", issuerFingerprint=" + issuerFingerprint
                    + ", createdAt=" + createdAt + ", hash=" + hashAlgorithm() + "]";
        }
    }

    private static String hashName(int algorithm) {
        return switch (algorithm) {
            case HashAlgorithmTags.MD5 -> "MD5";
            case HashAlgorithmTags.SHA1 -> "SHA-1";
            case HashAlgorithmTags.RIPEMD160 -> "RIPEMD-160";
            case HashAlgorithmTags.SHA224 -> "SHA-224";
            case HashAlgorithmTags.SHA256 -> "SHA-256";
            case HashAlgorithmTags.SHA384 -> "SHA-384";
            case HashAlgorithmTags.SHA512 -> "SHA-512";
            case HashAlgorithmTags.SHA3_256 -> "SHA3-256";
            case HashAlgorithmTags.SHA3_512 -> "SHA3-512";
            default -> "hash algorithm " + algorithm;
        };
    }
}
