package dev.airlock.maven;

import org.bouncycastle.openpgp.PGPPublicKey;
import org.bouncycastle.openpgp.PGPSignature;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Instant;
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
 * <p>This class is the keyring itself: loading it, refusing two keys that share an id, and
 * looking keys up. Reading the files is {@link PgpKeyFiles}'s job, and judging what each key's
 * signatures say is {@link PgpKeyJudge}'s.
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
        Map<String, PgpKeyFiles.Ring> rings = new LinkedHashMap<>();
        for (Path file : files) {
            String source = file.toString();
            byte[] bytes;
            try (InputStream in = Files.newInputStream(file)) {
                bytes = in.readNBytes(MAX_FILE_BYTES + 1);
            } catch (NoSuchFileException e) {
                throw new PgpKeyFiles.FileProblem(source, "does not exist", null);
            } catch (AccessDeniedException e) {
                throw new PgpKeyFiles.FileProblem(source, "cannot be read: permission denied", null);
            } catch (IOException e) {
                throw new PgpKeyFiles.FileProblem(source, "cannot be read: " + e, e);
            }
            PgpKeyFiles.readInto(source, bytes, rings);
        }
        return build(rings);
    }

    /** Reads the keys in {@code keys}, as {@link #load} does for one file; {@code source} names them in error messages. */
    public static PgpKeyring parse(String source, byte[] keys) {
        Map<String, PgpKeyFiles.Ring> rings = new LinkedHashMap<>();
        PgpKeyFiles.readInto(source, keys, rings);
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

    private static PgpKeyring build(Map<String, PgpKeyFiles.Ring> rings) {
        Map<Long, Entry> byKeyId = new LinkedHashMap<>();
        Map<Long, String> sourceOf = new LinkedHashMap<>();
        for (PgpKeyFiles.Ring r : rings.values()) {
            for (Entry e : PgpKeyJudge.judge(r.ring())) {
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

    /** An iterator of signatures as an {@code Iterable}; null (Bouncy Castle's "none") is empty. */
    static Iterable<PGPSignature> each(Iterator<PGPSignature> signatures) {
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
