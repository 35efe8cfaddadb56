package dev.airlock.core.trust;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;

/**
 * A transparency log's signed checkpoint (the C2SP signed-note format): the log's origin line,
 * its tree size, its root hash, then one signature line per signer. Only the text before the
 * blank line is signed, so that is all this trusts, and only after a log key verifies it.
 *
 * @param origin   the log's name and tree id ("rekor.sigstore.dev - 1193050959916656506")
 * @param treeSize how many entries the root hash covers
 * @param rootHash the Merkle root
 * @param signed   exactly the bytes the signatures cover
 * @param signatures the signature lines: signer name, and the 4-byte key hint followed by the signature
 */
record Checkpoint(String origin, long treeSize, byte[] rootHash, byte[] signed, List<Line> signatures) {

    record Line(String name, byte[] keyHint, byte[] signature) {
    }

    /** Parses a checkpoint; never trusts it (the caller verifies a signature with a log key). */
    static Checkpoint parse(String envelope) throws VerificationException {
        if (envelope == null || envelope.isEmpty()) {
            throw new VerificationException("the transparency log entry has no checkpoint");
        }
        int split = envelope.indexOf("\n\n");
        if (split < 0) {
            throw new VerificationException("the checkpoint is not a signed note (no blank line before its signatures)");
        }
        String body = envelope.substring(0, split + 1);
        String[] lines = body.split("\n");
        if (lines.length < 3) {
            throw new VerificationException("the checkpoint lacks its origin, size or root hash");
        }
        long size;
        byte[] root;
        try {
            size = Long.parseLong(lines[1]);
            root = Base64.getDecoder().decode(lines[2]);
        } catch (IllegalArgumentException e) {
            throw new VerificationException("the checkpoint's size or root hash is malformed");
        }
        List<Line> sigs = new ArrayList<>();
        for (String l : envelope.substring(split + 2).split("\n")) {
            // "— <name> <base64(hint || signature)>": the em dash is part of the format.
            if (!l.startsWith("\u2014 ")) {
                continue;
            }
            int space = l.lastIndexOf(' ');
            if (space <= 2) {
                continue;
            }
            byte[] raw;
            try {
                raw = Base64.getDecoder().decode(l.substring(space + 1));
            } catch (IllegalArgumentException e) {
                continue;
            }
            if (raw.length <= 4) {
                continue;
            }
            sigs.add(new Line(l.substring(2, space), Arrays.copyOf(raw, 4), Arrays.copyOfRange(raw, 4, raw.length)));
        }
        if (sigs.isEmpty()) {
            throw new VerificationException("the checkpoint carries no signature");
        }
        return new Checkpoint(lines[0], size, root, body.getBytes(StandardCharsets.UTF_8), List.copyOf(sigs));
    }
}
