package dev.airlock.core.server;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

/** Request paths are decoded exactly once, and anything that could climb out of a directory is refused. */
class PathGuardTest {

    @ParameterizedTest
    @ValueSource(strings = {"/npm/../x", "/npm/%2e%2e/x", "/npm/%2E%2E/x", "/npm/.%2e/x", "/npm/%252e%252e/x", "/npm/a%5c..%5cb",
            "/npm/a\\b", "/npm/a%00b", "/npm/a%0ab", "/npm/./x", "/npm//x", "npm/x", "", "/npm/%", "/npm/%zz", "/npm/%c0%ae%c0%ae",
            "/npm/\u00e9", "/npm/a b", "/npm/%7f"})
    void refused(String raw) {
        // Traversal in any spelling, double encoding, control characters, invalid UTF-8 and raw non-ASCII are refused.
        assertNull(PathGuard.decode(raw), raw);
    }

    @ParameterizedTest
    @CsvSource({"/npm/left-pad,/npm/left-pad", "/npm/@acme%2futil,/npm/@acme/util", "/npm/@acme%2Futil,/npm/@acme/util",
            "/npm/@acme/util/-/util-1.0.0.tgz,/npm/@acme/util/-/util-1.0.0.tgz", "/npm/,/npm/", "/-/ping,/-/ping",
            "/npm/caf%C3%A9,/npm/caf\u00e9", "/npm/a..b,/npm/a..b"})
    void decoded(String raw, String expected) {
        // Legitimate paths, including encoded scope slashes and UTF-8, decode to what the client meant.
        assertEquals(expected, PathGuard.decode(raw));
    }
}
