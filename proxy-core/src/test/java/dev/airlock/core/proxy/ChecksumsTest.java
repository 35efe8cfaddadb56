package dev.airlock.core.proxy;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

/** Checksum files as real repositories write them. */
class ChecksumsTest {

    private static final String SHA1 = "2FD4E1C67A2D28FCED849EE1BB76E7391B93EB12";

    @Test
    void theDigestIsFoundInEachCommonSpelling() {
        assertEquals(SHA1.toLowerCase(), Checksums.hex(SHA1, "SHA-1"));
        assertEquals(SHA1.toLowerCase(), Checksums.hex(SHA1.toLowerCase() + "  lib-1.0.jar\n", "SHA-1"));
        assertEquals(SHA1.toLowerCase(), Checksums.hex("SHA1 (lib-1.0.jar) = " + SHA1 + "\n", "SHA-1"));
        assertEquals("d41d8cd98f00b204e9800998ecf8427e", Checksums.hex("d41d8cd98f00b204e9800998ecf8427e", "MD5"));
    }

    @Test
    void wrongLengthsAndNoiseAreNoDigest() {
        assertNull(Checksums.hex(SHA1 + "00", "SHA-1"), "a longer run of hex is not a SHA-1");
        assertNull(Checksums.hex(SHA1.substring(2), "SHA-1"));
        assertNull(Checksums.hex("<html>Not Found</html>", "SHA-1"));
        assertNull(Checksums.hex(null, "SHA-1"));
        assertNull(Checksums.hex(SHA1, "CRC32"));
    }
}
