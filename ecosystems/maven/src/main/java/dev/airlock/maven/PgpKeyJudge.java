package dev.airlock.maven;

import dev.airlock.maven.PgpKeyring.Entry;
import dev.airlock.maven.PgpKeyring.Key;
import org.bouncycastle.bcpg.SignatureSubpacketTags;
import org.bouncycastle.bcpg.sig.KeyFlags;
import org.bouncycastle.bcpg.sig.RevocationReason;
import org.bouncycastle.bcpg.sig.RevocationReasonTags;
import org.bouncycastle.openpgp.PGPException;
import org.bouncycastle.openpgp.PGPPublicKey;
import org.bouncycastle.openpgp.PGPPublicKeyRing;
import org.bouncycastle.openpgp.PGPSignature;
import org.bouncycastle.openpgp.PGPSignatureList;
import org.bouncycastle.openpgp.PGPSignatureSubpacketVector;
import org.bouncycastle.openpgp.operator.bc.BcPGPContentVerifierBuilderProvider;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Optional;

/**
 * Judges one key ring: what its primary key's verified signatures say about the primary key and
 * each subkey (user IDs, expiry, usage flags, revocations, subkey bindings and back-signatures),
 * and so whether signatures by each key can be trusted and, if not, why. Nothing on a key is
 * believed unless its primary key signed it.
 */
final class PgpKeyJudge {

    private PgpKeyJudge() {
    }

    /** The primary key and every subkey of one ring, each with what its primary key's verified signatures say about it. */
    static List<Entry> judge(PGPPublicKeyRing ring) {
        PGPPublicKey primary = ring.getPublicKey();
        String primaryFingerprint = PgpKeyring.hex(primary.getFingerprint());
        String primaryId = PgpKeyring.keyIdHex(primary.getKeyID());

        List<String> userIds = new ArrayList<>();
        PGPSignature newestSelf = null;
        for (Iterator<byte[]> ids = primary.getRawUserIDs(); ids.hasNext(); ) {
            byte[] id = ids.next();
            PGPSignature newest = null;
            for (PGPSignature s : PgpKeyring.each(primary.getSignaturesForID(id))) {
                int type = s.getSignatureType();
                boolean relevant = PGPSignature.isCertification(type) || type == PGPSignature.CERTIFICATION_REVOCATION;
                if (relevant && issuedBy(s, primary) && newer(s, newest)
                        && verifies(s, primary, sig -> sig.verifyCertification(id, primary))) {
                    newest = s;
                }
            }
            // A user ID whose newest self-signature revokes it is no longer a name for this key.
            if (newest != null && newest.getSignatureType() != PGPSignature.CERTIFICATION_REVOCATION) {
                userIds.add(PgpKeyring.printable(new String(id, StandardCharsets.UTF_8)));
                newestSelf = newer(newest, newestSelf) ? newest : newestSelf;
            }
        }
        for (PGPSignature s : PgpKeyring.each(primary.getSignaturesOfType(PGPSignature.DIRECT_KEY))) {
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
            String subId = PgpKeyring.keyIdHex(sub.getKeyID());
            PGPSignature binding = null;
            for (PGPSignature s : PgpKeyring.each(sub.getSignaturesOfType(PGPSignature.SUBKEY_BINDING))) {
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
        return new Entry(new Key(PgpKeyring.keyIdHex(key.getKeyID()), PgpKeyring.hex(key.getFingerprint()), primaryFingerprint, userIds,
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
        for (PGPSignature s : PgpKeyring.each(key.getSignaturesOfType(type))) {
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
                    String text = PgpKeyring.printable(reason.getRevocationDescription());
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
}
