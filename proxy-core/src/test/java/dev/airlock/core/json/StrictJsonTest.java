package dev.airlock.core.json;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** JSON someone else wrote is read one way only: no duplicate keys, no malformed UTF-8, bounded nesting. */
class StrictJsonTest {

    private static byte[] bytes(int... b) {
        byte[] out = new byte[b.length];
        for (int i = 0; i < b.length; i++) {
            out[i] = (byte) b[i];
        }
        return out;
    }

    @Test
    void aKeyNamedTwiceIsRefusedNotTheLastOneWins() {
        IOException e = assertThrows(IOException.class,
                () -> StrictJson.read("{\"name\":\"x\",\"role\":\"viewer\",\"role\":\"admin\"}".getBytes(StandardCharsets.UTF_8)));
        assertTrue(e.getMessage().contains("Duplicate field 'role'"), e.getMessage());
        assertThrows(IOException.class, () -> StrictJson.read("{\"a\":{\"k\":1,\"k\":2}}".getBytes(StandardCharsets.UTF_8)), "nested too");
    }

    @Test
    void overlongAndOtherMalformedUtf8IsRefused() throws IOException {
        // {"p":"<C0 AE>"}: an overlong '.', which a lenient decoder reads as a dot.
        byte[] overlong = bytes('{', '"', 'p', '"', ':', '"', 0xc0, 0xae, '"', '}');
        assertTrue(assertThrows(IOException.class, () -> StrictJson.read(overlong)).getMessage().contains("not well-formed UTF-8"));
        assertThrows(IOException.class, () -> StrictJson.requireUtf8(bytes(0xe0, 0x80, 0xae)), "three-byte overlong");
        assertThrows(IOException.class, () -> StrictJson.requireUtf8(bytes(0xed, 0xa0, 0x80)), "a surrogate");
        assertThrows(IOException.class, () -> StrictJson.requireUtf8(bytes(0xf4, 0x90, 0x80, 0x80)), "above U+10FFFF");
        assertThrows(IOException.class, () -> StrictJson.requireUtf8(bytes(0xe2, 0x82)), "cut off");
        assertThrows(IOException.class, () -> StrictJson.requireUtf8(bytes(0x80)), "a lone continuation byte");
        StrictJson.requireUtf8("é € 𝄞 plain".getBytes(StandardCharsets.UTF_8));
        assertEquals("é€𝄞", StrictJson.read("{\"s\":\"é€𝄞\"}".getBytes(StandardCharsets.UTF_8)).get("s").asText());
    }

    @Test
    void nestingIsBounded() {
        String deep = "[".repeat(StrictJson.MAX_DEPTH + 1) + "]".repeat(StrictJson.MAX_DEPTH + 1);
        assertThrows(IOException.class, () -> StrictJson.read(deep.getBytes(StandardCharsets.UTF_8)));
        String ok = "[".repeat(50) + "]".repeat(50);
        assertTrue(org.junit.jupiter.api.Assertions.assertDoesNotThrow(() -> StrictJson.read(ok.getBytes(StandardCharsets.UTF_8))).isArray());
    }
    @Test
    void aBadByteIsFoundWhereverItSitsAmongAsciiRuns() {
        // The check skips eight ASCII bytes at a time: a bad byte or a good sequence at any offset,
        // including the last few bytes that are checked one by one.
        for (int at = 0; at < 40; at++) {
            byte[] bad = "a".repeat(40).getBytes(java.nio.charset.StandardCharsets.US_ASCII);
            bad[at] = (byte) 0xff;
            int offset = at;
            assertThrows(java.io.IOException.class, () -> StrictJson.requireUtf8(bad), "0xff at " + offset);
            byte[] good = ("a".repeat(at) + "\u00e9\u20ac" + "a".repeat(40 - at)).getBytes(java.nio.charset.StandardCharsets.UTF_8);
            assertDoesNotThrow(() -> StrictJson.requireUtf8(good), "a valid sequence at " + offset);
            byte[] cut = java.util.Arrays.copyOf(good, at + 3); // the euro sign cut after its first byte
            assertThrows(java.io.IOException.class, () -> StrictJson.requireUtf8(cut), "cut at " + offset);
        }
    }
}
