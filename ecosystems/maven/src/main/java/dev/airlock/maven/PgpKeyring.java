package dev.airlock.maven;

import org.bouncycastle.bcpg.ArmoredInputStream;
import org.bouncycastle.bcpg.SignatureSubpacketTags;
import org.bouncycastle.bcpg.sig.KeyFlags;
import org.bouncycastle.bcpg.sig.RevocationReason;
import org.bouncycastle.bcpg.sig.RevocationReasonTags;
import org.bouncycastle.openpgp.PGPException;
import org.bouncycastle.openpgp.PGPMarker;
import org.bouncycastle.openpgp.PGPPublicKey;
import org.bouncycastle.openpgp.PGPPublicKeyRing;
import org.bouncycastle.openpgp.PGPSecretKeyRing;
import org.bouncycastle.openpgp.PGPSignature;
import org.bouncycastle.openpgp.PGPSignatureList;
import org.bouncycastle.openpgp.PGPSignatureSubpacketVector;
import org.bouncycastle.openpgp.bc.BcPGPObjectFactory;
import org.bouncycastle.openpgp.operator.bc.BcPGPContentVerifierBuilderProvider;

import java.io.BufferedInputStream;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The OpenPGP public keys an operator trusts to sign Maven artifacts, read from files of
 * {@code gpg --export} output (armored or binary, one or more keys per file).
 *
 * <p>Keys are looked up by the 64-bit id a signature names, which may be the primary key's or a
 * signing subkey's; the answer always carries the primary key's fingerprint and user IDs, since
 * that is the identity a reviewer recognises. Nothing on a key is believed unless its primary key
 * signed it: user IDs need a valid self-certification, subkeys a valid binding signature (and a
 * signing subkey also the back-signature in which it claims the primary), expiry and key flags
 * are read from those verified signatures only.
 *
 * <p>Keys that must not be trusted (revoked, subkeys not properly bound, keys not flagged for
 * signing) stay in the keyring with {@link Key#notTrustedBecause()} set, so a signature by them is
 * refused with the reason instead of being reported as by an unknown key, which the policy would
 * answer with trust-on-first-use. Expiry is only reported here: a signature made before its key
 * expired is still good, so {@link PgpSignature} compares the two dates.
 *
 * <p>Immutable and safe to share between threads.
 */
public final class PgpKeyring {

    /** A keyring file larger than this is refused: real release keys are kilobytes, a few with many certifications are a megabyte. */
    public static final int MAX_FILE_BYTES = 16 * 1024 * 1024;

    /** No trusted keys: every signature is by an unknown key. */
    public static final PgpKeyring EMPTY = new PgpKeyring(Map.of());

    private static final HexFormat HEX = HexFormat.of().withUpperCase();

    private final Map<Long, Entry> byKeyId;

    private PgpKeyring(Map<Long, Entry> byKeyId) {
        this.byKeyId = Collections.unmodifiableMap(byKeyId);
    }

    /**
     * One key that can be named as a signature's issuer: a primary key or one of its subkeys.
     *
     * @param keyId              this key's id, 16 upper-case hex digits
     * @param fingerprint        this key's fingerprint, upper-case hex
     * @param primaryFingerprint the primary key's fingerprint (equal to {@code fingerprint} for a primary key)
     * @param userIds            the primary key's self-certified, unrevoked user IDs
     * @param createdAt          when this key was created
     * @param expiresAt          when this key stops being valid for new signatures: the earlier of its own
     *                           expiry and its primary key's; empty if it never expires
     * @param notTrustedBecause  why signatures by this key are refused (a clause such as "key X was revoked
     *                           by its owner on …"); empty when the key is trusted
     */
    public record Key(String keyId, String fingerprint, String primaryFingerprint, List<String> userIds,
                      Instant createdAt, Optional<Instant> expiresAt, Optional<String> notTrustedBecause) {
        public Key {
            userIds = List.copyOf(userIds);
        }

        public boolean isPrimary() {
            return fingerprint.equals(primaryFingerprint);
        }

        public boolean trusted() {
            return notTrustedBecause.isEmpty();
        }
    }

    /** A key together with the Bouncy Castle object that checks its signatures; for {@link PgpSignature} only. */
    record Entry(Key key, PGPPublicKey publicKey) {
    }

    /**
     * Reads the keys in {@code files}. A file that cannot be read, is too large, holds no public
     * key, holds anything else (a secret key, a loose signature), or two different keys that share a
     * key id, is an {@link IllegalArgumentException} whose message names the file.
     */
    public static PgpKeyring load(List<Path> files) {
        Map<String, Ring> rings = new LinkedHashMap<>();
        for (Path file : files) {
            String source = file.toString();
            byte[] bytes;
            try (InputStream in = Files.newInputStream(file)) {
                bytes = in.readNBytes(MAX_FILE_BYTES + 1);
            } catch (NoSuchFileException e) {
                throw new FileProblem(source, "does not exist", null);
            } catch (AccessDeniedException e) {
                throw new FileProblem(source, "cannot be read: permission denied", null);
            } catch (IOException e) {
                throw new FileProblem(source, "cannot be read: " + e, e);
            }
            readInto(source, bytes, rings);
        }
        return build(rings);
    }

    /** Reads the keys in {@code keys}, as {@link #load} does for one file; {@code source} names them in error messages. */
    public static PgpKeyring parse(String source, byte[] keys) {
        Map<String, Ring> rings = new LinkedHashMap<>();
        readInto(source, keys, rings);
        return build(rings);
    }

    /** The key with this id, trusted or not. */
    public Optional<Key> find(long keyId) {
        return Optional.ofNullable(byKeyId.get(keyId)).map(Entry::key);
    }

    /** The key with this id, given as 16 hex digits (either case, an optional {@code 0x}). */
    public Optional<Key> find(String keyId) {
        String hex = keyId.startsWith("0x") || keyId.startsWith("0X") ? keyId.substring(2) : keyId;
        if (hex.length() != 16 || !hex.chars().allMatch(c -> Character.digit(c, 16) >= 0)) {
            throw new IllegalArgumentException("an OpenPGP key id is 16 hex digits, not \"" + keyId + "\"");
        }
        return find(Long.parseUnsignedLong(hex, 16));
    }

    /** Every key, primary keys and subkeys, in key-id order. */
    public List<Key> keys() {
        return new TreeMap<>(byKeyId).values().stream().map(Entry::key).toList();
    }

    public boolean isEmpty() {
        return byKeyId.isEmpty();
    }

    Optional<Entry> entry(long keyId) {
        return Optional.ofNullable(byKeyId.get(keyId));
    }

    static String keyIdHex(long keyId) {
        return String.format(Locale.ROOT, "%016X", keyId);
    }

    static String hex(byte[] bytes) {
        return HEX.formatHex(bytes);
    }

    // ------------------------------------------------------------------ reading

    /** A keyring file that cannot be used; the message names the file. */
    private static final class FileProblem extends IllegalArgumentException {
        FileProblem(String source, String problem, Throwable cause) {
            super("the OpenPGP keyring file " + source + " " + problem, cause);
        }
    }

    /** A primary key's ring and the file it (first) came from. */
    private record Ring(PGPPublicKeyRing ring, String source) {
    }

    private static void readInto(String source, byte[] bytes, Map<String, Ring> rings) {
        if (bytes.length > MAX_FILE_BYTES) {
            throw new FileProblem(source, "is larger than " + MAX_FILE_BYTES / (1024 * 1024)
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
                                + (header == null ? "text that is not an armored OpenPGP block" : "a block \"" + printable(header) + "\"")
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
            String fingerprint = hex(ring.getPublicKey().getFingerprint());
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
            for (PGPSignature s : each(theirs.getKeySignatures())) {
                if (!contains(ours.getKeySignatures(), s)) {
                    ours = PGPPublicKey.addCertification(ours, s);
                }
            }
            for (Iterator<byte[]> ids = theirs.getRawUserIDs(); ids.hasNext(); ) {
                byte[] id = ids.next();
                for (PGPSignature s : each(theirs.getSignaturesForID(id))) {
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
        for (PGPSignature s : each(signatures)) {
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

    // ------------------------------------------------------------------ judging

    private static PgpKeyring build(Map<String, Ring> rings) {
        Map<Long, Entry> byKeyId = new LinkedHashMap<>();
        Map<Long, String> sourceOf = new LinkedHashMap<>();
        for (Ring r : rings.values()) {
            for (Entry e : judge(r.ring())) {
                long id = e.publicKey().getKeyID();
                Entry other = byKeyId.putIfAbsent(id, e);
                if (other != null) {
                    // Two different keys with one 64-bit id do not happen by chance; one of them was made to collide.
                    throw new IllegalArgumentException("the OpenPGP keyring files give key id " + keyIdHex(id) + " to two different keys: "
                            + other.key().fingerprint() + " (primary " + other.key().primaryFingerprint() + ", from " + sourceOf.get(id) + ") and "
                            + e.key().fingerprint() + " (primary " + e.key().primaryFingerprint() + ", from " + r.source()
                            + "); colliding key ids are made on purpose, so remove the key you did not mean to trust");
                }
                sourceOf.put(id, r.source());
            }
        }
        return new PgpKeyring(byKeyId);
    }

    /** The primary key and every subkey of one ring, each with what its primary key's verified signatures say about it. */
    private static List<Entry> judge(PGPPublicKeyRing ring) {
        PGPPublicKey primary = ring.getPublicKey();
        String primaryFingerprint = hex(primary.getFingerprint());
        String primaryId = keyIdHex(primary.getKeyID());

        List<String> userIds = new ArrayList<>();
        PGPSignature newestSelf = null;
        for (Iterator<byte[]> ids = primary.getRawUserIDs(); ids.hasNext(); ) {
            byte[] id = ids.next();
            PGPSignature newest = null;
            for (PGPSignature s : each(primary.getSignaturesForID(id))) {
                int type = s.getSignatureType();
                boolean relevant = PGPSignature.isCertification(type) || type == PGPSignature.CERTIFICATION_REVOCATION;
                if (relevant && issuedBy(s, primary) && newer(s, newest)
                        && verifies(s, primary, sig -> sig.verifyCertification(id, primary))) {
                    newest = s;
                }
            }
            // A user ID whose newest self-signature revokes it is no longer a name for this key.
            if (newest != null && newest.getSignatureType() != PGPSignature.CERTIFICATION_REVOCATION) {
                userIds.add(printable(new String(id, StandardCharsets.UTF_8)));
                newestSelf = newer(newest, newestSelf) ? newest : newestSelf;
            }
        }
        for (PGPSignature s : each(primary.getSignaturesOfType(PGPSignature.DIRECT_KEY))) {
            if (issuedBy(s, primary) && newer(s, newestSelf) && verifies(s, primary, sig -> sig.verifyCertification(primary))) {
                newestSelf = s;
            }
        }

        String primaryProblem = null;
        String revocation = revocation(primary, primary, PGPSignature.KEY_REVOCATION, s -> s.verifyCertification(primary));
        if (revocation != null) {
            primaryProblem = "key " + primaryId + " was revoked by its owner" + revocation;
        } else if (newestSelf == null) {
            // Expiry and usage live in self-signatures; a key stripped of them would look unexpiring and unrestricted.
            primaryProblem = "key " + primaryId + " carries no valid self-signature, so nothing about it (expiry, usage, user IDs) can be believed";
        }
        Optional<Instant> primaryExpiry = expiry(primary, newestSelf);

        List<Entry> entries = new ArrayList<>();
        String usage = primaryProblem == null && !canSign(newestSelf)
                ? "key " + primaryId + " is not flagged for signing data (its self-signature allows other uses only)" : null;
        entries.add(entry(primary, primaryFingerprint, userIds, primaryExpiry, primaryProblem != null ? primaryProblem : usage));

        for (PGPPublicKey sub : ring) {
            if (sub.isMasterKey()) {
                continue;
            }
            String subId = keyIdHex(sub.getKeyID());
            PGPSignature binding = null;
            for (PGPSignature s : each(sub.getSignaturesOfType(PGPSignature.SUBKEY_BINDING))) {
                if (issuedBy(s, primary) && newer(s, binding) && verifies(s, primary, sig -> sig.verifyCertification(primary, sub))) {
                    binding = s;
                }
            }
            String problem = primaryProblem;
            if (problem == null) {
                String subRevocation = revocation(sub, primary, PGPSignature.SUBKEY_REVOCATION, s -> s.verifyCertification(primary, sub));
                if (subRevocation != null) {
                    problem = "subkey " + subId + " was revoked by the owner of key " + primaryId + subRevocation;
                } else if (binding == null) {
                    problem = "subkey " + subId + " is not bound to key " + primaryId + " by a valid binding signature";
                } else if (!canSign(binding)) {
                    problem = "subkey " + subId + " of key " + primaryId + " is not flagged for signing data";
                } else if (!backSigned(binding, primary, sub)) {
                    // Without the subkey's own signature over the binding, anyone could bind someone else's
                    // signing subkey to their key and claim that person's signatures (GnuPG refuses the same).
                    problem = "signing subkey " + subId + " of key " + primaryId
                            + " has no valid back-signature, so its owner never claimed to belong to that key";
                }
            }
            Optional<Instant> own = expiry(sub, binding);
            Optional<Instant> effective = own.isEmpty() ? primaryExpiry
                    : primaryExpiry.isEmpty() ? own
                    : Optional.of(own.get().isBefore(primaryExpiry.get()) ? own.get() : primaryExpiry.get());
            entries.add(entry(sub, primaryFingerprint, userIds, effective, problem));
        }
        return entries;
    }

    private static Entry entry(PGPPublicKey key, String primaryFingerprint, List<String> userIds, Optional<Instant> expiresAt, String problem) {
        return new Entry(new Key(keyIdHex(key.getKeyID()), hex(key.getFingerprint()), primaryFingerprint, userIds,
                key.getCreationTime().toInstant(), expiresAt, Optional.ofNullable(problem)), key);
    }

    /**
     * A revocation of {@code key} of {@code type} that {@code primary} verifiably made, described as
     * a clause (" on 2025-01-02 (key compromised: …)"), or null.
     *
     * <p>Every revocation counts, whatever its reason. RFC 4880 lets a "superseded" or "retired"
     * revocation leave earlier signatures valid, but the date in a signature is the signer's own
     * claim: whoever holds a retired key can date new signatures before the retirement. A release
     * signed with a since-retired key must be re-signed, or its key id trusted on first use.
     * Revocations by designated revokers (another key) are not honoured: that key is not here to
     * check them with.
     */
    private static String revocation(PGPPublicKey key, PGPPublicKey primary, int type, Check check) {
        for (PGPSignature s : each(key.getSignaturesOfType(type))) {
            if (issuedBy(s, primary) && verifies(s, primary, check)) {
                StringBuilder clause = new StringBuilder();
                clause.append(" on ").append(createdAt(s).toString(), 0, 10);
                PGPSignatureSubpacketVector hashed = s.getHashedSubPackets();
                RevocationReason reason = hashed == null ? null : hashed.getRevocationReason();
                if (reason != null) {
                    String why = switch (reason.getRevocationReason()) {
                        case RevocationReasonTags.KEY_COMPROMISED -> "key compromised";
                        case RevocationReasonTags.KEY_SUPERSEDED -> "key superseded";
                        case RevocationReasonTags.KEY_RETIRED -> "key retired";
                        default -> "no reason code";
                    };
                    String text = printable(reason.getRevocationDescription());
                    clause.append(" (").append(why).append(text.isBlank() ? "" : ": \"" + text + "\"").append(')');
                }
                return clause.toString();
            }
        }
        return null;
    }

    /** A signing subkey's binding must embed a primary-key binding signature made by the subkey itself. */
    private static boolean backSigned(PGPSignature binding, PGPPublicKey primary, PGPPublicKey sub) {
        for (PGPSignatureSubpacketVector area : new PGPSignatureSubpacketVector[] {binding.getHashedSubPackets(), binding.getUnhashedSubPackets()}) {
            if (area == null) {
                continue;
            }
            PGPSignatureList embedded;
            try {
                embedded = area.getEmbeddedSignatures();
            } catch (PGPException | RuntimeException e) {
                continue;
            }
            for (PGPSignature back : embedded) {
                if (back.getSignatureType() == PGPSignature.PRIMARYKEY_BINDING
                        && verifies(back, sub, sig -> sig.verifyCertification(primary, sub))) {
                    return true;
                }
            }
        }
        return false;
    }

    /** Key flags are optional (old keys lack them); when present they must allow signing data. */
    private static boolean canSign(PGPSignature selfOrBinding) {
        PGPSignatureSubpacketVector hashed = selfOrBinding == null ? null : selfOrBinding.getHashedSubPackets();
        return hashed == null || !hashed.hasSubpacket(SignatureSubpacketTags.KEY_FLAGS)
                || (hashed.getKeyFlags() & KeyFlags.SIGN_DATA) != 0;
    }

    private static Optional<Instant> expiry(PGPPublicKey key, PGPSignature selfOrBinding) {
        PGPSignatureSubpacketVector hashed = selfOrBinding == null ? null : selfOrBinding.getHashedSubPackets();
        long seconds = hashed == null ? 0 : hashed.getKeyExpirationTime();
        return seconds <= 0 ? Optional.empty() : Optional.of(key.getCreationTime().toInstant().plusSeconds(seconds));
    }

    private static boolean issuedBy(PGPSignature s, PGPPublicKey key) {
        // A self-signature without any issuer subpacket is unusual but not forbidden; the check below decides.
        return s.getKeyIdentifiers().isEmpty() || s.hasKeyIdentifier(key.getKeyIdentifier());
    }

    private static boolean newer(PGPSignature candidate, PGPSignature current) {
        return current == null || createdAt(candidate).isAfter(createdAt(current));
    }

    private static Instant createdAt(PGPSignature s) {
        return s.getCreationTime() == null ? Instant.EPOCH : s.getCreationTime().toInstant();
    }

    @FunctionalInterface
    private interface Check {
        boolean verify(PGPSignature s) throws PGPException;
    }

    /** Whether {@code s} verifies under {@code signer}; a signature Bouncy Castle cannot process does not. */
    private static boolean verifies(PGPSignature s, PGPPublicKey signer, Check check) {
        try {
            s.init(new BcPGPContentVerifierBuilderProvider(), signer);
            return check.verify(s);
        } catch (PGPException | RuntimeException e) {
            return false;
        }
    }

    private static Iterable<PGPSignature> each(Iterator<PGPSignature> signatures) {
        return signatures == null ? List.of() : () -> signatures;
    }

    /** Text from a key (user IDs, revocation reasons) goes into 403 bodies and logs: no control characters, bounded. */
    static String printable(String text) {
        if (text == null) {
            return "";
        }
        String clean = text.codePoints()
                .map(c -> Character.isISOControl(c) || Character.getType(c) == Character.FORMAT ? '?' : c)
                .collect(StringBuilder::new, StringBuilder::appendCodePoint, StringBuilder::append).toString();
        return clean.length() > 200 ? clean.substring(0, 200) + "…" : clean;
    }
}
