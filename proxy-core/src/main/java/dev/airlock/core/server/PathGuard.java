package dev.airlock.core.server;

import java.io.ByteArrayOutputStream;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.ByteBuffer;

/**
 * Decodes a request path once and refuses anything that could name a file it should not:
 * ".." or "." segments, backslashes, NUL and other control characters, empty segments, invalid
 * UTF-8, and "%" left after decoding (double encoding such as {@code %252e%252e}). The core
 * never builds file paths from request text, so this is defence in depth and a clean 400 for
 * clients, not the only line.
 */
final class PathGuard {

    private PathGuard() {
    }

    /** The decoded path, or {@code null} when it must be refused. */
    static String decode(String rawPath) {
        if (rawPath.isEmpty() || rawPath.charAt(0) != '/') {
            return null;
        }
        boolean encoded = rawPath.indexOf('%') >= 0;
        String decoded = encoded ? percentDecode(rawPath) : rawPath;
        // Raw bytes above ASCII are refused; the same characters percent-encoded as UTF-8 are fine.
        return decoded != null && clean(decoded, encoded) ? decoded : null;
    }

    private static String percentDecode(String rawPath) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(rawPath.length());
        for (int i = 0; i < rawPath.length(); i++) {
            char c = rawPath.charAt(i);
            if (c == '%') {
                if (i + 2 >= rawPath.length()) {
                    return null;
                }
                int hi = Character.digit(rawPath.charAt(i + 1), 16);
                int lo = Character.digit(rawPath.charAt(i + 2), 16);
                if (hi < 0 || lo < 0) {
                    return null;
                }
                out.write((hi << 4) | lo);
                i += 2;
            } else {
                out.write(c);
            }
        }
        try {
            return StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(out.toByteArray())).toString();
        } catch (CharacterCodingException e) {
            return null;
        }
    }

    /**
     * No control characters, backslash, space, "%" (left after decoding means double encoding), and
     * no empty, "." or ".." segment (a trailing "/" is allowed).
     */
    private static boolean clean(String p, boolean nonAsciiAllowed) {
        int segmentStart = 1;
        for (int i = 1; i <= p.length(); i++) {
            char c = i < p.length() ? p.charAt(i) : '/';
            if (c == '/') {
                int len = i - segmentStart;
                boolean last = i == p.length();
                if ((len == 0 && !last) || (len == 1 && p.charAt(segmentStart) == '.')
                        || (len == 2 && p.charAt(segmentStart) == '.' && p.charAt(segmentStart + 1) == '.')) {
                    return false;
                }
                segmentStart = i + 1;
            } else if (c <= 0x20 || c == 0x7f || c == '\\' || c == '%' || (c > 0x7f && !nonAsciiAllowed)) {
                return false;
            }
        }
        return true;
    }
}
