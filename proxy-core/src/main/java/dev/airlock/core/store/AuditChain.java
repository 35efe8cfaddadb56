package dev.airlock.core.store;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.HexFormat;

/**
 * How the audit log's entries are chained: each hash covers the previous entry's hash and the
 * entry's own fields in one fixed encoding, so changing, removing or reordering any row breaks
 * every hash after it. Used when appending and when verifying; nothing else defines it.
 */
public final class AuditChain {

    /** The previous hash of the first entry. */
    public static final String GENESIS = "0".repeat(64);
    private static final ObjectMapper JSON = new ObjectMapper();

    private AuditChain() {
    }

    public static String hash(String prevHash, long seq, Instant at, String actor, String action, String target, String reason,
                              String details) {
        ObjectNode o = JSON.createObjectNode();
        // Field order is fixed here, not by a map: the encoding must never change under a library.
        o.put("seq", seq).put("at", at.toEpochMilli()).put("actor", actor).put("action", action).put("target", target)
                .put("reason", reason).put("details", details);
        try {
            MessageDigest d = MessageDigest.getInstance("SHA-256");
            d.update(prevHash.getBytes(StandardCharsets.US_ASCII));
            d.update((byte) '\n');
            d.update(o.toString().getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(d.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    public static String hash(AuditRecord r) {
        return hash(r.prevHash(), r.seq(), r.at(), r.actor(), r.action(), r.target(), r.reason(), r.details());
    }
}
