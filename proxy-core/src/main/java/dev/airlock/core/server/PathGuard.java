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
            } else if (c > 0x7e || c < 0x21) {
                return null;
            } else {
                out.write(c);
            }
        }
        String decoded;
        try {
            decoded = StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(out.toByteArray())).toString();
        } catch (CharacterCodingException e) {
            return null;
        }
        for (int i = 0; i < decoded.length(); i++) {
            char c = decoded.charAt(i);
            if (c < 0x20 || c == 0x7f || c == '\\' || c == '%') {
                return null;
            }
        }
        String[] segments = decoded.substring(1).split("/", -1);
        for (int i = 0; i < segments.length; i++) {
            String s = segments[i];
            boolean last = i == segments.length - 1;
            if (s.equals("..") || s.equals(".") || (s.isEmpty() && !last)) {
                return null;
            }
        }
        return decoded;
    }
}
