package dev.airlock.core.trust.testing;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.PublicKey;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;

/**
 * An in-memory transparency log shaped like Rekor v1 (the log behind every bundle the npm, PyPI and Maven
 * ecosystems publish today), so a verifier's log checks can be exercised offline against proofs that are
 * mathematically real rather than copied bytes.
 *
 * <p>Two identifiers exist per entry, as on the sharded public log: {@link Entry#logIndex()} is the global
 * index that the Signed Entry Timestamp covers, and {@link Entry#treeIndex()} is the position inside this
 * shard's Merkle tree that the inclusion proof and checkpoint use. They differ by the offset given at
 * construction (the public log's current shard is offset by hundreds of millions), so a verifier that mixes
 * them up fails against this log just as it would against the real one.
 *
 * <p>Merkle hashing follows RFC 6962 §2.1 (leaf = SHA-256(0x00 || body), node = SHA-256(0x01 || l || r), trees
 * of any size, audit paths ordered from the leaf upwards). Checkpoints are Rekor's signed notes: the signature
 * line names the log by its host (not by the full origin line) and carries the 4-byte key hint
 * {@code SHA-256(SPKI)[0..4]} before the DER ECDSA signature, exactly as in the real checkpoint
 * {@code "rekor.sigstore.dev - 1193050959916656506\n…\n\n— rekor.sigstore.dev wNI9aj…"}.
 */
public final class FakeRekor {

    /**
     * One appended entry. The body is kept verbatim because every check a verifier makes (SET, leaf hash,
     * comparison with the bundle's content) is over these exact bytes.
     */
    public record Entry(long logIndex, long treeIndex, String kind, String version, byte[] canonicalizedBody,
            long integratedTime) {
        public Entry {
            Objects.requireNonNull(kind, "kind");
            Objects.requireNonNull(version, "version");
            canonicalizedBody = canonicalizedBody.clone();
        }

        @Override
        public byte[] canonicalizedBody() {
            return canonicalizedBody.clone();
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Entry e && logIndex == e.logIndex && treeIndex == e.treeIndex && kind.equals(e.kind)
                    && version.equals(e.version) && Arrays.equals(canonicalizedBody, e.canonicalizedBody)
                    && integratedTime == e.integratedTime;
        }

        @Override
        public int hashCode() {
            return Objects.hash(logIndex, treeIndex, kind, version, Arrays.hashCode(canonicalizedBody), integratedTime);
        }

        @Override
        public String toString() {
            return "Entry[logIndex=" + logIndex + ", treeIndex=" + treeIndex + ", " + kind + " " + version
                    + ", integratedTime=" + integratedTime + "]";
        }
    }

    private final String host;
    private final long treeId;
    private final long logIndexOffset;
    private final KeyPair key;
    private final byte[] logId;
    private final List<byte[]> leafHashes = new ArrayList<>();
    private final List<Entry> entries = new ArrayList<>();

    FakeRekor(String host, long logIndexOffset) {
        if (logIndexOffset < 0) {
            throw new IllegalArgumentException("logIndexOffset must not be negative");
        }
        this.host = host;
        this.logIndexOffset = logIndexOffset;
        this.treeId = Crypto.RANDOM.nextLong() & Long.MAX_VALUE;
        this.key = Crypto.ecKeyPair("secp256r1");
        this.logId = Crypto.sha256(key.getPublic().getEncoded());
    }

    /** The key a trusted root lists for this log; SETs and checkpoints verify with it. */
    public PublicKey publicKey() {
        return key.getPublic();
    }

    /** SHA-256 of the log's SubjectPublicKeyInfo DER: the {@code logId.keyId} in bundles and trusted roots. */
    public byte[] logId() {
        return logId.clone();
    }

    /** The host the checkpoint signature line names, e.g. {@code fake-rekor.test}. */
    public String host() {
        return host;
    }

    /** The {@code baseUrl} a trusted root gives for this log. */
    public String baseUrl() {
        return "https://" + host;
    }

    /** The first line of every checkpoint: {@code "<host> - <tree id>"}, the shape Rekor v1 uses. */
    public String origin() {
        return host + " - " + treeId;
    }

    /** Added to a tree index to form the global log index (see the class comment). */
    public long logIndexOffset() {
        return logIndexOffset;
    }

    /** Number of entries in this shard's tree. */
    public synchronized long size() {
        return leafHashes.size();
    }

    /**
     * Integrates a body. {@code integratedTime} (epoch seconds) is the caller's choice so that tests can place
     * it inside or outside a certificate's ten-minute validity.
     */
    public synchronized Entry append(String kind, String version, byte[] canonicalizedBody, long integratedTime) {
        long treeIndex = leafHashes.size();
        Entry e = new Entry(logIndexOffset + treeIndex, treeIndex, kind, version, canonicalizedBody, integratedTime);
        leafHashes.add(leafHash(canonicalizedBody));
        entries.add(e);
        return e;
    }

    /** RFC 6962 Merkle Tree Hash of the first {@code treeSize} entries. */
    public synchronized byte[] rootHash(long treeSize) {
        checkSize(treeSize);
        if (treeSize == 0) {
            return Crypto.sha256(new byte[0]);
        }
        List<byte[]> level = new ArrayList<>(leafHashes.subList(0, (int) treeSize));
        while (level.size() > 1) {
            level = nextLevel(level);
        }
        return level.get(0).clone();
    }

    /**
     * RFC 6962 audit path for {@code treeIndex} in the tree of the first {@code treeSize} entries, ordered from
     * the leaf's sibling up to the root's child. Any {@code treeSize} greater than the index works, so tests can
     * also prove an old entry against a later tree.
     */
    public synchronized List<byte[]> inclusionProof(long treeIndex, long treeSize) {
        checkSize(treeSize);
        if (treeIndex < 0 || treeIndex >= treeSize) {
            throw new IllegalArgumentException("index " + treeIndex + " is not in a tree of size " + treeSize);
        }
        // Built bottom-up: an RFC 6962 tree equals pairwise hashing in which a lone last node moves up unchanged.
        List<byte[]> proof = new ArrayList<>();
        List<byte[]> level = new ArrayList<>(leafHashes.subList(0, (int) treeSize));
        long index = treeIndex;
        while (level.size() > 1) {
            long sibling = index ^ 1;
            if (sibling < level.size()) {
                proof.add(level.get((int) sibling).clone());
            }
            level = nextLevel(level);
            index >>= 1;
        }
        return proof;
    }

    /** A signed note for the tree of the first {@code treeSize} entries, in Rekor's exact layout. */
    public synchronized String checkpoint(long treeSize) {
        String note = origin() + "\n" + treeSize + "\n" + Crypto.b64(rootHash(treeSize)) + "\n";
        byte[] signature = Crypto.ecdsaSha256(key.getPrivate(), note.getBytes(StandardCharsets.UTF_8));
        byte[] hinted = new byte[4 + signature.length];
        System.arraycopy(logId, 0, hinted, 0, 4);
        System.arraycopy(signature, 0, hinted, 4, signature.length);
        return note + "\n" + "\u2014 " + host + " " + Crypto.b64(hinted) + "\n";
    }

    /**
     * The Signed Entry Timestamp ({@code inclusionPromise}): an ECDSA signature over the RFC 8785 canonical JSON
     * {@code {"body","integratedTime","logID","logIndex"}}. It is what lets a 2023 bundle without an inclusion
     * proof be verified at all.
     */
    public byte[] signedEntryTimestamp(Entry entry) {
        return Crypto.ecdsaSha256(key.getPrivate(), setPayload(entry, logId));
    }

    /** The exact bytes a SET covers; public so tests can show a tampered field breaks it. */
    public static byte[] setPayload(Entry entry, byte[] logId) {
        ObjectNode o = JsonNodeFactory.instance.objectNode();
        o.put("body", Crypto.b64(entry.canonicalizedBody()));
        o.put("integratedTime", entry.integratedTime());
        o.put("logID", HexFormat.of().formatHex(logId));
        o.put("logIndex", entry.logIndex());
        return Crypto.canonicalJson(o);
    }

    /**
     * The entry as a bundle's {@code TransparencyLogEntry} (protobuf-JSON: int64 as strings, bytes as base64),
     * with the proof and checkpoint for the tree as it is now. Without a proof the field is an explicit
     * {@code null}, as in the 2023 npm bundles.
     */
    public synchronized ObjectNode entryJson(Entry entry, boolean withInclusionProof) {
        ObjectNode e = JsonNodeFactory.instance.objectNode();
        e.put("logIndex", Long.toString(entry.logIndex()));
        e.putObject("logId").put("keyId", Crypto.b64(logId));
        ObjectNode kv = e.putObject("kindVersion");
        kv.put("kind", entry.kind());
        kv.put("version", entry.version());
        e.put("integratedTime", Long.toString(entry.integratedTime()));
        e.putObject("inclusionPromise").put("signedEntryTimestamp", Crypto.b64(signedEntryTimestamp(entry)));
        if (withInclusionProof) {
            long treeSize = size();
            ObjectNode p = e.putObject("inclusionProof");
            p.put("logIndex", Long.toString(entry.treeIndex()));
            p.put("rootHash", Crypto.b64(rootHash(treeSize)));
            p.put("treeSize", Long.toString(treeSize));
            ArrayNode hashes = p.putArray("hashes");
            for (byte[] h : inclusionProof(entry.treeIndex(), treeSize)) {
                hashes.add(Crypto.b64(h));
            }
            p.putObject("checkpoint").put("envelope", checkpoint(treeSize));
        } else {
            e.set("inclusionProof", NullNode.getInstance());
        }
        e.put("canonicalizedBody", Crypto.b64(entry.canonicalizedBody()));
        return e;
    }

    /** Entries appended so far, oldest first. */
    public synchronized List<Entry> entries() {
        return List.copyOf(entries);
    }

    /** RFC 6962 leaf hash. */
    public static byte[] leafHash(byte[] data) {
        return Crypto.sha256(new byte[] {0}, data);
    }

    /** RFC 6962 interior node hash. */
    public static byte[] nodeHash(byte[] left, byte[] right) {
        return Crypto.sha256(new byte[] {1}, left, right);
    }

    private static List<byte[]> nextLevel(List<byte[]> level) {
        List<byte[]> next = new ArrayList<>((level.size() + 1) / 2);
        for (int i = 0; i < level.size(); i += 2) {
            next.add(i + 1 < level.size() ? nodeHash(level.get(i), level.get(i + 1)) : level.get(i));
        }
        return next;
    }

    private void checkSize(long treeSize) {
        if (treeSize < 0 || treeSize > leafHashes.size()) {
            throw new IllegalArgumentException("tree size " + treeSize + " outside 0.." + leafHashes.size());
        }
    }
}
