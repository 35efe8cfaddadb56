package dev.airlock.cli;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;

/**
 * The digest a lockfile pins for a file, as prefetch checks the bytes Airlock serves against it:
 * {@code sha256:HEX}, or SRI (several space-separated entries; the strongest algorithm decides,
 * any of its values may match, as in the SRI spec).
 */
record LockfileDigest(String algorithm, List<byte[]> values) {

    private static final List<String> STRENGTH = List.of("sha512", "sha384", "sha256", "sha1");

    static LockfileDigest parse(String s) {
        if (s == null) {
            return null;
        }
        if (s.startsWith("sha256:")) {
            try {
                return new LockfileDigest("SHA-256", List.of(HexFormat.of().parseHex(s.substring(7))));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("the lockfile's digest is not hex: " + s);
            }
        }
        String best = null;
        List<byte[]> values = new ArrayList<>();
        for (String part : s.strip().split("\\s+")) {
            int dash = part.indexOf('-');
            String alg = dash < 0 ? "" : part.substring(0, dash).toLowerCase(Locale.ROOT);
            if (!STRENGTH.contains(alg)) {
                continue;
            }
            String b64 = part.substring(dash + 1).replaceAll("\\?.*", "");
            byte[] v;
            try {
                v = Base64.getDecoder().decode(b64);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("the lockfile's integrity is not base64: " + part);
            }
            if (best == null || STRENGTH.indexOf(alg) < STRENGTH.indexOf(best)) {
                best = alg;
                values.clear();
            }
            if (alg.equals(best)) {
                values.add(v);
            }
        }
        if (best == null) {
            throw new IllegalArgumentException("the lockfile's digest uses no algorithm prefetch checks: " + s);
        }
        return new LockfileDigest(best.equals("sha1") ? "SHA-1" : "SHA-" + best.substring(3), List.copyOf(values));
    }

    MessageDigest digest() {
        try {
            return MessageDigest.getInstance(algorithm);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    boolean matches(byte[] actual) {
        return values.stream().anyMatch(v -> MessageDigest.isEqual(v, actual));
    }
}
