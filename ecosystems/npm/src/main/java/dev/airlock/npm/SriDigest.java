package dev.airlock.npm;

import dev.airlock.core.ecosystem.Digest;

import java.util.Base64;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Optional;

/**
 * Picks the digest a tarball is verified against from what a manifest's {@code dist} declares:
 * the strongest entry of its Subresource Integrity string, else its hex SHA-1 {@code shasum}.
 */
final class SriDigest {

    private SriDigest() {
    }

    /** The strongest digest in an SRI string ("sha512-... sha1-..."), else the sha1 {@code shasum}. */
    static Optional<Digest> strongest(String integrity, String shasum) {
        Digest best = null;
        int bestRank = 0;
        if (integrity != null) {
            for (String part : integrity.trim().split("\\s+")) {
                int dash = part.indexOf('-');
                if (dash < 0) {
                    continue;
                }
                String algo = part.substring(0, dash);
                String b64 = part.substring(dash + 1);
                int q = b64.indexOf('?');
                if (q >= 0) {
                    b64 = b64.substring(0, q);
                }
                int rank = switch (algo) {
                    case "sha512" -> 4;
                    case "sha384" -> 3;
                    case "sha256" -> 2;
                    case "sha1" -> 1;
                    default -> 0;
                };
                if (rank > bestRank) {
                    try {
                        byte[] value = Base64.getDecoder().decode(b64);
                        best = new Digest(jcaName(algo), value);
                        bestRank = rank;
                    } catch (IllegalArgumentException ignored) {
                        // a malformed entry is no digest; others in the string may still serve
                    }
                }
            }
        }
        if (best == null && shasum != null && shasum.matches("[0-9a-fA-F]{40}")) {
            best = new Digest("SHA-1", HexFormat.of().parseHex(shasum.toLowerCase(Locale.ROOT)));
        }
        return Optional.ofNullable(best);
    }

    private static String jcaName(String sriAlgo) {
        return "SHA-" + sriAlgo.substring(3);
    }
}
