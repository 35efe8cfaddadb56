package dev.airlock.core.proxy;

import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reading the hex digests upstreams publish in checksum files and headers. Real checksum files
 * vary: a bare digest, {@code "<digest>  <filename>"} as sha1sum writes it, or
 * {@code "MD5 (file) = <digest>"} from BSD tools; the digest is the one run of hex digits of the
 * algorithm's length.
 */
final class Checksums {

    /** A checksum file is a line; anything longer is not one. */
    static final long MAX_FILE = 4096;

    private static final Map<String, Integer> HEX_LENGTH = Map.of("MD5", 32, "SHA-1", 40, "SHA-256", 64, "SHA-512", 128);

    private Checksums() {
    }

    /** The lower-case hex digest in {@code text}, or {@code null} when it holds none of the right length. */
    static String hex(String text, String algorithm) {
        Integer length = HEX_LENGTH.get(algorithm);
        if (text == null || length == null) {
            return null;
        }
        Matcher m = Pattern.compile("(?<![0-9A-Fa-f])[0-9A-Fa-f]{" + length + "}(?![0-9A-Fa-f])").matcher(text);
        return m.find() ? m.group().toLowerCase(Locale.ROOT) : null;
    }
}
