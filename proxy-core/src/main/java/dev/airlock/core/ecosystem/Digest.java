package dev.airlock.core.ecosystem;

import java.security.MessageDigest;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Objects;

/**
 * A digest an upstream declares for an artifact.
 *
 * @param algorithm the JCA name: "SHA-512", "SHA-256" or "SHA-1"
 * @param value     the raw digest bytes
 */
public record Digest(String algorithm, byte[] value) {

    public Digest {
        Objects.requireNonNull(algorithm, "algorithm");
        value = value.clone();
    }

    @Override
    public byte[] value() {
        return value.clone();
    }

    public boolean matches(byte[] actual) {
        return MessageDigest.isEqual(value, actual);
    }

    public String hex() {
        return HexFormat.of().formatHex(value);
    }

    /** Subresource-integrity spelling ("sha512-BASE64"), as npm shows it. */
    public String sri() {
        return algorithm.toLowerCase(Locale.ROOT).replace("-", "") + "-" + Base64.getEncoder().encodeToString(value);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Digest d && d.algorithm.equals(algorithm) && Arrays.equals(d.value, value);
    }

    @Override
    public int hashCode() {
        return algorithm.hashCode() * 31 + Arrays.hashCode(value);
    }

    @Override
    public String toString() {
        return sri();
    }
}
