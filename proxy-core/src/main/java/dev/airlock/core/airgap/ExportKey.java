package dev.airlock.core.airgap;

import org.bouncycastle.crypto.params.Ed25519PrivateKeyParameters;
import org.bouncycastle.crypto.params.Ed25519PublicKeyParameters;
import org.bouncycastle.crypto.signers.Ed25519Signer;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HexFormat;

/**
 * The Ed25519 key an Airlock signs its export bundles with ({@code <data>/keys/export.key},
 * owner-only, made on first use) and the public half operators carry to the inside
 * ({@code export.pub}, one line: {@code airlock-export-key ed25519 <base64> <key id>}).
 */
public final class ExportKey {

    static final String PUBLIC_TAG = "airlock-export-key";
    private static final String PRIVATE_TAG = "airlock-export-private-key";

    private final Ed25519PrivateKeyParameters key;

    private ExportKey(Ed25519PrivateKeyParameters key) {
        this.key = key;
    }

    /** The instance's signing key, created on first use. */
    public static ExportKey loadOrCreate(Path dataDir) throws IOException {
        Path dir = dataDir.resolve("keys");
        Path priv = dir.resolve("export.key");
        Path pub = dir.resolve("export.pub");
        if (!Files.isRegularFile(priv)) {
            Files.createDirectories(dir);
            Ed25519PrivateKeyParameters k = new Ed25519PrivateKeyParameters(new SecureRandom());
            Path tmp = dir.resolve("export.key.part");
            Files.deleteIfExists(tmp);
            try {
                Files.createFile(tmp, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            } catch (UnsupportedOperationException notPosix) {
                Files.createFile(tmp);
            }
            Files.writeString(tmp, PRIVATE_TAG + " ed25519 " + Base64.getEncoder().encodeToString(k.getEncoded()) + "\n");
            Files.move(tmp, priv, StandardCopyOption.ATOMIC_MOVE);
        }
        String[] parts = Files.readString(priv, StandardCharsets.US_ASCII).strip().split(" ");
        if (parts.length != 3 || !parts[0].equals(PRIVATE_TAG) || !parts[1].equals("ed25519")) {
            throw new IOException(priv + " is not an Airlock export key");
        }
        ExportKey k = new ExportKey(new Ed25519PrivateKeyParameters(Base64.getDecoder().decode(parts[2]), 0));
        String line = k.publicLine();
        if (!Files.isRegularFile(pub) || !Files.readString(pub).strip().equals(line)) {
            Files.writeString(pub, line + "\n");
        }
        return k;
    }

    public byte[] sign(byte[] message) {
        Ed25519Signer s = new Ed25519Signer();
        s.init(true, key);
        s.update(message, 0, message.length);
        return s.generateSignature();
    }

    public byte[] publicKey() {
        return key.generatePublicKey().getEncoded();
    }

    public String keyId() {
        return keyId(publicKey());
    }

    /** What {@code export.pub} holds. */
    public String publicLine() {
        return PUBLIC_TAG + " ed25519 " + Base64.getEncoder().encodeToString(publicKey()) + " " + keyId();
    }

    /** A short id for a public key: the first 16 hex digits of its SHA-256. */
    static String keyId(byte[] publicKey) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(publicKey)).substring(0, 16);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A trusted public key, read from an {@code export.pub} file (or its one line). */
    public record Trusted(String keyId, byte[] publicKey, String source) {

        public static Trusted parse(String line, String source) {
            String[] parts = line.strip().split("\\s+");
            if (parts.length < 3 || !parts[0].equals(PUBLIC_TAG) || !parts[1].equals("ed25519")) {
                throw new IllegalArgumentException(source + " is not an Airlock export public key (expected '" + PUBLIC_TAG + " ed25519 ...')");
            }
            byte[] raw;
            try {
                raw = Base64.getDecoder().decode(parts[2]);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(source + ": the key is not base64");
            }
            if (raw.length != Ed25519PublicKeyParameters.KEY_SIZE) {
                throw new IllegalArgumentException(source + ": an Ed25519 public key is 32 bytes, not " + raw.length);
            }
            return new Trusted(ExportKey.keyId(raw), raw, source);
        }

        public static Trusted read(Path file) throws IOException {
            return parse(Files.readString(file, StandardCharsets.US_ASCII), file.toString());
        }

        boolean verifies(byte[] message, byte[] signature) {
            Ed25519Signer s = new Ed25519Signer();
            s.init(false, new Ed25519PublicKeyParameters(publicKey, 0));
            s.update(message, 0, message.length);
            return s.verifySignature(signature);
        }
    }
}
